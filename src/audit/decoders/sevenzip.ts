/**
 * 7z archives (`7z a`, 7-Zip's `.7z` backups and installers). The header that says what the
 * archive holds is at its end, so the archive is gathered (its chunks kept as they came, at most
 * MAX_ARCHIVE bytes: a larger one is named as not audited) until the end the signature header
 * gives; then the header — plain, or encoded (kEncodedHeader: itself a folder to decode, usually
 * LZMA) — is read (`sevenzip-header.ts`) and each folder decoded through its chain of coders
 * (`sevenzip-coders.ts`: Copy, LZMA, LZMA2, PPMd, Deflate, BZip2, BCJ x86…, or BCJ2's graph of four inputs,
 * `bcj2.ts`), its output divided among its files by their sizes: `a.7z!/path/in/archive`. An
 * encrypted folder (AES) or a coder the audit does not have is named as not audited, with
 * the coder, at its first file.
 */
import { crc32 } from 'node:zlib';
import { decodeFolder, describeCoders, supported } from './sevenzip-coders.js';
import { header, K_ENCODED_HEADER, K_HEADER, Reader, SevenZipError, streamsInfo, unpackSize, type Entry, type StreamsInfo } from './sevenzip-header.js';
import { errorText, inside, startsWith, type Decoder, type DecodeEnv, type Decoding } from './types.js';

/** The most of a 7z archive gathered before its header can be read. */
export const MAX_ARCHIVE = 32 * 1024 * 1024;
/** The most an encoded header may decode to. */
const MAX_HEADER = 16 * 1024 * 1024;
const SIGNATURE = [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c];

/** The archive's chunks as they came, read back by offset. */
class Gathered {
  readonly chunks: Uint8Array[] = [];
  size = 0;

  add(bytes: Uint8Array): void {
    this.chunks.push(bytes.slice());
    this.size += bytes.length;
  }

  /** `length` bytes from `offset`, in pieces of at most `piece` bytes. */
  *range(offset: number, length: number, piece = 256 * 1024): Generator<Uint8Array> {
    let skip = offset;
    let left = length;
    for (const c of this.chunks) {
      if (left <= 0) return;
      if (skip >= c.length) {
        skip -= c.length;
        continue;
      }
      for (let i = skip; i < c.length && left > 0; i += piece) {
        const part = c.subarray(i, Math.min(c.length, i + piece, i + left));
        left -= part.length;
        yield part;
      }
      skip = 0;
    }
  }

  bytes(offset: number, length: number): Uint8Array {
    return Buffer.concat([...this.range(offset, length)]);
  }
}

/** The archive, gathered whole: its header read, then each folder decoded into its files. */
async function readArchive(data: Gathered, end: number | undefined, env: DecodeEnv): Promise<void> {
  if (end === undefined || data.size < end) return env.limit('a 7z archive that ends early (its header is missing): not audited');
  const start = data.bytes(0, 32);
  const view = new DataView(start.buffer, start.byteOffset, 32);
  const at = 32 + Number(view.getBigUint64(12, true));
  let r = new Reader(data.bytes(at, Number(view.getBigUint64(20, true))));
  if (!r.b.length) return; // an empty archive
  // The next header's CRC (7-Zip's "Headers Error"): a damaged header may still parse — its kind or a count zeroed, it
  // lists fewer streams or none — and the members it no longer lists would pass in silence.
  if (crc32(r.b) !== view.getUint32(28, true)) env.limit('a 7z archive whose header does not match its CRC (damaged): not fully audited');
  let kind = r.number();
  for (let depth = 0; kind === K_ENCODED_HEADER; depth++) {
    const info = streamsInfo(r);
    const f = info.folders[0];
    if (!f || depth > 3) throw new SevenZipError('an encoded header that cannot be read');
    if (!supported(f)) return env.limit(`a 7z archive whose header is ${describeCoders(f)}, which the audit does not read`);
    if (unpackSize(f) > MAX_HEADER) throw new SevenZipError('an encoded header larger than 16 MiB');
    const parts: Uint8Array[] = [];
    let bad: string | undefined;
    const collect = async (b: Uint8Array) => (parts.push(b.slice()), true);
    await decodeFolder(f, packs(data, info, 0), collect, env, (why) => (bad ??= why));
    if (bad !== undefined) throw new SevenZipError(`its header: ${bad}`);
    r = new Reader(Buffer.concat(parts));
    kind = r.number();
  }
  if (kind !== K_HEADER) throw new SevenZipError(`a header of kind ${kind}`);
  const { main, files } = header(r);
  if (main)
    await folders(
      data,
      main,
      files.filter((e) => e.hasStream),
      env,
    );
}

