/**
 * zstd as its format is written, frame after frame: Node's decoder reads one frame and silently
 * drops what follows it, and fails on a skippable frame. Writers that emit many frames are common:
 * pzstd and `zstd -T` with `--rsyncable`-style splitting, `cat a.zst b.zst`, and layers in
 * containers/storage's `zstd:chunked` form (each file its own frame, the table of contents in
 * skippable frames) — a layer of those was read up to its first frame and the rest passed unread,
 * with no word. Here the frames are walked in JS (header, block headers, checksum: no decoding),
 * each data frame handed whole to a fresh Node decoder, its output continuing the one before it,
 * skippable frames passed over; a frame that needs a dictionary is named, not mistaken for damage.
 */
import type * as zlib from 'node:zlib';
import { errorText, type DecodeEnv, type Decoding } from './types.js';

/** One step of the walk: a data frame's start (its dictionary id, 0 for none; its window), its bytes, its end; a skippable frame; bytes that are no frame. */
export type Piece =
  | { kind: 'start'; dictionary: number; window: number }
  | { kind: 'data'; bytes: Uint8Array }
  | { kind: 'end' }
  | { kind: 'skip' }
  | { kind: 'junk'; offset: number };

const MAGIC = 0xfd2fb528;
const isSkippable = (m: number) => m >>> 4 === 0x184d2a5;
const u32 = (h: number[]) => (h[0]! | (h[1]! << 8) | (h[2]! << 16) | (h[3]! << 24)) >>> 0;

/**
 * Cuts a zstd stream into its frames as it comes. Block contents are counted, not read: the walk costs
 * a few operations per 128 KiB block.
 */
export class FrameWalker {
  /** Header bytes gathered: a frame's magic, its header, a block header, a skippable frame's size. */
  #head: number[] = [];
  #want: 'magic' | 'frame' | 'block' | 'skipsize' | 'body' | 'skipbody' | 'junk' = 'magic';
  /** Bytes still to pass as they are: a block's body (and the checksum after the last), a skippable frame's body. */
  #body = 0;
  #last = false;
  #checksum = false;
  #offset = 0;

  /** True between a frame's first byte and its end (a stream that ends here was cut short). */
  get inside(): boolean {
    return this.#want !== 'magic' && this.#want !== 'junk' ? true : this.#head.length > 0;
  }

