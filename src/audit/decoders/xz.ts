/**
 * xz (`.tar.xz`, a `.deb`'s data.tar.xz, an rpm payload), by xz-decompress: xz-embedded compiled to
 * WebAssembly, loaded on first use. Streamed: input is handed over as the decoder asks for it, its
 * output taken as fast as it is scanned; the container is walked here first (`xz-walk.ts`), so the
 * decoder is given one stream, rewritten without its integrity check (and a block's x86 BCJ filter
 * reversed on its output, `bcj.ts`). Each stream decodes on a WebAssembly instance of its own (`xz-context.ts`):
 * no lock, so an xz inside an xz does not wait on itself, and no two contexts share an instance.
 */
import { XzBlockFilters } from './bcj.js';
import { Joined, NOTHING, readAlready } from './concatenated.js';
import { XzStream } from './xz-context.js';
import { XZ_DICT_MAX, XzWalk } from './xz-walk.js';
import { errorText, startsWith, type Decoder, type DecodeEnv, type Decoding } from './types.js';

/** The decoder's stream class: each stream on a WebAssembly instance of its own (`xz-context.ts`). */
export const xzClass = (): Promise<typeof XzStream> => Promise.resolve(XzStream);

const mib = (n: number) => `${Math.round(n / 2 ** 20)} MiB`;

/** Stream header: magic, flags' first byte zero, a known check type. */
const isXz = (h: Uint8Array, at = 0) => startsWith(h, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00], at) && h.length > at + 7 && (h[at + 7]! & 0xf0) === 0;

/**
 * A web ReadableStream fed by `push`: each push resolves once the decoder has taken its bytes,
 * so no more than one chunk of input waits.
 */
export function fedStream(): { source: ReadableStream<Uint8Array>; give(bytes: Uint8Array | null): Promise<void> } {
  let waiting: ((b: Uint8Array | null) => void) | undefined;
  let offered: { bytes: Uint8Array | null; taken: () => void } | undefined;
  const takers: Array<() => void> = [];
  const source = new ReadableStream<Uint8Array>(
    {
      pull: async (controller) => {
        const bytes = offered ? offered.bytes : await new Promise<Uint8Array | null>((r) => (waiting = r));
        offered?.taken();
        offered = undefined;
        takers.shift()?.();
        if (bytes === null) controller.close();
        else controller.enqueue(bytes);
      },
    },
    { highWaterMark: 0 },
  );
  return {
    source,
    give: (bytes) =>
      new Promise<void>((taken) => {
        if (waiting) {
          const w = waiting;
          waiting = undefined;
          takers.push(taken);
          w(bytes);
        } else offered = { bytes, taken };
      }),
  };
}

/**
 * Stream after stream (`cat a.xz b.xz`, stream padding between them), their output one content, as `xz -dc` gives it:
 * the walk makes them one stream. Bytes after the last that start none are the router's, searched for streams as before
 * (`more`), the streams read here passed over (`concatenated.ts`). A stream found inside other bytes is read alone.
 */
export const xz: Decoder = {
  name: 'xz',
  sniff: (h) => startsWith(h, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]),
  more: true,
  open(env: DecodeEnv): Decoding {
    if (readAlready(env)) return NOTHING; // a later stream of an xz file, read with the streams before it
    const sink = env.open();
    const feed = fedStream();
    let failure: unknown;
    let done = false;
    const filters = new XzBlockFilters();
    const write = async (pieces: Uint8Array[]) => {
      for (const piece of pieces) {
        if (!env.allow(piece.length)) return false;
        await sink.write(piece);
      }
      return true;
    };
    const pump = (async () => {
      const cls = await xzClass();
      const reader = new cls(feed.source).getReader();
      try {
        let going = true;
        for (let r = await reader.read(); !r.done && going; r = await reader.read()) {
          if (r.value.length) going = await write(filters.apply(r.value));
        }
        if (going) await write(filters.finish());
      } finally {
        await reader.cancel().catch(() => undefined);
      }
    })()
      .catch((e: unknown) => void (failure = e))
      .finally(() => (done = true));
    const ended = pump.then(() => undefined);
    const pieces: Uint8Array[] = [];
    const joined = new Joined(env);
    let malformed: string | undefined;
    let asked = 0; // the largest dictionary a block asked for above XZ_DICT_MAX
    const walk = new XzWalk(
      (b) => pieces.push(b.slice()),
      (why) => (malformed = why),
      filters,
      env.trial ? undefined : (offset) => joined.member(offset),
      (size) => (asked = Math.max(asked, size)),
    );
    let closed = false;
    const give = async (bytes: Uint8Array | null) => {
      if (closed) return;
      if (bytes === null) closed = true;
      await Promise.race([feed.give(bytes), ended]);
    };
    return {
      get finished() {
        return done || walk.done;
      },
      async push(bytes) {
        if (done || closed || env.stopped) return;
        walk.push(bytes);
        const input = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces.splice(0));
        pieces.length = 0;
        if (input.length) await give(input);
        if (walk.done || malformed) void give(null); // the stream's end: what follows is not fed to it
      },
      async end() {
        walk.finish();
        if (pieces.length && !done) await give(Buffer.concat(pieces.splice(0)));
        if (!done) void give(null);
        joined.forget();
        await pump;
        await sink.end();
        if (malformed !== undefined) failure ??= new Error(malformed);
        if (failure === undefined || env.stopped) return;
        env.limit(
          asked && malformed === undefined
            ? `an xz stream with a ${mib(asked)} dictionary, read within the audit's ${mib(XZ_DICT_MAX)} memory bound until its data reached farther back or was damaged (${errorText(failure)}): the rest is not audited`
            : `a damaged xz stream (${errorText(failure)}): the rest is not audited`,
        );
      },
    };
  },
};

export { isXz };
