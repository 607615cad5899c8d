/**
 * git packfiles read as git reads them: `.git/objects/pack/pack-*.pack` (a checkout copied by
 * `COPY . .`), the pack inside a git bundle, a pack inside other bytes (`embedded.ts`). Objects are
 * parsed as the pack streams — each header, then its zlib stream inflated (where it ends is the
 * input zlib consumed) — and each whole object is written to its own sink, named by its id
 * (`pack-x.pack!/<id>`: `git cat-file -p <id>` shows it). A delta (OFS_DELTA, REF_DELTA) is
 * resolved against its base — kept in a bounded cache by offset and id, resolved deltas too, so a
 * chain resolves link by link — and the RESOLVED object is written: a value a later commit edited
 * (its bytes part copied from the base, part inserted) is whole there. A delta whose base is not
 * kept (evicted, a thin pack's) is written as it is, its inserted bytes scanned (`@<offset>
 * (delta)`), quietly: the pack is intact. A damaged or truncated pack is a limit finding.
 */
import type { Hash } from 'node:crypto';
import * as zlib from 'node:zlib';
import { ObjectCache, type Cached } from './gitpack-cache.js';
import { applyDelta, deltaPieces, deltaSizes, objectHash, objectId, readHeader, REF_DELTA, type DeltaSizes, type ObjectHeader } from './gitpack-objects.js';
import { ObjectStream, type StreamEnd } from './gitpack-stream.js';
import { deflateHeaderHolds, isZlibHeader } from './native.js';
import { errorText, inside, startsWith, type Decoder, type DecodeEnv, type Decoding, type Sink } from './types.js';

const MIB = 1024 * 1024;
/** Bytes of objects kept as possible delta bases. */
const CACHE_BYTES = 16 * MIB;
/** Objects larger than this are inflated as they stream; smaller ones in one piece (gathered, then inflated at once). */
const WHOLE = 1 * MIB;
/**
 * The largest object kept as a base: one that streamed is kept when it is no larger (and its zlib stream fits the
 * cache's share for one entry), a copy of its stream gathered as it is fed. It was the bound of objects inflated in one
 * piece — 8 MiB gathered, 8 MiB inflated and the cache's copy at once (a pack holding an 8 MiB binary peaked the audit
 * at 126–130 MiB RSS, 98–100 streamed) —: the same objects are bases as before.
 */
const BASE = 8 * MIB;
/** The largest delta result built (from a kept base): larger is a bomb, or an object not audited whole (a limit). */
const RESOLVE = 16 * MIB;
/** git's own bound on a delta chain (`--depth`). */
const MAX_DEPTH = 4095;
/** A bundle's header line (a ref, a prerequisite, a capability) longer than this is not one. */
const MAX_LINE = 64 * 1024;

const PACK = [0x50, 0x41, 0x43, 0x4b, 0, 0, 0];
/** `PACK` and version 2 or 3. */
export const isPackHeader = (h: Uint8Array, at = 0) => startsWith(h, PACK, at) && (h[at + 7] === 2 || h[at + 7] === 3);
const BUNDLES = ['# v2 git bundle\n', '# v3 git bundle\n'].map((s) => [...Buffer.from(s)]);

/**
 * Whether a pack starts at `at` inside other bytes: its header, a plausible object count, and a
 * first object whose header parses and whose zlib stream's first block header holds.
 */
export function packAt(h: Uint8Array, at: number): boolean {
  if (!isPackHeader(h, at) || h.length < at + 16) return false;
  const count = Buffer.from(h.buffer, h.byteOffset, h.length).readUInt32BE(at + 8);
  if (count === 0 || count > 2 ** 31) return false;
  return [20, 32].some((idLength) => {
    const first = readHeader(h, at + 12, 12, idLength);
    if (typeof first !== 'object' || first.type === 6) return false;
    const z = at + 12 + first.length;
    return isZlibHeader(h, z) && deflateHeaderHolds(h, z + 2);
  });
}

export const gitPack: Decoder = {
  name: 'git pack',
  // A pack's first object must parse too (unless the content ends first: a pack cut short): other formats start with `PACK` (Quake's .pak).
  sniff: (h) => (isPackHeader(h) && (h.length < 16 || packAt(h, 0))) || BUNDLES.some((b) => startsWith(h, b)),
  open: (env) => new PackReader(env),
};

