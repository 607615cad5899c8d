/**
 * lzop (`.lzo`, `.tar.lzo`, `tar --lzop`: fast backups, some kernel and firmware builds): a header
 * (magic, versions, method, flags, mode, times, the file's name, its checksum), then blocks — the
 * sizes decoded and encoded, checksums as the flags say, the data — until a block of size zero.
 * A block whose encoded size equals its decoded size is stored; others are LZO1X (methods 1-3:
 * lzo1x_1, lzo1x_1_15, lzo1x_999 share one bitstream), decoded here as minilzo's lzo1x_decompress_safe
 * does, every offset and length checked. One block (lzop writes 256 KiB, at most 64 MiB) is held at a
 * time; its output is allowed by the bounds before it is written. Checksums are not verified: damage
 * shows as an impossible offset or length, a block that does not fill its size, or a stream cut short.
 */
import { startsWith, type Decoder, type DecodeEnv, type Decoding, type Sink } from './types.js';

const MAGIC = [0x89, 0x4c, 0x5a, 0x4f, 0x00, 0x0d, 0x0a, 0x1a, 0x0a];
const MAX_BLOCK = 64 * 1024 * 1024;
const F_ADLER32_D = 0x1;
const F_ADLER32_C = 0x2;
const F_H_EXTRA_FIELD = 0x40;
const F_CRC32_D = 0x100;
const F_CRC32_C = 0x200;
const F_H_FILTER = 0x800;

export const isLzop = (h: Uint8Array, at = 0) => startsWith(h, MAGIC, at);

export class LzoError extends Error {}

/** LZO1X-decodes `src` into `dst` (its decoded size); returns the bytes written, up to the end marker. Throws LzoError on damage. */
export function lzo1x(src: Uint8Array, dst: Uint8Array): number {
  let ip = 0;
  let op = 0;
  const need = (n: number) => {
    if (ip + n > src.length) throw new LzoError('the data ends inside a block');
  };
  const literals = (n: number) => {
    need(n);
    if (op + n > dst.length) throw new LzoError('literals past the block');
    dst.set(src.subarray(ip, ip + n), op);
    ip += n;
    op += n;
  };
  /** A length extended by zero bytes (255 each) and a last byte. */
  const long = (base: number) => {
    let n = base;
    for (need(1); src[ip] === 0; need(1)) {
      n += 255;
      ip++;
    }
    return n + src[ip++]!;
  };
  // After a match that left no literals (0), one that left 1-3 (1), or a run of 4 or more literals (4): what a byte below 16 means.
  let state = 0;
  if (src.length && src[0]! > 17) {
    const t = src[ip++]! - 17;
    literals(t);
    state = t < 4 ? 1 : 4;
  }
  for (;;) {
    need(1);
    const t = src[ip++]!;
    let from: number;
    let len: number;
    if (t < 16) {
      if (state === 0) {
        literals((t === 0 ? long(15) : t) + 3);
        state = 4;
        continue;
      }
      need(1);
      from = op - 1 - (t >> 2) - (src[ip++]! << 2) - (state === 4 ? 0x800 : 0);
      len = state === 4 ? 3 : 2;
    } else if (t >= 64) {
      need(1);
      from = op - 1 - ((t >> 2) & 7) - (src[ip++]! << 3);
      len = (t >> 5) + 1;
    } else if (t >= 32) {
      len = ((t & 31) === 0 ? long(31) : t & 31) + 2;
      need(2);
      from = op - 1 - (src[ip]! >> 2) - (src[ip + 1]! << 6);
      ip += 2;
    } else {
      len = ((t & 7) === 0 ? long(7) : t & 7) + 2;
      need(2);
      from = op - ((t & 8) << 11) - (src[ip]! >> 2) - (src[ip + 1]! << 6);
      ip += 2;
      if (from === op) return op; // the end marker
      from -= 0x4000;
    }
    if (from < 0) throw new LzoError('a match before the start of the block');
    if (op + len > dst.length) throw new LzoError('a match past the block');
    for (let k = 0; k < len; k++) dst[op++] = dst[from++]!;
    const rest = src[ip - 2]! & 3;
    if (rest) literals(rest);
    state = rest ? 1 : 0;
  }
}

