/**
 * Where the data of a member with a data descriptor ends when nothing in the data says so: a
 * stored member (Python's zipfile and Go's archive/zip writing to a stream, Info-ZIP from stdin),
 * an encrypted one, a method read as a whole stream. The descriptor is found by what it holds: a
 * compressed size equal to the bytes since the data began — and, for a stored member, a CRC-32
 * equal to theirs —, with its signature, or without it and followed by the next record. A
 * signature the data holds by chance (a stored jar's own headers) fails those checks. Candidates
 * are found with Buffer.indexOf; the bytes a descriptor may still start in are held back.
 */
import { crc32 } from 'node:zlib';
import { DESCRIPTOR, isRecord, u32, u64 } from './zip-records.js';

const SIGNATURES = [
  Buffer.from([0x50, 0x4b, 0x07, 0x08]),
  Buffer.from([0x50, 0x4b, 0x03, 0x04]),
  Buffer.from([0x50, 0x4b, 0x01, 0x02]),
  Buffer.from([0x50, 0x4b, 0x05, 0x06]),
  Buffer.from([0x50, 0x4b, 0x06, 0x06]),
];
/** The longest descriptor (signature, CRC, two 64-bit sizes) and the next record's signature: bytes a decision needs. */
const HELD = 28;

export interface Found {
  /** Bytes of data before the descriptor (in what was offered). */
  data: number;
  /** The descriptor's length. */
  descriptor: number;
}

export class DescriptorSearch {
  /** Data bytes passed (delivered) so far, and their CRC-32 for a stored member. */
  #passed = 0;
  #crc = 0;

  constructor(
    /** Stored: the data is what the CRC covers, and the two sizes are equal. */
    readonly stored: boolean,
  ) {}

  /**
   * In `b`, the member's next bytes (`tail`: the last there are): the descriptor, if it starts in
   * them, else how many of them are data for sure (the rest is held until more bytes come).
   */
  scan(b: Buffer, tail: boolean): Found | number {
    const decidable = tail ? b.length : b.length - HELD;
    for (const p of candidates(b)) {
      if (p > decidable) break;
      const length = this.#descriptorAt(b, p);
      if (length) {
        this.#pass(b.subarray(0, p));
        return { data: p, descriptor: length };
      }
    }
    const sure = Math.max(0, decidable + (tail ? 0 : 1));
    this.#pass(b.subarray(0, sure));
    return sure;
  }

  #pass(data: Buffer): void {
    if (this.stored && data.length) this.#crc = crc32(data, this.#crc);
    this.#passed += data.length;
  }

  /** The length of a descriptor at `p` that holds for the data before it, or 0. */
  #descriptorAt(b: Buffer, p: number): number {
    const size = this.#passed + p;
    const signed = b.length >= p + 4 && u32(b, p) === DESCRIPTOR;
    let alone = 0;
    for (const start of signed ? [4, 0] : [0]) {
      for (const wide of [false, true]) {
        const length = start + (wide ? 20 : 12);
        if (b.length < p + length) continue;
        const compressed = wide ? u64(b, p + start + 4) : u32(b, p + start + 4);
        if (compressed !== (wide ? size : size % 2 ** 32)) continue;
        if (this.stored && !this.#storedHolds(b, p, start, wide)) continue;
        // Followed by the next record: this one (a zero size reads as 32 or 64 bits alike; the record tells).
        if (isRecord(b, p + length) || b.length === p + length) return length;
        // With its signature it may be the last thing there is; without, the data may hold 12 such bytes by chance.
        if (start) alone ||= length;
      }
    }
    return alone;
  }

  /** A stored member's descriptor: its two sizes equal, its CRC-32 the data's. */
  #storedHolds(b: Buffer, p: number, start: number, wide: boolean): boolean {
    const at = p + start;
    const [compressed, original] = wide ? [u64(b, at + 4), u64(b, at + 12)] : [u32(b, at + 4), u32(b, at + 8)];
    return compressed === original && u32(b, at) === crc32(b.subarray(0, p), this.#crc);
  }
}

/** Offsets in `b` where a descriptor may start: at its signature, or 12, 16, 20 or 24 bytes before the next record's. */
function candidates(b: Buffer): number[] {
  const found = new Set<number>();
  SIGNATURES.forEach((sig, i) => {
    for (let at = b.indexOf(sig); at >= 0; at = b.indexOf(sig, at + 1)) {
      if (i === 0) found.add(at);
      else for (const back of [12, 16, 20, 24]) if (at >= back) found.add(at - back);
    }
  });
  return [...found].sort((x, y) => x - y);
}