class PackReader implements Decoding {
  #state: 'start' | 'bundle' | 'pack' | 'objects' | 'done' = 'start';
  /** Unparsed input from `#pos` on; chunks not yet joined to it wait in `#waiting`. */
  #buf: Buffer = Buffer.alloc(0);
  #pos = 0;
  #waiting: Buffer[] = [];
  #waitingBytes = 0;
  /** Bytes needed from `#pos` before parsing goes on. */
  #need = 0;
  /** The input offset of `#buf[0]`, and of the pack's first byte (after a bundle's header). */
  #at = 0;
  #packStart = 0;
  #count = 0;
  #read = 0;
  /** The repository's hash length: 20 (sha1), 32 (sha256: told by a bundle's capability, the pack's name, or a REF_DELTA's id). */
  #idLength: number;
  readonly #cache = new ObjectCache(CACHE_BYTES);
  #stream:
    | {
        object: ObjectStream;
        header: ObjectHeader;
        offset: number;
        start: number;
        fed: number;
        /** A whole object that may be a base: a copy of its input so far (while within the cache's share), its id's hash. */
        base?: { pieces: Buffer[]; bytes: number; hash: Hash };
      }
    | undefined;

  constructor(readonly env: DecodeEnv) {
    this.#idLength = /pack-[0-9a-f]{64}\.pack/.test(env.path) ? 32 : 20;
  }

  get finished(): boolean {
    return this.#state === 'done';
  }

