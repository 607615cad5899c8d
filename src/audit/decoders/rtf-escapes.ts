/**
 * RTF's character escapes (RTF 1.9.1, as Perl's RTF::Writer, WordPad, LibreOffice and pandoc write
 * them): `\'xx`, a byte of the document's ANSI code page in hex (`é` is `\'e9` in cp1252), and
 * `\uN`, a UTF-16 unit as a signed decimal (`€` is `\u8364`, a unit above 32767 negative), followed
 * by `\ucN` fallback characters (one by default: `?` or a `\'xx`) that a reader of `\u` skips;
 * `\\`, `\{`, `\}` for the characters themselves. A place is evidence where a `\'xx` is a byte above
 * 0x7F or a `\uN` is followed by its fallback; the text around it is rewritten — `\'xx` as cp1252,
 * `\uN` (surrogate pairs joined) into UTF-8, its `\ucN` fallback characters dropped, `\\ \{ \}` as the
 * characters, line breaks (which RTF ignores), other control words (`\uc1` before a `\u`) and
 * braces taken out, as a reader of the text does — and routed (`(RTF escapes at N)`, `text-rewrite.ts`).
 */
import { textAround, type Notation } from './text-rewrite.js';

const BACKSLASH = 0x5c;
const CP1252 = new TextDecoder('windows-1252');
const hexValue = (c: number | undefined) =>
  c === undefined ? -1 : c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;

/** The byte of `\'xx` at `at`, or -1. */
function hexAt(b: Uint8Array, at: number): number {
  if (b[at] !== BACKSLASH || b[at + 1] !== 0x27) return -1;
  const h = hexValue(b[at + 2]);
  const l = hexValue(b[at + 3]);
  return h < 0 || l < 0 ? -1 : h * 16 + l;
}

/** The unit and length of `\uN` (N signed decimal, 16 bits) at `at`, or undefined. */
function unitAt(b: Uint8Array, at: number): { unit: number; size: number } | undefined {
  if (b[at] !== BACKSLASH || b[at + 1] !== 0x75) return undefined;
  let j = at + 2;
  const negative = b[j] === 0x2d;
  if (negative) j++;
  let v = 0;
  const from = j;
  while (j - from < 6 && b[j]! >= 0x30 && b[j]! <= 0x39) v = v * 10 + b[j++]! - 0x30;
  if (j === from || (b[from] === 0x30 && j - from > 1) || v > (negative ? 32768 : 65535)) return undefined;
  // A control word's delimiting space belongs to it.
  if (b[j] === 0x20) j++;
  return { unit: negative ? 65536 - v : v, size: j - at };
}

/** The length of the fallback character at `at` (`\'xx` or one character), 0 at a control word or a group. */
function fallbackAt(b: Uint8Array, at: number): number {
  if (hexAt(b, at) >= 0) return 4;
  const c = b[at];
  return c === undefined || c === BACKSLASH || c === 0x7b || c === 0x7d || c === 0x0a || c === 0x0d ? 0 : 1;
}

const letter = (c: number | undefined) => c !== undefined && ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a));

/** The length of the control word at `at` (`\pard`, `\uc1`, `\fs-24 `: letters, a signed number, its space), 0 if none. */
function controlWord(b: Uint8Array, at: number): number {
  let j = at + 1;
  while (j - at <= 32 && letter(b[j])) j++;
  if (j === at + 1) return 0;
  if (b[j] === 0x2d) j++;
  while (j - at <= 48 && b[j]! >= 0x30 && b[j]! <= 0x39) j++;
  return b[j] === 0x20 ? j + 1 - at : j - at;
}

export const RTF_ESCAPES: Notation = {
  label: 'RTF escapes',
  needles: [Buffer.from("\\'"), Buffer.from('\\u')],
  at(b, at) {
    if (!textAround(b, at, true)) return false;
    if (b[at + 1] === 0x27) return hexAt(b, at) >= 0x80;
    const u = unitAt(b, at);
    return u !== undefined && u.unit >= 0x80 && (b[at + u.size] === 0x3f || hexAt(b, at + u.size) >= 0);
  },
  rewrite(w) {
    const parts: Buffer[] = [];
    let plain = 0;
    let decoded = false;
    let high = 0;
    /** Fallback characters after each `\u` (`\ucN`; 1 unless the document says). */
    let uc = 1;
    const flush = (i: number) => parts.push(w.subarray(plain, i));
    for (let i = 0; i < w.length;) {
      const c = w[i]!;
      if (c === 0x0a || c === 0x0d) {
        flush(i);
        plain = ++i;
        continue;
      }
      if (c === 0x7b || c === 0x7d) {
        flush(i);
        plain = ++i;
        continue;
      }
      if (c !== BACKSLASH) {
        i++;
        continue;
      }
      const byte = hexAt(w, i);
      const u = byte < 0 ? unitAt(w, i) : undefined;
      const next = w[i + 1];
      if (byte < 0 && !u) {
        const word = controlWord(w, i);
        if (word && next === 0x75 && w[i + 2] === 0x63) uc = Math.min(Number(w.toString('latin1', i + 3, i + word).trim()) || 0, 8);
        if (next === BACKSLASH || next === 0x7b || next === 0x7d || word) {
          flush(i);
          plain = word ? i + word : i + 1;
        }
        i += word || 2;
        continue;
      }
      flush(i);
      decoded = true;
      if (byte >= 0) {
        parts.push(Buffer.from(CP1252.decode(Uint8Array.of(byte)), 'utf8'));
        i += 4;
      } else {
        i += u!.size;
        for (let k = 0; k < uc; k++) i += fallbackAt(w, i);
        if (u!.unit >= 0xd800 && u!.unit < 0xdc00) high = u!.unit;
        else {
          const s = high && u!.unit >= 0xdc00 && u!.unit < 0xe000 ? String.fromCharCode(high, u!.unit) : String.fromCharCode(u!.unit);
          parts.push(Buffer.from(s, 'utf8'));
          high = 0;
        }
      }
      plain = i;
    }
    flush(w.length);
    return decoded ? Buffer.concat(parts) : undefined;
  },
};