/** The header's length, and its flags, from its first bytes; undefined while more are needed. Throws on nonsense. */
function header(h: Uint8Array): { length: number; flags: number } | undefined {
  const v = new DataView(h.buffer, h.byteOffset, h.length);
  if (h.length < 16) return undefined;
  const version = v.getUint16(9);
  if (version < 0x0900) throw new LzoError(`version ${version.toString(16)}`);
  let at = 13 + (version >= 0x0940 ? 2 : 0);
  const method = h[at]!;
  if (method < 1 || method > 3) throw new LzoError(`method ${method}, not LZO1X`);
  at += version >= 0x0940 ? 2 : 1;
  if (h.length < at + 4) return undefined;
  const flags = v.getUint32(at);
  at += 4 + (flags & F_H_FILTER ? 4 : 0) + 8 + (version >= 0x0940 ? 4 : 0);
  if (h.length < at + 1) return undefined;
  at += 1 + h[at]! + 4;
  if (flags & F_H_EXTRA_FIELD) {
    if (h.length < at + 4) return undefined;
    at += 4 + v.getUint32(at) + 4;
  }
  return h.length < at ? undefined : { length: at, flags };
}

export const lzop: Decoder = {
  name: 'lzop',
  sniff: (h) => isLzop(h),
  open: (env) => new LzopDecoding(env),
};

class LzopDecoding implements Decoding {
  readonly #sink: Sink;
  #buf: Uint8Array = new Uint8Array(0);
  #flags: number | undefined;
  #done = false;
  #fed = 0;
  #gave = 0;

  constructor(readonly env: DecodeEnv) {
    this.#sink = env.open();
  }

  get finished(): boolean {
    return this.#done;
  }

  async push(bytes: Uint8Array): Promise<void> {
    if (this.#done || this.env.stopped) return;
    this.#fed += bytes.length;
    const joined = new Uint8Array(this.#buf.length + bytes.length);
    joined.set(this.#buf);
    joined.set(bytes, this.#buf.length);
    this.#buf = joined;
    try {
      await this.#read();
    } catch (e) {
      this.#fail(e instanceof LzoError ? e.message : String(e));
    }
  }

  async end(): Promise<void> {
    if (!this.#done) this.#fail(this.#flags === undefined ? 'the data ends inside its header' : 'the data ends before its last block');
    await this.#sink.end();
  }

  #fail(why: string): void {
    this.#done = true;
    // Met inside other bytes by its magic, a failure is named only once the stream gave more than it was fed.
    if (!this.env.stopped && (!this.env.trial || this.#gave > this.#fed)) this.env.limit(`a damaged lzop stream (${why}): the rest is not audited`);
  }

  async #read(): Promise<void> {
    if (this.#flags === undefined) {
      const h = header(this.#buf);
      if (!h) return;
      this.#flags = h.flags;
      this.#buf = this.#buf.subarray(h.length);
    }
    const flags = this.#flags;
    while (!this.#done && !this.env.stopped) {
      const b = this.#buf;
      if (b.length < 4) return;
      const v = new DataView(b.buffer, b.byteOffset, b.length);
      const size = v.getUint32(0);
      if (size === 0) return void (this.#done = true);
      if (b.length < 8) return;
      const encoded = v.getUint32(4);
      if (size > MAX_BLOCK || encoded > size) throw new LzoError(`a block of ${encoded} bytes for ${size}`);
      const sums = (flags & F_ADLER32_D ? 4 : 0) + (flags & F_CRC32_D ? 4 : 0);
      const at = 8 + sums + (encoded < size ? (flags & F_ADLER32_C ? 4 : 0) + (flags & F_CRC32_C ? 4 : 0) : 0);
      if (b.length < at + encoded) return;
      const data = b.subarray(at, at + encoded);
      // Allowed before the block is decoded (or its room allocated): a header's size is the bomb's claim.
      if (!this.env.allow(size)) return void (this.#done = true);
      let out: Uint8Array;
      if (encoded === size) out = data.slice();
      else {
        out = new Uint8Array(size);
        const n = lzo1x(data, out);
        if (n !== size) throw new LzoError(`a block of ${n} bytes where its header says ${size}`);
      }
      this.#buf = b.subarray(at + encoded);
      this.#gave += out.length;
      await this.#sink.write(out);
    }
  }
}
