/**
 * zstd as its format is written, frame after frame: Node's decoder reads one frame and silently
 * drops what follows it, and fails on a skippable frame. Writers that emit many frames are common:
 * pzstd and `zstd -T` with `--rsyncable`-style splitting, `cat a.zst b.zst`, and layers in
 * containers/storage's `zstd:chunked` form (each file its own frame, the table of contents in
 * skippable frames) — a layer of those was read up to its first frame and the rest passed unread,
 * with no word. Here the frames are walked in JS (header, block headers, checksum: no decoding),
 * each data frame handed whole to a fresh Node decoder, its output continuing the one before it,
 * skippable frames passed over; a frame that needs a dictionary is named, not mistaken for damage.
 * A frame is bounded by its output, not by the window it declares (buildah's zstd:chunked declares
 * 32 MiB for a 3 MB file: its decoder touches 3 MB), and cut once past the bound; after a frame
 * passed over or cut, the frames that follow are never joined to the content before it.
 */
import * as zlib from 'node:zlib';
import { tarHeaderAt } from '../tar.js';
import { AHEAD, CHUNK } from './layer.js';
import { errorText, type DecodeEnv, type Decoding } from './types.js';

/** One step of the walk: a data frame's start (its offset; its dictionary id, 0 for none; its window), its bytes, its end; a skippable frame; bytes that are no frame. */
export type Piece =
  | { kind: 'start'; offset: number; dictionary: number; window: number }
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
  /** Where the byte last gathered ends, and where the frame being read began. */
  #at = 0;
  #frameStart = 0;
  /** Where the bytes that are no frame begin: a magic that is none, or the frame whose header or block is reserved. */
  #junkAt = 0;

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
      this.#at = this.#offset + i;
      this.#header(out);
      if ((this.#want as string) === 'junk') out.push({ kind: 'junk', offset: this.#junkAt });
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
          this.#frameStart = this.#at - 4;
          this.#want = 'frame';
        } else if (isSkippable(m)) this.#want = 'skipsize';
        else {
          this.#junkAt = this.#at - 4;
          this.#want = 'junk';
        }
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
        this.#junkAt = this.#frameStart;
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
        out.push({ kind: 'start', offset: this.#frameStart, dictionary, window }, { kind: 'data', bytes: Uint8Array.from([...this.#frameHead, ...h]) });
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

/** A frame passed over or cut short, and why: the content before it ends there. `offset`: the frame's, in the stream. */
export interface Gap {
  gap: string;
  offset: number;
}
/** The first data frame after a gap starts at `resume` in the stream: its output is another content, never joined to the one before the gap. */
export interface Resume {
  resume: number;
}

export interface FrameOptions {
  /** Read one data frame (a stream found inside other bytes): the frames after it are found there too. */
  oneFrame?: boolean;
  /**
   * A frame declaring a larger window is read up to this much output, then cut (a gap): a match can never reach back
   * past the frame's start, so until then the decoder holds no more than it gave; past it, a match may reach farther.
   */
  maxWindow?: number;
  /** A frame declaring a larger window is passed over (a gap): its decoder refuses it (`ZSTD_d_windowLogMax`). */
  maxDeclared?: number;
}

const mib = (n: number) => `${Math.round(n / 2 ** 20)} MiB`;

/** Why a frame is passed over whole, or undefined when it is read. */
function passedOver(p: { dictionary: number; window: number }, maxDeclared: number): string | undefined {
  if (p.dictionary) return `a zstd frame compressed with a dictionary (id ${p.dictionary}) Hoist does not have`;
  if (p.window > maxDeclared)
    return `a zstd frame with a ${mib(p.window)} window (zstd --long=28 or more), above the ${mib(maxDeclared)} a zstd decoder takes by default`;
  return undefined;
}

/**
 * The output of every frame of a zstd stream, in order: each data frame through its own decoder (`decoder()`), skippable
 * frames passed over. Bytes that are no frame after at least one frame end the stream (trailing bytes); before any, or a
 * stream cut inside a frame, throw. A frame that needs a dictionary, or declares a window above `maxDeclared`, is passed
 * over; one declaring a window above `maxWindow` is cut once its output passes `maxWindow` (`zstd --long`, `--ultra`):
 * each gives a Gap, and the frames after it a Resume first — what follows a gap is never glued to what came before it
 * (a tar reader would read the next file's header as the previous file's bytes, and name a value at a wrong path).
 */
export async function* frameOutputs(
  source: AsyncIterable<Uint8Array>,
  decoder: () => zlib.ZstdDecompress,
  { oneFrame = false, maxWindow = Infinity, maxDeclared = Infinity }: FrameOptions = {},
): AsyncGenerator<Buffer | Gap | Resume> {
  const walker = new FrameWalker();
  const pieces = (async function* () {
    for await (const chunk of source) yield* walker.split(chunk);
    if (walker.inside) throw new Error('the stream ends inside a frame (truncated)');
  })();
  let frames = 0;
  let gap = false;
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
    const why = passedOver(piece, maxDeclared);
    if (why) {
      for (let p = await pieces.next(); !p.done && p.value.kind !== 'end'; p = await pieces.next());
      gap = true;
      yield { gap: why, offset: piece.offset };
    } else {
      if (gap) yield { resume: piece.offset };
      gap = false;
      const bound = piece.window > maxWindow ? maxWindow : Infinity;
      gap = yield* frameOutput(pieces, decoder(), bound);
      if (gap)
        yield {
          gap: `the rest of a zstd frame with a ${mib(piece.window)} window (zstd --long or --ultra) after its first ${mib(bound)}, where its matches may reach farther back than the audit's ${mib(maxWindow)} memory bound`,
          offset: piece.offset,
        };
    }
    if (oneFrame) break;
  }
}

/** One data frame's output: its pieces (up to its end) fed to `inner`, cut after `bound` bytes (true), the frame's rest passed over. */
async function* frameOutput(pieces: AsyncGenerator<Piece>, inner: zlib.ZstdDecompress, bound: number): AsyncGenerator<Buffer, boolean> {
  const feed = (async () => {
    for (;;) {
      const n = await pieces.next();
      if (n.done) throw new Error('the stream ends inside a frame (truncated)');
      if (n.value.kind === 'end') break;
      if (n.value.kind !== 'data' || inner.destroyed) continue;
      if (!inner.write(n.value.bytes)) await drained(inner);
    }
    if (!inner.destroyed) inner.end();
  })();
  feed.catch((e: unknown) => inner.destroy(e instanceof Error ? e : new Error(errorText(e))));
  let out = 0;
  let cut = false;
  try {
    for await (const chunk of inner as AsyncIterable<Buffer>) {
      cut = out + chunk.length > bound;
      if (bound > out) yield cut ? chunk.subarray(0, bound - out) : chunk;
      if (cut) break;
      out += chunk.length;
    }
  } finally {
    inner.destroy();
  }
  await feed;
  return cut;
}

/**
 * A zstd content of a layer's file as a Decoding: fed chunk by chunk (each taken by the walk before the next is
 * accepted), written to one sink, each output chunk allowed first. After a frame passed over or cut short, the frames
 * that follow are another content, `path@offset!` (offset: the next frame's, in the stream), each gap named where it ends
 * its content. A stream found inside other bytes (`env.trial`) is read one frame: the frames after it are found there
 * too (a squashfs image's blocks, one frame each), and each read to the end would read the image's tail once per block.
 */
export function zstdDecoding(env: DecodeEnv, decoder: () => zlib.ZstdDecompress, options: Omit<FrameOptions, 'oneFrame'>): Decoding {
  let sink = env.open();
  let at = env.path;
  let cut = false;
  const gaps: Array<{ what: string; at: string }> = [];
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
      for await (const o of frameOutputs(source, decoder, { ...options, oneFrame: env.trial })) {
        if (Buffer.isBuffer(o)) {
          if (!env.allow(o.length)) break;
          out += o.length;
          await sink.write(o);
        } else if ('gap' in o) {
          if (!cut) gaps.push({ what: o.gap, at });
          cut = true;
        } else {
          await sink.end();
          at = `${env.path}@${o.resume}`;
          sink = env.openAt(`${at}!`);
          cut = false;
        }
      }
    } catch (e) {
      failure = e;
    } finally {
      done = true;
      taken?.();
      await sink.end();
    }
  })();
  const tell = (what: string, where: string) => (where === env.path ? env.limit(what) : env.limit(what, where));
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
      if (env.stopped || (env.trial && out <= fed)) return;
      for (const g of gaps) tell(`${g.what}: not audited`, g.at);
      if (failure !== undefined) tell(`a damaged zstd stream (${errorText(failure)}): the rest is not audited`, at);
    },
  };
}

