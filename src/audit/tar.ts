/**
 * A streaming tar walker that tells, for every byte of a layer, which entry it belongs to — header
 * included — so a match can be attributed to a file path (or a name, a link target, an xattr).
 * It does not copy file contents: it cuts the stream into segments and hands them on. PAX (`x`,
 * `g`) and GNU long-name (`L`, `K`) records are read for the names of the entries they precede; an
 * old GNU sparse file (`S`) is its stored data, after its map's extension blocks.
 */

export interface TarEntry {
  /** The path as the layer stores it (`usr/lib/.npmrc`, `.wh..env` for a whiteout). */
  path: string;
  /** The tar type flag (`0` file, `5` directory, `2` symlink, `x` PAX header, …). */
  type: string;
  size: number;
}

const BLOCK = 512;

/** Regular files: `0`, NUL (old tars), `7` (contiguous), `S` (a GNU sparse file: its stored data, the holes left out). */
const FILE_TYPES = new Set(['0', '\0', '7', 'S']);
export const isRegularFile = (type: string): boolean => FILE_TYPES.has(type);
/** PAX and long-name records are small; a bigger one is scanned, not kept. */
const META_LIMIT = 1 << 20;

function field(h: Uint8Array, start: number, length: number): string {
  let end = start;
  while (end < start + length && h[end] !== 0) end++;
  return Buffer.from(h.buffer, h.byteOffset + start, end - start).toString('utf8');
}

/** The size field: octal digits (NUL- or space-terminated), or GNU base-256; undefined when it is neither. */
function size(h: Uint8Array): number | undefined {
  if (h[124]! & 0x80) {
    // GNU base-256: big-endian, the top bit of the first byte set.
    let n = h[124]! & 0x7f;
    for (let i = 125; i < 136; i++) n = n * 256 + h[i]!;
    return n;
  }
  const text = field(h, 124, 12).trim();
  if (!/^[0-7]*$/.test(text)) return undefined;
  return text ? parseInt(text, 8) : 0;
}

