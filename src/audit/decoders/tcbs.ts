/**
 * TCBS, Tokyo Cabinet's own compression (`tcbsencode`, the records of a hash or B+ tree database made with the `tt`
 * option, HDBTTCBS): the input cut into units of 8 KiB, each Burrows–Wheeler transformed (a 2-byte big-endian
 * index of the original rotation, then the unit's last column), all of it move-to-front coded and then written as
 * Elias gamma codes (a 0 as one 1 bit; n > 0 as n + 1 in gamma: as many 0 bits as its bits less one, then its bits
 * from the highest), least significant bit first, from bit 3 of the first byte — whose low 3 bits give how many bits
 * of the last byte are used. Decoded here as `tcbsdecode` decodes it; the inverse transform by the LF mapping (a
 * unit's sorted column and each byte's rank in its own). At most `max` bytes are made: undefined past it, or when the
 * bytes are no TCBS.
 */

const UNIT = 8192;

/** The gamma codes of `src` (TCBS's bit stream), then move-to-front decoded: the units' bytes. */
function ungamma(src: Uint8Array, max: number): Uint8Array | undefined {
  if (!src.length) return new Uint8Array(0);
  const bits = (src.length - 1) * 8 + (src[0]! & 7) - 3;
  if (bits < 0) return undefined;
  const out = new Uint8Array(Math.min(max, bits));
  let n = 0;
  let at = 3;
  const bit = () => (src[at >> 3]! >> (at++ & 7)) & 1;
  const end = 3 + bits;
  const table = Uint8Array.from({ length: 256 }, (_, i) => i);
  while (at < end) {
    let v: number;
    if (bit()) v = 0;
    else {
      let plen = 1;
      while (at < end && !bit()) plen++;
      if (plen > 8) return undefined;
      let c = 1;
      while (at < end && plen-- > 0) c = (c << 1) | bit();
      v = c - 1;
      if (v > 255) return undefined;
    }
    if (n >= out.length) return undefined;
    // move-to-front
    const c = table[v]!;
    if (v) {
      table.copyWithin(1, 0, v);
      table[0] = c;
    }
    out[n++] = c;
  }
  return out.subarray(0, n);
}

/** TCBS-compressed `src` decoded, or undefined (not TCBS, or more than `max` bytes). */
export function tcbsDecode(src: Uint8Array, max: number): Buffer | undefined {
  // Each unit's 2-byte index costs at least 2 bits; its bytes at least 1 bit each.
  const units = ungamma(src, max + 2 * Math.ceil(max / UNIT) + 2);
  if (!units) return undefined;
  const out: Buffer[] = [];
  let made = 0;
  const count = new Int32Array(256);
  const start = new Int32Array(256);
  for (let p = 0; p < units.length;) {
    if (p + 2 > units.length) return undefined;
    let idx = (units[p]! << 8) | units[p + 1]!;
    p += 2;
    const n = Math.min(UNIT, units.length - p);
    if (made + n > max) return undefined;
    if (idx >= n) idx = 0;
    const last = units.subarray(p, p + n);
    p += n;
    count.fill(0);
    for (const c of last) count[c]!++;
    for (let c = 0, s = 0; c < 256; c++) {
      start[c] = s;
      s += count[c]!;
    }
    const first = new Uint8Array(n);
    for (let c = 0; c < 256; c++) first.fill(c, start[c], start[c]! + count[c]!);
    // lf[i]: where row i's last byte stands in the first column; t inverts it.
    const t = new Int32Array(n);
    const seen = new Int32Array(256);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const c = last[i]!;
      const at = start[c]! + seen[c]!++;
      t[at] = i;
      if (i === idx) k = at;
    }
    const unit = Buffer.allocUnsafe(n);
    for (let j = 0; j < n; j++) {
      const i = t[k]!;
      unit[j] = first[i]!;
      k = i;
    }
    out.push(unit);
    made += n;
  }
  return Buffer.concat(out);
}
