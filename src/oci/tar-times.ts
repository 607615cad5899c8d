/**
 * Clamps the file times of a tar stream to an epoch, as BuildKit's `rewrite-timestamp` does: every
 * time later than the epoch becomes the epoch, earlier ones stay. Byte-level: each header's
 * `mtime` field is rewritten in place (its checksum recomputed) and PAX `mtime`/`atime`/`ctime`
 * records are re-encoded, so everything else — names, modes, owners, xattrs, the order of entries
 * and every data byte — comes out exactly as it went in. Streams: memory is one header, or one PAX
 * header's records.
 */
import { Transform, type TransformCallback } from 'node:stream';

const BLOCK = 512;
/** PAX headers larger than this are not rewritten (no real tar has one): an error, never a silent pass. */
const MAX_PAX = 1024 * 1024;

/** A numeric header field: octal ASCII, or base-256 when its first byte has the high bit set. */
export function readNumber(field: Buffer): bigint {
  if (field[0]! & 0x80) {
    let n = BigInt(field[0]! & 0x7f);
    for (let i = 1; i < field.length; i++) n = (n << 8n) | BigInt(field[i]!);
    return n;
  }
  const text = field
    .toString('latin1')
    .replace(/[\0 ]+.*$/s, '')
    .trim();
  return text ? BigInt(`0o${text}`) : 0n;
}

/** The header's checksum: every byte summed, the checksum field counted as spaces. */
function checksum(header: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  return sum;
}

function writeChecksum(header: Buffer): void {
  header.write(`${checksum(header).toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
}

/**
 * PAX records (`len key=value\n`) with times after the epoch clamped (`records`, undefined when
 * none changed), and the `size` record that overrides the next entry's header, if any.
 */
export function clampPaxRecords(data: Buffer, epoch: number): { records: Buffer | undefined; size: number | undefined } {
  const out: Buffer[] = [];
  let changed = false;
  let size: number | undefined;
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const length = space > at ? Number(data.toString('latin1', at, space)) : NaN;
    if (!Number.isInteger(length) || length <= 0 || at + length > data.length) {
      if (data.subarray(at).every((b) => b === 0)) break; // padding
      throw new Error('a PAX header holds a malformed record');
    }
    const record = data.subarray(space + 1, at + length - 1); // without the length and the newline
    const eq = record.indexOf(0x3d);
    const key = record.toString('utf8', 0, eq);
    const value = Number(record.toString('latin1', eq + 1));
    if (key === 'size') size = value;
    if ((key === 'mtime' || key === 'atime' || key === 'ctime') && Number.isFinite(value) && value > epoch) {
      out.push(paxRecord(key, String(epoch)));
      changed = true;
    } else out.push(data.subarray(at, at + length));
    at += length;
  }
  return { records: changed ? Buffer.concat(out) : undefined, size };
}

/** One PAX record, its length prefix counting its own digits. */
function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length = String(length).length + Buffer.byteLength(body);
  return Buffer.from(`${length}${body}`);
}

/** The stream transform; the tar's end blocks (and anything after them) pass through unchanged. */
export class ClampTimes extends Transform {
  #pending = Buffer.alloc(0);
  /** Data bytes of the current entry still to pass through (padding included). */
  #passing = 0;
  /** A PAX header whose records are being collected: the header block and the data length. */
  #pax: { header: Buffer; size: number; padded: number } | undefined;
  #ended = false;
  /** A PAX `size` record for the next entry (files over 8 GiB). */
  #nextSize: number | undefined;
  /** Headers and PAX records whose times were clamped. */
  clamped = 0;

  constructor(readonly epoch: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.#take(chunk);
      done();
    } catch (e) {
      done(e as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    if (this.#pending.length && !this.#ended) return done(new Error('the layer ends inside a tar header'));
    if (this.#pending.length) this.push(this.#pending);
    done();
  }

  #take(chunk: Buffer): void {
    let data = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    this.#pending = Buffer.alloc(0);
    while (data.length) {
      if (this.#ended) {
        this.push(data);
        return;
      }
      if (this.#passing > 0) {
        const n = Math.min(this.#passing, data.length);
        this.push(data.subarray(0, n));
        this.#passing -= n;
        data = data.subarray(n);
        continue;
      }
      const need = this.#pax ? this.#pax.padded : BLOCK;
      if (data.length < need) {
        this.#pending = Buffer.from(data);
        return;
      }
      if (this.#pax) this.#emitPax(data.subarray(0, need));
      else this.#header(Buffer.from(data.subarray(0, BLOCK)));
      data = data.subarray(need);
    }
  }

  #header(header: Buffer): void {
    if (header.every((b) => b === 0)) {
      this.#ended = true; // end of archive: the rest is zeros (and is passed as it is)
      this.push(header);
      return;
    }
    const sum = readNumber(header.subarray(148, 156));
    if (Number(sum) !== checksum(header)) throw new Error('a tar header has a bad checksum');
    const type = String.fromCharCode(header[156]!);
    const size = type !== 'x' && type !== 'g' && this.#nextSize !== undefined ? this.#nextSize : Number(readNumber(header.subarray(124, 136)));
    if (type !== 'x' && type !== 'g') this.#nextSize = undefined;
    if (readNumber(header.subarray(136, 148)) > BigInt(this.epoch)) {
      header.write(`${this.epoch.toString(8).padStart(11, '0')}\0`, 136, 12, 'latin1');
      writeChecksum(header);
      this.clamped++;
    }
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x' || type === 'g') {
      if (size > MAX_PAX) throw new Error(`a PAX header of ${size} bytes is larger than ${MAX_PAX}`);
      this.#pax = { header, size, padded };
      if (padded === 0) this.#emitPax(Buffer.alloc(0));
      return;
    }
    this.push(header);
    this.#passing = type === '1' || type === '2' || type === '3' || type === '4' || type === '5' || type === '6' ? 0 : padded;
  }

  #emitPax(block: Buffer): void {
    const { header, size } = this.#pax!;
    this.#pax = undefined;
    const { records, size: next } = clampPaxRecords(block.subarray(0, size), this.epoch);
    if (header[156] === 0x78 && next !== undefined) this.#nextSize = next; // 'x' applies to the next entry only
    if (!records) {
      this.push(header);
      this.push(block);
      return;
    }
    this.clamped++;
    header.write(`${records.length.toString(8).padStart(11, '0')}\0`, 124, 12, 'latin1');
    writeChecksum(header);
    const padded = Buffer.alloc(Math.ceil(records.length / BLOCK) * BLOCK);
    records.copy(padded);
    this.push(header);
    this.push(padded);
  }
}
