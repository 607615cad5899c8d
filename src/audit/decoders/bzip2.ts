/**
 * bzip2, by unbzip2-stream's block decoder (its `lib/bzip2.js`, loaded on first use) driven here
 * rather than through its stream, which gathers every decoded byte of a block in a JavaScript array
 * (a 12.7 MB file took 3.9 GB). A block is decoded once its compressed bytes (at most 100 kB × level
 * + 25 kB) are in; its output goes out in 64 KiB buffers, each allowed first: a bomb stops inside
 * its first block. Concatenated streams (pbzip2) are read one after
 * the other; bytes after the last that start no stream end the decoding, as they do bzip2 -d's.
 */
import { errorText, startsWith, type Decoder, type DecodeEnv, type Decoding } from './types.js';

interface Bzip2Lib {
  header(bits: BitReader): number;
  decompress(bits: BitReader, out: (byte: number) => void, buf: Int32Array, size: number, crc: number | null): number | null;
}
type BitReader = ((n: number | null) => number) & { bytesRead: number };

let loaded: Promise<{ lib: Bzip2Lib; bits: (next: () => Uint8Array | undefined) => BitReader }> | undefined;
const load = () =>
  (loaded ??= Promise.all([import('unbzip2-stream/lib/bzip2.js'), import('unbzip2-stream/lib/bit_iterator.js')]).then(([b, i]) => ({
    lib: ((b as { default?: Bzip2Lib }).default ?? b) as Bzip2Lib,
    bits: ((i as { default?: unknown }).default ?? i) as (next: () => Uint8Array | undefined) => BitReader,
  })));

let ready: Awaited<ReturnType<typeof load>> | undefined;

/** Loads the block decoder, so that `bunzip2Sync` may run (hdf5.ts, before reading a file whose chunks are bzip2'd). */
export const loadBzip2 = async (): Promise<void> => {
  ready ??= await load();
};

/**
 * One whole bzip2 stream (PyTables' bzip2 filter: a chunk is one `BZ2_bzBuffToBuffCompress`) decoded at once, at most
 * `max` bytes: undefined when it does not decode, when it would give more, or before `loadBzip2` finished.
 */
export function bunzip2Sync(data: Uint8Array, max: number): Uint8Array | undefined {
  if (!ready || !isBzip2(data)) return undefined;
  const { lib, bits } = ready;
  let given = false;
  const reader = bits(() => (given ? undefined : ((given = true), data)));
  const out = new Uint8Array(max);
  let o = 0;
  const byte = (b: number) => {
    if (o >= max) throw STOP;
    out[o++] = b;
  };
  try {
    const level = lib.header(reader);
    const table = new Int32Array(100000 * level);
    for (let crc: number | null = 0; crc !== null;) crc = lib.decompress(reader, byte, table, 100000 * level, crc);
  } catch {
    return undefined;
  }
  return out.subarray(0, o);
}

/** 'BZh', a level 1–9, the first block's magic (or the end-of-stream one). */
export const isBzip2 = (h: Uint8Array, at = 0) =>
  startsWith(h, [0x42, 0x5a, 0x68], at) &&
  h[at + 3]! >= 0x31 &&
  h[at + 3]! <= 0x39 &&
  (startsWith(h, [0x31, 0x41, 0x59, 0x26, 0x53, 0x59], at + 4) || startsWith(h, [0x17, 0x72, 0x45, 0x38, 0x50, 0x90], at + 4));

const OUT = 64 * 1024;
const STOP = new Error('stopped by the bounds');

/** A block's output, a byte at a time, in OUT-byte buffers, each allowed by the bounds (STOP thrown once they are passed). */
class Output {
  #out = Buffer.allocUnsafe(OUT);
  #at = 0;
  readonly emitted: Buffer[] = [];

  constructor(readonly env: DecodeEnv) {}

  readonly byte = (b: number) => {
    this.#out[this.#at++] = b;
    if (this.#at === OUT) this.flush();
  };

  flush(): void {
    if (!this.#at) return;
    if (!this.env.allow(this.#at)) throw STOP;
    this.emitted.push(this.#out.subarray(0, this.#at));
    this.#out = Buffer.allocUnsafe(OUT);
    this.#at = 0;
  }
}

export const bzip2: Decoder = {
  name: 'bzip2',
  sniff: (h) => isBzip2(h),
  open(env: DecodeEnv): Decoding {
    const sink = env.open();
    const queue: Uint8Array[] = [];
    let queued = 0;
    let reader: BitReader | undefined;
    let level = 0;
    let crc: number | null = null;
    let streams = 0;
    let table: Int32Array | undefined;
    let state: 'run' | 'done' | 'failed' = 'run';
    let failure: unknown;
    let starved = false;
    const output = new Output(env);
    const { byte } = output;
    const flush = () => output.flush();
    const drain = async () => {
      for (const b of output.emitted.splice(0)) await sink.write(b);
    };
    const step = async (final: boolean) => {
      const { lib, bits } = await load();
      // The block decoder asked for bytes the content no longer has: a stream cut inside a block (its own error then is a TypeError's).
      reader ??= bits(() => {
        const next = queue.shift();
        if (!next) starved = true;
        return next;
      });
      try {
        while (state === 'run') {
          const have = queued - reader.bytesRead;
          if (!final && have < (level ? 100000 * level + 25000 : 4)) break;
          if (final && have <= 0) break;
          if (!level) {
            try {
              level = lib.header(reader);
            } catch (e) {
              if (!streams) throw e;
              state = 'done'; // what follows a stream is not another: not part of it
              break;
            }
            table = new Int32Array(100000 * level);
            crc = 0;
            continue;
          }
          crc = lib.decompress(reader, byte, table!, 100000 * level, crc);
          flush();
          await drain();
          if (crc === null) {
            // The end of a stream; another may follow (pbzip2, `cat a.bz2 b.bz2`), as bzip2 -d reads them.
            reader(null);
            level = 0;
            streams++;
          }
        }
      } catch (e) {
        state = 'failed';
        if (e !== STOP) failure = starved ? new Error('the stream ends inside a block') : e;
      }
      await drain();
    };
    return {
      get finished() {
        return state !== 'run';
      },
      push: async (bytes) => {
        if (state !== 'run' || env.stopped) return;
        queue.push(bytes.slice());
        queued += bytes.length;
        await step(false);
      },
      end: async () => {
        if (state === 'run') await step(true);
        await sink.end();
        if (failure === undefined && state === 'run' && level) failure = new Error('the stream ends inside a block');
        if (failure !== undefined && !env.stopped) env.limit(`a damaged bzip2 stream (${errorText(failure)}): the rest is not audited`);
      },
    };
  },
};