/** The header's checksum holds: the sum of its bytes, the checksum field counted as spaces. */
function checksumHolds(h: Uint8Array): boolean {
  const stored = field(h, 148, 8).trim();
  if (!/^[0-7]+$/.test(stored)) return false;
  let unsigned = 0;
  let signed = 0; // historic tars summed signed bytes
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : h[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  const value = parseInt(stored, 8);
  return value === unsigned || value === signed;
}

/** Whether a tar header (ustar magic, a name, a checksum that holds) starts at `at`: a tar found inside other bytes. */
export function tarHeaderAt(b: Uint8Array, at: number): boolean {
  if (at < 0 || b.length < at + BLOCK || b[at] === 0) return false;
  const h = b.subarray(at, at + BLOCK);
  return field(h, 257, 6).startsWith('ustar') && checksumHolds(h) && size(h) !== undefined;
}

/** What a PAX record set says about the next entry: its path, and its size when the header's cannot hold it. */
function paxRecords(records: Buffer): { path?: string; size?: number } {
  const out: { path?: string; size?: number } = {};
  let i = 0;
  while (i < records.length) {
    const space = records.indexOf(0x20, i);
    if (space < 0) break;
    const length = Number(records.toString('utf8', i, space));
    if (!length) break;
    const record = records.toString('utf8', space + 1, i + length - 1);
    if (record.startsWith('path=')) out.path = record.slice(5);
    if (record.startsWith('size=') && /^\d+$/.test(record.slice(5))) out.size = Number(record.slice(5));
    i += length;
  }
  return out;
}

/** Which part of the stream a segment is: an entry's header block, its contents, the padding after them, or what follows the end. */
export type TarPart = 'header' | 'data' | 'pad' | 'end';

export class TarWalker {
  readonly #onSegment: (bytes: Uint8Array, entry: TarEntry | undefined, part: TarPart) => void;
  readonly #header = new Uint8Array(BLOCK);
  #headerFill = 0;
  /** `sparse`: an old GNU sparse entry's extension blocks, between its header and its data. */
  #mode: 'header' | 'sparse' | 'data' | 'pad' | 'end' = 'header';
  #left = 0;
  #entry: TarEntry | undefined;
  #meta: Buffer[] | undefined;
  #metaSize = 0;
  /** The name the next entry gets from a PAX or GNU long-name record. */
  #nextPath: string | undefined;
  /** The size the next entry gets from a PAX record. */
  #nextSize: number | undefined;
  readonly #onBroken: (reason: string) => void;

  /**
   * `onBroken` is told when a header cannot be walked (bad checksum, a size that is not a number):
   * the rest of the stream is then handed on as bytes of no entry — scanned, but not walked.
   */
  constructor(onSegment: (bytes: Uint8Array, entry: TarEntry | undefined, part: TarPart) => void, onBroken: (reason: string) => void = () => undefined) {
    this.#onSegment = onSegment;
    this.#onBroken = onBroken;
  }

  #broken(reason: string): void {
    this.#mode = 'end';
    this.#onBroken(reason);
    this.#onSegment(this.#header, undefined, 'end');
  }

  write(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.#mode === 'end') {
        this.#onSegment(chunk.subarray(i), undefined, 'end');
        return;
      }
      if (this.#mode === 'header' || this.#mode === 'sparse') {
        const take = Math.min(BLOCK - this.#headerFill, chunk.length - i);
        this.#header.set(chunk.subarray(i, i + take), this.#headerFill);
        this.#headerFill += take;
        i += take;
        if (this.#headerFill < BLOCK) continue;
        if (this.#mode === 'sparse') this.#sparseBlock();
        else this.#startEntry();
        continue;
      }
      const take = Math.min(this.#left, chunk.length - i);
      const piece = chunk.subarray(i, i + take);
      this.#onSegment(piece, this.#entry, this.#mode === 'data' ? 'data' : 'pad');
      if (this.#mode === 'data' && this.#meta && this.#metaSize + take <= META_LIMIT) {
        this.#meta.push(Buffer.from(piece));
        this.#metaSize += take;
      }
      this.#left -= take;
      i += take;
      if (this.#left === 0) this.#endSection();
    }
  }

  #startEntry(): void {
    const h = this.#header;
    this.#headerFill = 0;
    if (h.every((b) => b === 0)) {
      this.#mode = 'end';
      this.#onSegment(h, undefined, 'end');
      return;
    }
    const headerSize = size(h);
    if (!checksumHolds(h)) return this.#broken('a tar header whose checksum does not hold');
    if (headerSize === undefined) return this.#broken('a tar header whose size is not a number');
    const type = String.fromCharCode(h[156]!) || '0';
    const prefix = field(h, 257, 6).startsWith('ustar') ? field(h, 345, 155) : '';
    const name = field(h, 0, 100);
    const path = this.#nextPath ?? (prefix ? `${prefix}/${name}` : name);
    const meta = type === 'x' || type === 'g' || type === 'L' || type === 'K';
    const n = meta ? headerSize : (this.#nextSize ?? headerSize);
    if (!meta) this.#nextPath = this.#nextSize = undefined;
    this.#entry = { path: meta ? `${path} (${type === 'L' || type === 'K' ? 'long name' : 'PAX'} record)` : path, type, size: n };
    this.#onSegment(h, this.#entry, 'header');
    this.#meta = meta ? [] : undefined;
    this.#metaSize = 0;
    this.#left = n;
    this.#mode = 'data';
    // An old GNU sparse file (type S) whose map does not fit its header: extension blocks come first (not in its size).
    if (type === 'S' && h[482] !== 0) this.#mode = 'sparse';
    else if (n === 0) this.#endSection();
  }

  /** An extension block of a GNU sparse map: part of the entry's header; its byte 504 says whether another follows. */
  #sparseBlock(): void {
    this.#headerFill = 0;
    this.#onSegment(this.#header, this.#entry, 'header');
    if (this.#header[504] !== 0) return;
    this.#mode = 'data';
    if (this.#left === 0) this.#endSection();
  }

  #endSection(): void {
    if (this.#mode === 'data') {
      if (this.#meta && this.#entry) {
        const content = Buffer.concat(this.#meta);
        if (this.#entry.type === 'L') this.#nextPath = content.toString('utf8').replace(/\0+$/, '');
        else if (this.#entry.type === 'x') {
          const pax = paxRecords(content);
          this.#nextPath = pax.path ?? this.#nextPath;
          this.#nextSize = pax.size ?? this.#nextSize;
        }
      }
      this.#meta = undefined;
      const pad = (BLOCK - (this.#entry!.size % BLOCK)) % BLOCK;
      this.#mode = pad ? 'pad' : 'header';
      this.#left = pad;
    } else {
      this.#mode = 'header';
    }
  }
}