  split(chunk: Uint8Array): Piece[] {
    const out: Piece[] = [];
    let i = 0;
    while (i < chunk.length && this.#want !== 'junk') {
      if (this.#want === 'body' || this.#want === 'skipbody') {
        const n = Math.min(this.#body, chunk.length - i);
        if (this.#want === 'body' && n) out.push({ kind: 'data', bytes: chunk.subarray(i, i + n) });
        this.#body -= n;
        i += n;
        if (this.#body === 0) this.#bodyDone(out);
        continue;
      }
      this.#head.push(chunk[i++]!);
      this.#header(out);
      if ((this.#want as string) === 'junk') out.push({ kind: 'junk', offset: this.#offset + i - 1 });
    }
    this.#offset += chunk.length;
    return out;
  }

  /** A frame's magic and header, gathered (maybe across chunks): they go to its decoder with its blocks. */
  #frameHead: number[] = [];

  #bodyDone(out: Piece[]): void {
    if (this.#want === 'skipbody') {
      out.push({ kind: 'skip' });
      this.#want = 'magic';
    } else if (this.#last) {
      out.push({ kind: 'end' });
      this.#want = 'magic';
    } else this.#want = 'block';
  }

  /** Reads the gathered header bytes once they are whole. */
  #header(out: Piece[]): void {
    const h = this.#head;
    switch (this.#want) {
      case 'magic': {
        if (h.length < 4) return;
        const m = u32(h);
        this.#head = [];
        if (m === MAGIC) {
          this.#frameHead = [...h];
          this.#want = 'frame';
        } else this.#want = isSkippable(m) ? 'skipsize' : 'junk';
        return;
      }
      case 'skipsize':
        if (h.length < 4) return;
        this.#body = u32(h);
        this.#head = [];
        this.#want = 'skipbody';
        if (this.#body === 0) this.#bodyDone(out);
        return;
      case 'frame': {
        const d = h[0]!;
        if (d & 0x08) return void (this.#want = 'junk');
        const single = (d >> 5) & 1;
        const dictBytes = [0, 1, 2, 4][d & 3]!;
        const at = 2 - single;
        if (h.length < at + dictBytes + [single, 2, 4, 8][d >> 6]!) return;
        const le = (from: number, n: number) => {
          let v = 0;
          for (let k = n - 1; k >= 0; k--) v = v * 256 + h[from + k]!;
          return v;
        };
        const dictionary = le(at, dictBytes);
        // A single-segment frame's window is its content size; otherwise the window descriptor's 2^(10+e) · (1 + m/8).
        const fcs = le(at + dictBytes, [single, 2, 4, 8][d >> 6]!) + (d >> 6 === 1 ? 256 : 0);
        const window = single ? fcs : 2 ** (10 + (h[1]! >> 3)) * (1 + (h[1]! & 7) / 8);
        this.#checksum = (d & 0x04) !== 0;
        this.#head = [];
        out.push({ kind: 'start', dictionary, window }, { kind: 'data', bytes: Uint8Array.from([...this.#frameHead, ...h]) });
        this.#want = 'block';
        return;
      }
      default: {
        if (h.length < 3) return;
        const b = h[0]! | (h[1]! << 8) | (h[2]! << 16);
        this.#head = [];
        out.push({ kind: 'data', bytes: Uint8Array.from(h) });
        const type = (b >> 1) & 3;
        if (type === 3) return void (this.#want = 'junk');
        this.#last = (b & 1) === 1;
        this.#body = (type === 1 ? 1 : b >>> 3) + (this.#last && this.#checksum ? 4 : 0);
        this.#want = 'body';
        if (this.#body === 0) this.#bodyDone(out);
      }
    }
  }
}

/** Resolves when `s` takes more input, or is closed (destroyed by an error): no listener is left behind. */
const drained = (s: zlib.ZstdDecompress) =>
  new Promise<void>((resolve) => {
    const done = () => {
      s.off('drain', done);
      s.off('close', done);
      resolve();
    };
    s.on('drain', done);
    s.on('close', done);
  });

/** Thrown, once the other frames are read, for a frame passed over: one that needs a dictionary, or a window above the bound. */
export class UnreadFrame extends Error {}

const mib = (n: number) => `${Math.round(n / 2 ** 20)} MiB`;

/**
 * The content of every frame of a zstd stream, in order: each data frame through its own decoder (`decoder()`),
 * skippable frames passed over. Bytes that are no frame after at least one frame end the stream (trailing bytes);
 * before any, or a stream cut inside a frame, throw. Frames that need a dictionary, or a window above `maxWindow`
 * (`zstd --long` or `--ultra` on a stream), are passed over and named (`UnreadFrame`) after the rest are read.
 */
export async function* zstdFrames(
  source: AsyncIterable<Uint8Array>,
  decoder: () => zlib.ZstdDecompress,
  { oneFrame = false, maxWindow = Infinity } = {},
): AsyncGenerator<Buffer> {
  const walker = new FrameWalker();
  const pieces = (async function* () {
    for await (const chunk of source) yield* walker.split(chunk);
    if (walker.inside) throw new Error('the stream ends inside a frame (truncated)');
  })();
  let frames = 0;
  let unread: string | undefined;
  for (;;) {
    let next = await pieces.next();
    while (!next.done && next.value.kind === 'skip') next = await pieces.next();
    if (next.done) break;
    const piece = next.value;
    if (piece.kind === 'junk') {
      if (frames) break;
      throw new Error(`bytes at ${piece.offset} are not a zstd frame`);
    }
    if (piece.kind !== 'start') throw new Error('the zstd frame walk lost its place');
    frames++;
    if (piece.dictionary || piece.window > maxWindow) {
      unread ??= piece.dictionary
        ? `a zstd frame compressed with a dictionary (id ${piece.dictionary}) Hoist does not have`
        : `a zstd frame with a ${mib(piece.window)} window (zstd --long or --ultra), above the audit's ${mib(maxWindow)} memory bound`;
      for (let p = await pieces.next(); !p.done && p.value.kind !== 'end'; p = await pieces.next());
      continue;
    }
    const inner = decoder();
    const feed = (async () => {
      for (;;) {
        const n = await pieces.next();
        if (n.done) throw new Error('the stream ends inside a frame (truncated)');
        if (n.value.kind === 'end') break;
        if (n.value.kind !== 'data' || inner.destroyed) continue;
        if (!inner.write(n.value.bytes)) await drained(inner);
      }
      inner.end();
    })();
    feed.catch((e: unknown) => inner.destroy(e instanceof Error ? e : new Error(errorText(e))));
    try {
      for await (const out of inner as AsyncIterable<Buffer>) yield out;
    } finally {
      inner.destroy();
    }
    await feed;
    if (oneFrame) break;
  }
  if (unread) throw new UnreadFrame(unread);
}

/**
 * A zstd content of a layer's file as a Decoding: fed chunk by chunk (each taken by the walk before the next is
 * accepted), written to one sink, each output chunk allowed first. A stream found inside other bytes (`env.trial`)
 * is read one frame: the frames after it are found there too (a squashfs image's blocks, one frame each), and
 * each read to the end would read the image's tail once per block.
 */
export function zstdDecoding(env: DecodeEnv, decoder: () => zlib.ZstdDecompress, maxWindow: number): Decoding {
  const sink = env.open();
  const queue: Uint8Array[] = [];
  let wake: (() => void) | undefined;
  let taken: (() => void) | undefined;
  let ended = false;
  let done = false;
  let fed = 0;
  let out = 0;
  let failure: unknown;
  const source = (async function* () {
    for (;;) {
      if (queue.length) {
        const b = queue.shift()!;
        taken?.();
        yield b;
      } else if (ended) return;
      else await new Promise<void>((r) => (wake = r));
    }
  })();
  const pump = (async () => {
    try {
      for await (const chunk of zstdFrames(source, decoder, { oneFrame: env.trial, maxWindow })) {
        if (!env.allow(chunk.length)) break;
        out += chunk.length;
        await sink.write(chunk);
      }
    } catch (e) {
      failure = e;
    } finally {
      done = true;
      taken?.();
      await sink.end();
    }
  })();
  return {
    get finished() {
      return done;
    },
    async push(bytes) {
      if (done || env.stopped) return;
      fed += bytes.length;
      queue.push(bytes);
      const w = wake;
      wake = undefined;
      w?.();
      await new Promise<void>((r) => (taken = r));
    },
    async end() {
      ended = true;
      const w = wake;
      wake = undefined;
      w?.();
      await pump;
      if (failure === undefined || env.stopped || (env.trial && out <= fed)) return;
      env.limit(failure instanceof UnreadFrame ? `${failure.message}: not audited` : `a damaged zstd stream (${errorText(failure)}): the rest is not audited`);
    },
  };
}