/** The pack streams of folder `i`, as pieces of the gathered archive. */
function packs(data: Gathered, info: StreamsInfo, i: number): Array<() => Iterable<Uint8Array>> {
  const first = info.folders.slice(0, i).reduce((s, f) => s + f.packed.length, 0);
  return info.folders[i]!.packed.map((_, k) => {
    const index = first + k;
    const offset = 32 + info.packPos + info.packSizes.slice(0, index).reduce((a, b) => a + b, 0);
    return () => data.range(offset, info.packSizes[index] ?? 0);
  });
}

/** Each folder decoded in turn, its output divided among its files (those with content, in order). */
async function folders(data: Gathered, info: StreamsInfo, entries: Entry[], env: DecodeEnv): Promise<void> {
  let next = 0;
  for (let i = 0; i < info.folders.length && !env.stopped; i++) {
    const f = info.folders[i]!;
    const sizes = info.substreams[i] ?? [];
    const names = sizes.map((_, k) => entries[next + k]?.name ?? `#${next + k}`);
    next += sizes.length;
    const more = names.length > 1 ? ` (and ${names.length - 1} more files of its block)` : '';
    if (!supported(f)) {
      env.limit(`a 7z entry ${describeCoders(f)}, which the audit does not read${more}`, inside(env.path, names[0] ?? `#${i}`));
      continue;
    }
    const split = new Split(env, names, sizes);
    await decodeFolder(
      f,
      packs(data, info, i),
      (b) => split.write(b),
      env,
      (why) => split.fail(why),
    );
    await split.end();
  }
}

export const sevenZip: Decoder = {
  name: '7z',
  sniff: (h) => startsWith(h, SIGNATURE),
  open(env: DecodeEnv): Decoding {
    const data = new Gathered();
    let end: number | undefined;
    let over = false;
    let read = false;
    return {
      get finished() {
        return read;
      },
      async push(bytes) {
        if (over || read || env.stopped) return;
        if (data.size + bytes.length > MAX_ARCHIVE) {
          over = true;
          data.chunks.length = 0;
          return env.limit(`a 7z archive larger than ${MAX_ARCHIVE >> 20} MiB (its header is at its end): not audited`);
        }
        data.add(bytes);
        if (end === undefined && data.size >= 32) {
          const start = data.bytes(0, 32);
          if (!startsWith(start, SIGNATURE)) return void (over = true);
          const view = new DataView(start.buffer, start.byteOffset, 32);
          if (crc32(start.subarray(12, 32)) !== view.getUint32(8, true)) {
            over = true;
            return env.limit('a damaged 7z archive (its start header does not match its CRC): not audited');
          }
          const e = 32 + Number(view.getBigUint64(12, true)) + Number(view.getBigUint64(20, true));
          if (!Number.isSafeInteger(e) || e > MAX_ARCHIVE) {
            over = true;
            return env.limit(`a 7z archive larger than ${MAX_ARCHIVE >> 20} MiB (its header is at its end), or a damaged one: not audited`);
          }
          end = e;
        }
        if (end !== undefined && data.size >= end) await this.end();
      },
      async end() {
        if (read) return;
        read = true;
        if (over || env.stopped) return;
        try {
          await readArchive(data, end, env);
        } catch (e) {
          if (!env.stopped) env.limit(`a damaged 7z archive (${e instanceof SevenZipError ? e.message : errorText(e)}): the rest is not audited`);
        }
        data.chunks.length = 0;
      },
    };
  },
};

/** A folder's output divided among its files, in order, by their sizes. */
class Split {
  #i = 0;
  #left: number;
  #sink: ReturnType<DecodeEnv['open']> | undefined;
  #failed = false;

  constructor(
    readonly env: DecodeEnv,
    readonly names: string[],
    readonly sizes: number[],
  ) {
    this.#left = sizes[0] ?? 0;
  }

  async write(bytes: Uint8Array): Promise<boolean> {
    let rest = bytes;
    while (rest.length && this.#i < this.names.length) {
      if (!this.#left) {
        await this.#next();
        continue;
      }
      const part = rest.subarray(0, Math.min(this.#left, rest.length));
      if (!this.env.allow(part.length)) return false;
      this.#sink ??= this.env.open(this.names[this.#i]!);
      await this.#sink.write(part.slice());
      this.#left -= part.length;
      rest = rest.subarray(part.length);
    }
    return true;
  }

  async #next(): Promise<void> {
    await this.#sink?.end();
    this.#sink = undefined;
    this.#left = this.sizes[++this.#i] ?? 0;
  }

  fail(why: string): void {
    if (this.#failed || this.env.stopped) return;
    this.#failed = true;
    const name = this.names[Math.min(this.#i, this.names.length - 1)] ?? '';
    this.env.limit(`a damaged 7z entry (${why}): the rest of its block is not audited`, inside(this.env.path, name));
  }

  async end(): Promise<void> {
    await this.#sink?.end();
    this.#sink = undefined;
  }
}
