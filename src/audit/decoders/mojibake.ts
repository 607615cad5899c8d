/**
 * Mojibake: UTF-8 text read as Latin-1 or Windows-1252 and written again as UTF-8 (`iconv -f
 * ISO-8859-1 -t UTF-8` of a file that was UTF-8 already, PowerShell 5's Get-Content of a UTF-8 file
 * without a BOM, a latin1 database connection): each byte above 0x7F becomes a character of its own,
 * so `é` (C3 A9) is `Ã©` (C3 83 C2 A9) and `€` (E2 82 AC) is `â‚¬` in cp1252. A place is evidence
 * where a character that is a UTF-8 lead byte (U+00C2–U+00F4, written C3 82–C3 B4) is followed by as
 * many characters as its UTF-8 character has continuation bytes, each one (U+0080–U+00BF, or a cp1252
 * character of 0x80–0x9F: `‚` `€` `Ÿ` …), in text: the bytes make one well-formed UTF-8 character.
 * The text around is rewritten with every such run as its bytes again (all else as it is) and routed
 * (`(mojibake at N)`, `text-rewrite.ts`). Correct UTF-8 with two such characters side by side (`é€`,
 * a value's own) is not a run: the lead E9 wants two continuation bytes.
 */
import { textAround, type Notation } from './text-rewrite.js';

/** Windows-1252's characters for the bytes 0x80–0x9F (0 where it has none: such a byte stays U+0080–U+009F). */
const CP1252 = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0, 0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
  0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];
const BYTE_OF = new Map<number, number>(CP1252.flatMap((cp, i) => (cp ? [[cp, 0x80 + i] as [number, number]] : [])));

/** The code point of the UTF-8 character at `at` and its size, or undefined where no well-formed one starts. */
function charAt(b: Uint8Array, at: number): { cp: number; size: number } | undefined {
  const c = b[at];
  if (c === undefined) return undefined;
  if (c < 0x80) return { cp: c, size: 1 };
  const size = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (!size || at + size > b.length) return undefined;
  let cp = c & (0xff >> (size + 1));
  for (let i = 1; i < size; i++) {
    const d = b[at + i]!;
    if ((d & 0xc0) !== 0x80) return undefined;
    cp = (cp << 6) | (d & 0x3f);
  }
  return { cp, size };
}

/** The byte a Latin-1 or cp1252 reader took for code point `cp`, or undefined. */
const byteOf = (cp: number): number | undefined => (cp < 0x100 ? cp : BYTE_OF.get(cp));

/** How many bytes the UTF-8 character led by `lead` has (2–4), and the range its second byte must be in; 0 where `lead` leads none. */
function leadOf(lead: number): { size: number; min: number; max: number } | undefined {
  if (lead >= 0xc2 && lead <= 0xdf) return { size: 2, min: 0x80, max: 0xbf };
  if (lead >= 0xe0 && lead <= 0xef) return { size: 3, min: lead === 0xe0 ? 0xa0 : 0x80, max: lead === 0xed ? 0x9f : 0xbf };
  if (lead >= 0xf0 && lead <= 0xf4) return { size: 4, min: lead === 0xf0 ? 0x90 : 0x80, max: lead === 0xf4 ? 0x8f : 0xbf };
  return undefined;
}

/**
 * At `at`, characters that a Latin-1 or cp1252 reader made of one well-formed UTF-8 character beyond ASCII: its bytes
 * and how many bytes of `b` they took, or undefined. Correct UTF-8 text has such runs only by rare chance (`é€x`: E9 80
 * then no continuation byte, is none), so only they are read back, and a text with none routes nothing.
 */
function misread(b: Uint8Array, at: number): { bytes: number[]; size: number } | undefined {
  const first = charAt(b, at);
  const lead = first && first.size > 1 ? byteOf(first.cp) : undefined;
  const shape = lead === undefined ? undefined : leadOf(lead);
  if (!first || !shape) return undefined;
  const bytes = [lead!];
  let i = at + first.size;
  for (let k = 1; k < shape.size; k++) {
    const ch = charAt(b, i);
    const byte = ch && ch.size > 1 ? byteOf(ch.cp) : undefined;
    const [min, max] = k === 1 ? [shape.min, shape.max] : [0x80, 0xbf];
    if (byte === undefined || byte < min || byte > max) return undefined;
    bytes.push(byte);
    i += ch!.size;
  }
  return { bytes, size: i - at };
}

export const MOJIBAKE: Notation = {
  label: 'mojibake',
  needles: [Buffer.from([0xc3])],
  at(b, at) {
    const lead = b[at + 1];
    if (lead === undefined || lead < 0x82 || lead > 0xb4) return false;
    return misread(b, at) !== undefined && textAround(b, at, false);
  },
  rewrite(w) {
    const out = Buffer.allocUnsafe(w.length);
    let n = 0;
    let changed = false;
    for (let i = 0; i < w.length;) {
      const m = w[i]! >= 0xc2 ? misread(w, i) : undefined;
      if (m) {
        for (const byte of m.bytes) out[n++] = byte;
        changed = true;
        i += m.size;
      } else out[n++] = w[i++]!;
    }
    return changed ? out.subarray(0, n) : undefined;
  },
};
