/**
 * Decimal byte escapes, `\DDD` (three digits, 000–255): DNS presentation format — BIND's
 * named-checkzone and dig, dnspython's to_text, ldns — writes each byte of a TXT record or a name
 * beyond printable ASCII so (`é` is `\195\169`), as do OCaml's String.escaped and Lua's
 * serializers; the backslash family reads three digits as octal. A place is evidence where two such
 * escapes make a UTF-8 lead and continuation byte (octal's `\303\251` never does: 303 is no byte,
 * and octal's continuation bytes, `\200`–`\277`, are 200 and above in decimal); the text around it is
 * rewritten with every unescaped `\DDD` as its byte and routed (`(decimal escapes at N)`,
 * `text-rewrite.ts`); `\"` and `\\` are left for the escape families.
 */
import { textAround, type Notation } from './text-rewrite.js';

const BACKSLASH = 0x5c;
const digit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;

/** The byte of the escape `\DDD` at `at`, or -1. */
function decimalAt(b: Uint8Array, at: number): number {
  if (b[at] !== BACKSLASH || !digit(b[at + 1]) || !digit(b[at + 2]) || !digit(b[at + 3])) return -1;
  const v = (b[at + 1]! - 0x30) * 100 + (b[at + 2]! - 0x30) * 10 + (b[at + 3]! - 0x30);
  return v <= 255 ? v : -1;
}

export const DECIMAL_ESCAPES: Notation = {
  label: 'decimal escapes',
  beyondEncoders: true,
  needles: [Buffer.from('\\1'), Buffer.from('\\2')],
  at(b, at) {
    const lead = decimalAt(b, at);
    const next = decimalAt(b, at + 4);
    return lead >= 0xc2 && lead <= 0xf4 && next >= 0x80 && next <= 0xbf && textAround(b, at, true);
  },
  rewrite(w) {
    const out = Buffer.allocUnsafe(w.length);
    let n = 0;
    let decoded = false;
    for (let i = 0; i < w.length;) {
      const v = decimalAt(w, i);
      if (v >= 0) {
        out[n++] = v;
        decoded = true;
        i += 4;
      } else if (w[i] === BACKSLASH && i + 1 < w.length) {
        out[n++] = w[i++]!;
        out[n++] = w[i++]!;
      } else out[n++] = w[i++]!;
    }
    return decoded ? out.subarray(0, n) : undefined;
  },
};
