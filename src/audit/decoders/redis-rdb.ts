/**
 * Redis RDB dumps (`dump.rdb`: `REDIS` and a 4-digit version — what SAVE/BGSAVE write, a replica
 * receives, and a data directory copied into an image keeps). With `rdbcompression yes`, the
 * default, every string of more than 20 bytes that LZF shrinks is stored LZF-compressed: a byte
 * 0xC3, its compressed and uncompressed lengths (RDB length encoding), then LZF — a control byte
 * before every run of up to 32 literals, so a value of more than 32 characters is cut, and a
 * repeat is a back reference. Such strings are found wherever they are (a key's value, a hash's,
 * list's or set's listpack, a module's blob) without walking each type's layout: a candidate counts
 * only where LZF decodes exactly its compressed length into exactly its uncompressed length, every
 * back reference within what it made. Each decoded string is written to `dump.rdb!`, a line each.
 * A candidate's bytes are held until they have all come, up to 16 MiB (Redis compresses strings up
 * to 512 MiB; a longer one is named).
 */
import { startsWith, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const MAX_HELD = 16 * 1024 * 1024;
/** LZF's best: a 264-byte back reference in 3 bytes. */
const MAX_RATIO = 88;

/** An RDB length at `i`: [length, next index], 'more' when `b` ends inside it, undefined when it is a special encoding. */
export function rdbLength(b: Uint8Array, i: number): [number, number] | 'more' | undefined {
  if (i >= b.length) return 'more';
  const first = b[i]!;
  const kind = first >> 6;
  if (kind === 0) return [first & 0x3f, i + 1];
  if (kind === 1) return i + 2 > b.length ? 'more' : [((first & 0x3f) << 8) | b[i + 1]!, i + 2];
  if (first === 0x80) return i + 5 > b.length ? 'more' : [new DataView(b.buffer, b.byteOffset + i + 1, 4).getUint32(0), i + 5];
  if (first === 0x81) {
    if (i + 9 > b.length) return 'more';
    const v = new DataView(b.buffer, b.byteOffset + i + 1, 8);
    return v.getUint32(0) === 0 ? [v.getUint32(4), i + 9] : undefined;
  }
  return undefined;
}

/** LZF (liblzf's lzf_d) of exactly `input` into exactly `size` bytes; undefined when it is not that. */
export function lzfDecompress(input: Uint8Array, size: number): Uint8Array | undefined {
  const out = new Uint8Array(size);
  let ip = 0;
  let op = 0;
  while (ip < input.length) {
    const ctrl = input[ip++]!;
    if (ctrl < 32) {
      const n = ctrl + 1;
      if (ip + n > input.length || op + n > size) return undefined;
      out.set(input.subarray(ip, ip + n), op);
      ip += n;
      op += n;
      continue;
    }
    let n = ctrl >> 5;
    let ref = op - ((ctrl & 0x1f) << 8) - 1;
    if (n === 7) {
      if (ip >= input.length) return undefined;
      n += input[ip++]!;
    }
    if (ip >= input.length) return undefined;
    ref -= input[ip++]!;
    n += 2;
    if (ref < 0 || op + n > size) return undefined;
    for (let k = 0; k < n; k++) out[op++] = out[ref++]!;
  }
  return op === size ? out : undefined;
}

/** Redis's CRC-64 (Jones, reflected: crc64.c), as two 32-bit halves: a table of the low and of the high words. */
const [CRC_LO, CRC_HI] = (() => {
  const lo = new Uint32Array(256);
  const hi = new Uint32Array(256);
  const [pl, ph] = [0xac4bc9b5, 0x95ac9329]; // 0xad93d23594c935a9 reflected
  for (let n = 0; n < 256; n++) {
    let [l, h] = [n, 0];
    for (let k = 0; k < 8; k++) {
      const odd = l & 1;
      l = ((l >>> 1) | (h << 31)) >>> 0;
      h >>>= 1;
      if (odd) [l, h] = [(l ^ pl) >>> 0, (h ^ ph) >>> 0];
    }
    [lo[n], hi[n]] = [l, h];
  }
  return [lo, hi];
})();

/** A running CRC-64 of Redis's. */
export class Crc64 {
  lo = 0;
  hi = 0;

  update(b: Uint8Array): void {
    let [lo, hi] = [this.lo, this.hi];
    for (let i = 0; i < b.length; i++) {
      const x = (lo ^ b[i]!) & 0xff;
      lo = (((lo >>> 8) | (hi << 24)) ^ CRC_LO[x]!) >>> 0;
      hi = ((hi >>> 8) ^ CRC_HI[x]!) >>> 0;
    }
    [this.lo, this.hi] = [lo, hi];
  }
}

/** `REDIS` and four digits, a version from 0001 to 0099. */
export const isRdb = (h: Uint8Array) =>
  startsWith(h, [0x52, 0x45, 0x44, 0x49, 0x53]) && h.length >= 9 && [5, 6, 7, 8].every((i) => h[i]! >= 0x30 && h[i]! <= 0x39) && h[5] === 0x30 && h[6] === 0x30;

/** The candidates of one dump as it streams: LZF strings decoded, the bytes from an unfinished candidate on held. */
class RdbStrings implements Decoding {
  #buf: Buffer = Buffer.alloc(0);
  #pos = 0;
  #queue: Promise<void> = Promise.resolve();
  readonly #sink;
  #named = false;

  constructor(readonly env: DecodeEnv) {
    this.#sink = env.open();
  }

  async push(bytes: Uint8Array): Promise<void> {
    if (this.env.stopped) return;
    this.#check(bytes);
    this.#buf = this.#pos < this.#buf.length ? Buffer.concat([this.#buf.subarray(this.#pos), bytes]) : Buffer.from(bytes);
    this.#pos = 0;
    this.#scan();
    await this.#queue;
  }

  #scan(): void {
    const b = this.#buf;
    for (;;) {
      const i = b.indexOf(0xc3, this.#pos);
      if (i < 0) return void (this.#pos = b.length);
      const c = rdbLength(b, i + 1);
      const u = c === 'more' || !c ? c : rdbLength(b, c[1]);
      if (c === 'more' || u === 'more') return void (this.#pos = i);
      if (!c || !u || c[0] < 2 || u[0] <= c[0] || u[0] > c[0] * MAX_RATIO || b[u[1]]! >= 32) {
        this.#pos = i + 1;
        continue;
      }
      const [clen] = c;
      const [ulen, start] = u;
      if (start + clen > b.length) {
        if (clen <= MAX_HELD) return void (this.#pos = i);
        this.#name(`an LZF string of ${clen} bytes, more than the ${MAX_HELD} held`);
        this.#pos = i + 1;
        continue;
      }
      const out = ulen <= MAX_HELD * MAX_RATIO ? lzfDecompress(b.subarray(start, start + clen), ulen) : undefined;
      if (!out) {
        this.#pos = i + 1;
        continue;
      }
      this.#pos = start + clen;
      if (!this.env.allow(out.length + 1)) return void (this.#pos = b.length);
      this.#queue = this.#queue.then(async () => {
        await this.#sink.write(out);
        await this.#sink.write(Buffer.from('\n'));
      });
    }
  }

  #name(what: string): void {
    if (this.#named || this.env.stopped) return;
    this.#named = true;
    this.env.limit(`a Redis dump holding ${what}: it is not decoded`);
  }

  /** The dump's CRC-64 over all but its last 8 bytes (held back: they are the checksum, from version 5 on). */
  readonly #crc = new Crc64();
  #tail = Buffer.alloc(0);
  #version = -1;

  #check(bytes: Uint8Array): void {
    const all = Buffer.concat([this.#tail, bytes]);
    if (this.#version < 0 && all.length >= 9) this.#version = Number(all.toString('latin1', 5, 9));
    const keep = Math.max(0, all.length - 8);
    this.#crc.update(all.subarray(0, keep));
    this.#tail = all.subarray(keep);
  }

  async end(): Promise<void> {
    await this.#queue;
    await this.#sink.end();
    // From version 5 the dump ends with a CRC-64 of what comes before (0: written with rdbchecksum off). One that does
    // not hold is a dump damaged or cut: a compressed string in it may not have decoded, and nothing else would say so.
    const stored = this.#tail.length === 8 ? [this.#tail.readUInt32LE(0), this.#tail.readUInt32LE(4)] : undefined;
    const off = stored && stored[0] === 0 && stored[1] === 0;
    if (this.#version >= 5 && !off && !(stored && stored[0] === this.#crc.lo && stored[1] === this.#crc.hi) && !this.env.stopped)
      this.env.limit('a Redis dump whose checksum does not hold (damaged or cut): its strings may not all be decoded');
  }
}

export const redisRdb: Decoder = {
  name: 'Redis RDB dump',
  sniff: isRdb,
  open: (env) => new RdbStrings(env),
};