const MiB = 2 ** 20;

/**
 * A `+zstd` layer's frames are bounded by their output as a file's are, at 32 MiB where a file's are at 8 MiB: buildah
 * and podman's zstd:chunked declares a 32 MiB window for each file's frames, and a file of more than 8 MiB (a binary, a
 * shared library) makes more than 8 MiB of output in one frame — an 8 MiB bound named a limit in most real images. A
 * layer is one stream at a time, where files' streams nest; a frame declaring more than 32 MiB (`zstd --long`,
 * `--ultra -20` and up) is cut, and named, once its output passes 32 MiB: its decoder's window grows with its output,
 * towards the 128 MiB a `--long=27` frame declares.
 */
export const LAYER_FRAME_BOUND = 32 * MiB;
/** zstd's default: a frame declaring more (`--long=28` and up) is passed over and named, as in a file. */
const LAYER_WINDOW_LOG_MAX = 27;

/**
 * One `+zstd` layer frame's decoder, as a gzip'd layer's (layer.ts): chunks of CHUNK, each read whole (object mode: no
 * read joins them), up to AHEAD of them decoded before the scan reads them. It ran 32 decoded pieces ahead (each up to a
 * chunk: up to 8 MiB): the scan is the slower side, so that read-ahead was always full, held in buffers each waiting long
 * enough to reach V8's old generation. zstd-layer-ahead.test (a layer of random bytes, the scan holding its first chunk):
 * 3 MiB of the blob taken before, 0.5 MiB now.
 */