  async push(bytes: Uint8Array): Promise<void> {
    if (this.#state === 'done' || this.env.stopped) return;
    const chunk = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    if (this.#stream) {
      this.#stream.fed += chunk.length;
      this.#keep(chunk);
      const end = await this.#stream.object.feed(chunk);
      if (!end || !(await this.#streamed(end))) return;
      return this.#run(false);
    }
    this.#waiting.push(chunk);
    this.#waitingBytes += chunk.length;
    if (this.#buf.length - this.#pos + this.#waitingBytes >= this.#need) await this.#run(false);
  }

  async end(): Promise<void> {
    if (this.#state === 'done' || this.env.stopped) return;
    if (this.#stream && !(await this.#streamed(await this.#stream.object.finish()))) return;
    await this.#run(true);
    if (this.finished || this.env.stopped) return;
    const where = this.#state === 'objects' ? `${this.#read} of ${this.#count} objects read` : 'it ends inside its header';
    this.#fail(`a truncated git pack (${where})`);
  }

  #fail(why: string): false {
    this.#state = 'done';
    this.#stream = undefined;
    this.#buf = Buffer.alloc(0);
    this.#waiting = [];
    this.env.limit(`${why}: the rest is not audited`);
    return false;
  }

  /** Parses what the input holds; `ending`: no more will come (a stream is tried on the bytes there are). */
  async #run(ending: boolean): Promise<void> {
    if (this.#waiting.length) {
      this.#at += this.#pos;
      this.#buf = Buffer.concat([this.#buf.subarray(this.#pos), ...this.#waiting]);
      [this.#pos, this.#waiting, this.#waitingBytes] = [0, [], 0];
    }
    this.#need = 0;
    while (this.#state !== 'done' && !this.#stream && !this.env.stopped) {
      const ok =
        this.#state === 'start'
          ? this.#start()
          : this.#state === 'bundle'
            ? this.#bundleLine()
            : this.#state === 'pack'
              ? this.#packHeader()
              : await this.#object(ending);
      if (!ok) return;
    }
  }

  /** Wants `n` bytes from `#pos` (more than there are): parsing waits for them. */
  #wait(n: number): false {
    this.#need = n;
    return false;
  }

  /** One line of a bundle's header: capabilities (`@object-format=sha256`), prerequisites, refs; an empty line ends it. */
  /** A pack, or a bundle (its signature line, claimed by `sniff`, read as its header's first line). */
  #start(): boolean {
    if (this.#buf.length < 4) return this.#wait(4);
    this.#state = startsWith(this.#buf, PACK.slice(0, 4)) ? 'pack' : 'bundle';
    return true;
  }

  #bundleLine(): boolean {
    const nl = this.#buf.indexOf(0x0a, this.#pos);
    if (nl < 0) {
      if (this.#buf.length - this.#pos > MAX_LINE) return this.#fail('a damaged git bundle (a header line without its end)');
      return this.#wait(this.#buf.length - this.#pos + 1);
    }
    const line = this.#buf.toString('latin1', this.#pos, nl);
    this.#pos = nl + 1;
    if (line === '@object-format=sha256') this.#idLength = 32;
    if (line === '') {
      this.#state = 'pack';
      this.#packStart = this.#at + this.#pos;
    }
    return true;
  }

  #packHeader(): boolean {
    if (this.#buf.length - this.#pos < 12) return this.#wait(12);
    if (!isPackHeader(this.#buf, this.#pos)) return this.#fail('a damaged git bundle (no pack after its header)');
    this.#count = this.#buf.readUInt32BE(this.#pos + 8);
    this.#pos += 12;
    this.#state = this.#count ? 'objects' : 'done';
    return true;
  }

  /** The next object: its header, its zlib stream inflated, the object (resolved if a delta) written. */
  async #object(ending: boolean): Promise<boolean> {
    if (this.#read === this.#count) {
      this.#state = 'done';
      return false;
    }
    const offset = this.#at + this.#pos - this.#packStart;
    let h = readHeader(this.#buf, this.#pos, offset, this.#idLength);
    if (h === 'more') return this.#wait(this.#buf.length - this.#pos + 1);
    if (typeof h === 'string') return this.#fail(`a damaged git pack (${h} at offset ${offset})`);
    if (h.type === REF_DELTA && this.#idLength === 20 && this.#sha256Id(h)) {
      this.#idLength = 32;
      h = readHeader(this.#buf, this.#pos, offset, 32) as ObjectHeader;
    }
    const start = this.#pos + h.length;
    if (h.size > WHOLE) {
      // Large: inflated as it streams, what the buffer holds fed first; named by its offset (its id is known only at its
      // end), and kept as a base when it may be one (no larger than BASE, its stream within the cache's share).
      const name = `@${offset}${h.type >= 6 ? ' (delta)' : ''}`;
      const fed = this.#buf.subarray(start);
      const base = h.type < 6 && h.size <= BASE ? { pieces: [] as Buffer[], bytes: 0, hash: objectHash(h.type, h.size, this.#idLength) } : undefined;
      const sink = this.env.open(name);
      const hashed: Sink = base
        ? {
            write: (b) => {
              base.hash.update(b);
              return sink.write(b);
            },
            end: () => sink.end(),
          }
        : sink;
      this.#stream = {
        object: new ObjectStream(this.env, hashed, inside(this.env.path, name)),
        header: h,
        offset,
        start: this.#at + start,
        fed: fed.length,
        base,
      };
      this.#keep(fed);
      [this.#buf, this.#pos] = [Buffer.alloc(0), 0];
      const end = await this.#stream.object.feed(fed);
      return !!end && (await this.#streamed(end));
    }
    // A zlib stream is never longer than this (deflate's worst case): once there are as many bytes, it ends inside them.
    const bound = h.size + (h.size >> 10) + 64;
    const have = this.#buf.length - start;
    if (have < bound && !ending) return this.#wait(h.length + bound);
    let data: Buffer;
    let used: number;
    try {
      const r = zlib.inflateSync(this.#buf.subarray(start, start + Math.min(have, bound)), {
        info: true,
        maxOutputLength: Math.max(1, h.size),
        chunkSize: Math.max(64, h.size + 1),
      }) as unknown as {
        buffer: Buffer;
        engine: zlib.Inflate;
      };
      [data, used] = [r.buffer, r.engine.bytesWritten];
    } catch (e) {
      const cut = ending && have < bound && (e as { code?: string }).code === 'Z_BUF_ERROR';
      return this.#fail(
        cut ? `a truncated git pack (${this.#read} of ${this.#count} objects read)` : `a damaged git pack (object at offset ${offset}: ${errorText(e)})`,
      );
    }
    if (data.length !== h.size) return this.#fail(`a damaged git pack (object at offset ${offset}: ${data.length} bytes, its header says ${h.size})`);
    this.#pos = start + used;
    this.#read++;
    await this.#resolve(offset, h, data, this.#buf.subarray(start, start + used));
    return true;
  }

  /** A REF_DELTA whose stream does not start 20 bytes after its header but does 32 after: a sha256 repository's. */
  #sha256Id(h: ObjectHeader): boolean {
    const at = this.#pos + h.length;
    return !isZlibHeader(this.#buf, at) && isZlibHeader(this.#buf, at + 12) && deflateHeaderHolds(this.#buf, at + 14);
  }

  /** A large object's stream ended: its size checked, parsing goes on after it. False when the pack cannot be read on. */
  async #streamed(end: StreamEnd): Promise<boolean> {
    const s = this.#stream!;
    this.#stream = undefined;
    if (this.env.stopped) {
      this.#state = 'done';
      return false;
    }
    if (end.failure || end.out !== s.header.size) {
      const cut = end.failure === 'unexpected end of file';
      return this.#fail(
        cut
          ? `a truncated git pack (${this.#read} of ${this.#count} objects read)`
          : `a damaged git pack (object at offset ${s.offset}: ${end.failure ?? `${end.out} bytes, its header says ${s.header.size}`})`,
      );
    }
    this.#read++;
    [this.#at, this.#buf, this.#pos] = [s.start + s.fed - end.rest.length, end.rest, 0];
    const used = s.fed - end.rest.length;
    if (s.base && s.base.bytes >= used) {
      const zlib = Buffer.allocUnsafeSlow(used); // its own buffer, exactly its size: the cache keeps it as it is
      let at = 0;
      for (const piece of s.base.pieces) at += piece.copy(zlib, at, 0, Math.min(piece.length, used - at));
      this.#cache.put(s.offset, { type: s.header.type, zlib, size: s.header.size, id: s.base.hash.digest('hex'), depth: 0 });
    }
    return true;
  }

  /** A copy of input fed to a streaming object that may be a base, while it is within the cache's share for one entry. */
  #keep(bytes: Buffer): void {
    const base = this.#stream?.base;
    if (!base) return;
    base.bytes += bytes.length;
    if (base.bytes > this.#cache.budget / 4) this.#stream!.base = undefined;
    else base.pieces.push(Buffer.from(bytes));
  }

  /** A whole object written under its id and kept as a possible base; a delta resolved first when its base is kept. */
  async #resolve(offset: number, h: ObjectHeader, data: Buffer, stream: Uint8Array): Promise<void> {
    if (!this.env.allow(data.length)) return;
    if (h.type < 6) {
      const id = objectId(h.type, data, this.#idLength);
      this.#cache.put(offset, { type: h.type, zlib: stream, size: data.length, id, depth: 0 });
      return this.#write(id, data);
    }
    const base = this.#cache.get(h.baseOffset, h.baseId);
    const sizes = deltaSizes(data);
    // No base kept (evicted, outside a thin pack): the delta's inserted bytes are scanned as they are.
    if (!base || !sizes || base.depth >= MAX_DEPTH) {
      if (base && !sizes) this.env.limit('a damaged git delta (its header): its inserted bytes scanned, not the object', inside(this.env.path, `@${offset}`));
      return this.#write(`@${offset} (delta)`, data);
    }
    if (sizes.target > RESOLVE) {
      this.env.limit(
        `a git delta resolving to ${sizes.target} bytes (more than ${RESOLVE / MIB} MiB): its inserted bytes scanned, not the object`,
        inside(this.env.path, `@${offset}`),
      );
      return this.#write(`@${offset} (delta)`, data);
    }
    if (!this.#cache.keeps(sizes.target)) return this.#resolveStreamed(offset, base, data, sizes);
    const result = applyDelta(base.data, data, sizes);
    if (typeof result === 'string') return this.#damagedDelta(offset, result, data);
    if (!this.env.allow(result.length)) return;
    const id = objectId(base.type, result, this.#idLength);
    this.#cache.put(offset, { type: base.type, data: result, size: result.length, id, depth: base.depth + 1 });
    return this.#write(id, result);
  }

  /**
   * A delta whose result is too large to keep as a base: hashed for its id, then written, piece by piece as the delta
   * reads from its base — never built whole (5 deltas of a 4 MiB log resolved whole took the audit from 125 to 145 MiB).
   */
  async #resolveStreamed(offset: number, base: Cached & { data: Uint8Array }, data: Buffer, sizes: DeltaSizes): Promise<void> {
    const hash = objectHash(base.type, sizes.target, this.#idLength);
    const pieces = deltaPieces(base.data, data, sizes);
    let p = pieces.next();
    for (; !p.done; p = pieces.next()) hash.update(p.value);
    if (p.value !== undefined) return this.#damagedDelta(offset, p.value, data);
    if (!this.env.allow(sizes.target)) return;
    const sink = this.env.open(hash.digest('hex'));
    for (const piece of deltaPieces(base.data, data, sizes)) await sink.write(piece);
    await sink.end();
  }

  #damagedDelta(offset: number, why: string, data: Buffer): Promise<void> {
    this.env.limit(`a damaged git delta (${why}): its inserted bytes scanned, not the object`, inside(this.env.path, `@${offset}`));
    return this.#write(`@${offset} (delta)`, data);
  }

  async #write(name: string, data: Uint8Array): Promise<void> {
    const sink = this.env.open(name);
    if (data.length) await sink.write(data);
    await sink.end();
  }
}
