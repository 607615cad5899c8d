/**
 * uuencode's and xxencode's lines as `runs-anchored.ts` reads them: a line's bytes, a full uuencoded line (`M` and 60
 * characters) and a short one standing alone (PHP's convert_uuencode of a value under 45 bytes).
 */

/** uuencode's characters (`` ` `` for 0) and xxencode's: the value of each, -1 when not one. */
export const UU = new Int8Array(256).fill(-1);
for (let c = 0x20; c <= 0x60; c++) UU[c] = (c - 0x20) & 0x3f;
export const XX = new Int8Array(256).fill(-1);
for (const [i, c] of [...'+-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'].entries()) XX[c.charCodeAt(0)] = i;

/**
 * The bytes of one uuencoded or xxencoded line (its length character first), or undefined when it is not one (an empty
 * line too: the blank line a script prints after pack('u')'s lines; its length was NaN and Buffer.alloc threw).
 */
export function decodeLine(line: string, table: Int8Array): Buffer | undefined {
  const length = line ? table[line.charCodeAt(0)]! : -1;
  if (length < 0 || line.length < 1 + Math.ceil(length / 3) * 4) return undefined;
  const out = Buffer.alloc(Math.ceil(length / 3) * 3);
  for (let i = 0; i * 4 + 4 < line.length + 1 && i * 3 < length; i++) {
    let v = 0;
    for (let j = 1 + i * 4; j < 5 + i * 4; j++) {
      const d = table[line.charCodeAt(j)]!;
      if (d < 0) return undefined;
      v = (v << 6) | d;
    }
    out[i * 3] = v >>> 16;
    out[i * 3 + 1] = (v >>> 8) & 0xff;
    out[i * 3 + 2] = v & 0xff;
  }
  return out.subarray(0, length);
}

/** A full uuencoded line's length: `M` and 60 characters (the line break after). */
const UU_FULL = 61;

/**
 * Whether a full uuencoded line starts at `at` (`M`, 60 characters of uuencode's alphabet, then CR or LF), with at least
 * 16 distinct characters, as 45 bytes of a value's encoding have and a rule of dashes or a banner in capitals has not;
 * undefined when `bytes` ends first.
 */
export function fullUuLine(bytes: Buffer, at: number): boolean | undefined {
  if (at + UU_FULL >= bytes.length) return undefined;
  const after = bytes[at + UU_FULL];
  if (bytes[at] !== 0x4d || (after !== 0x0a && after !== 0x0d)) return false;
  const seen = new Uint8Array(0x61);
  let distinct = 0;
  for (let j = at + 1; j < at + UU_FULL; j++) {
    const c = bytes[j]!;
    if (c < 0x20 || c > 0x60) return false;
    if (!seen[c]) distinct++;
    seen[c] = 1;
  }
  return distinct >= 16;
}

/**
 * Whether `line` is one uuencoded line of 8 to 44 bytes whose length character tells its length exactly (`!`–`L`, then
 * four characters for every three bytes, no more), with 8 distinct characters (a rule of one character repeated is none).
 */
export function shortUuLine(line: string): boolean {
  const length = UU[line.charCodeAt(0)] ?? -1;
  if (length < 8 || length >= 45 || line.length !== 1 + Math.ceil(length / 3) * 4) return false;
  for (let i = 0; i < line.length; i++) if ((UU[line.charCodeAt(i)] ?? -1) < 0) return false;
  return new Set(line).size >= 8 && decodeLine(line, UU) !== undefined;
}