const layerFrameDecoder = () =>
  zlib.createZstdDecompress({
    chunkSize: CHUNK,
    readableObjectMode: true,
    readableHighWaterMark: AHEAD / CHUNK,
    params: { [zlib.constants.ZSTD_d_windowLogMax]: LAYER_WINDOW_LOG_MAX },
  } as zlib.ZstdOptions);

/** The walk of a layer cannot go on (bytes that are no frame, a stream cut short, a frame its decoder refuses): the rest is not read. */
export interface Damage {
  damage: string;
}

/**
 * A `+zstd` layer's frames (zstd:chunked, `--compression-format zstd`, pzstd): their output, a Gap for each frame passed
 * over (a dictionary, a window above 128 MiB) or cut (past `LAYER_FRAME_BOUND`), a Resume where the frames after a gap
 * begin, and Damage where the walk stops. Nothing is thrown: a layer's stream is never the end of the whole audit.
 */
export async function* zstdLayer(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer | Gap | Resume | Damage> {
  try {
    yield* frameOutputs(source, layerFrameDecoder, { maxWindow: LAYER_FRAME_BOUND, maxDeclared: 2 ** LAYER_WINDOW_LOG_MAX });
  } catch (e) {
    yield { damage: errorText(e) };
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * After a gap in a layer's tar, the next tar header (ustar magic, a checksum that holds: tar.ts's `tarHeaderAt`): the
 * bytes before it belong to no entry that can be told — the rest of the file the gap cut, its padding — and from it on
 * the tar is walked again. The output a gap took is not known (a frame from a pipe has no content size), so no 512-byte
 * alignment is assumed: every offset is tried. In zstd:chunked each file is its own frames, the padding and the next
 * header the start of the frame after the file's last: the next file after a gap is found whole.
 */
export class NextTarHeader {
  /** The last bytes seen, a header's length less one at most: a header may begin there and end in the next chunk. */
  #carry: Buffer = EMPTY;
  #found = false;

  /** `chunk` split at the first header: `before` it (bytes of no entry), `from` it on (the tar again, once found). */
  split(chunk: Buffer): { before: Buffer; from?: Buffer } {
    if (this.#found) return { before: EMPTY, from: chunk };
    const b = this.#carry.length ? Buffer.concat([this.#carry, chunk]) : chunk;
    // The magic stands at byte 257 of a header; a header that would run past `b` is left in the carry.
    for (let m = b.indexOf('ustar', 257); m >= 0 && m - 257 + 512 <= b.length; m = b.indexOf('ustar', m + 1)) {
      if (!tarHeaderAt(b, m - 257)) continue;
      this.#found = true;
      this.#carry = EMPTY;
      return { before: b.subarray(0, m - 257), from: b.subarray(m - 257) };
    }
    const keep = Math.min(b.length, 511);
    this.#carry = Buffer.from(b.subarray(b.length - keep));
    return { before: b.subarray(0, b.length - keep) };
  }

  /** What is left when the content ends with no header found: bytes of no entry. */
  end(): Buffer {
    const rest = this.#carry;
    this.#carry = EMPTY;
    return rest;
  }
}
