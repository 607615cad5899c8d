/** Test support for zstd blobs: a walk of their frames, as `zstd -l` finds them, made apart from the audit's own. */

/** The data frames of a zstd blob, by offset and length (skippable frames left out), as `zstd -l`'s walk finds them. */
export function dataFrames(z: Buffer): Array<{ at: number; length: number }> {
  const out: Array<{ at: number; length: number }> = [];
  let i = 0;
  while (i + 8 <= z.length) {
    const magic = z.readUInt32LE(i);
    if (magic >>> 4 === 0x184d2a5) {
      i += 8 + z.readUInt32LE(i + 4);
      continue;
    }
    const d = z[i + 4]!;
    const single = (d >> 5) & 1;
    let p = i + 5 + (single ? 0 : 1) + [0, 1, 2, 4][d & 3]! + [single, 2, 4, 8][d >> 6]!;
    for (let last = 0; !last;) {
      const b = z[p]! | (z[p + 1]! << 8) | (z[p + 2]! << 16);
      last = b & 1;
      p += 3 + (((b >> 1) & 3) === 1 ? 1 : b >>> 3);
    }
    p += d & 4 ? 4 : 0;
    out.push({ at: i, length: p - i });
    i = p;
  }
  return out;
}
