/**
 * What the byte lists' forms (`runs-bytes.ts` FORMS) decode a list into where its numbers are not each one byte: hex
 * groups, character codes, quoted numbers in the radix they allow, dotted version strings.
 */
import { isText } from './runs-bytes-text.js';

/** The bytes of blank-separated hex groups of one even width of `least` (4) to 16 digits (the first or the last shorter, even), or undefined. */
export function groupedHex(list: string, least = 4): Buffer | undefined {
  if (/^\n?[0-9a-f]{4,16}: /.test(list)) return undefined;
  const groups = list.split(' ');
  const width = Math.max(groups[0]!.length, groups[1]!.length);
  if (width < least || width % 2) return undefined;
  for (let i = 0; i < groups.length; i++) {
    const n = groups[i]!.length;
    if (n !== width && !((i === 0 || i === groups.length - 1) && n % 2 === 0 && n < width)) return undefined;
  }
  return Buffer.from(groups.join(''), 'hex');
}

/** The UTF-8 of a list of character codes (UTF-16 units or code points) with one beyond a byte, or undefined. */
export function charCodes(list: string): Buffer | undefined {
  const codes = (list.match(/\d+/g) ?? []).map(Number);
  // Some beyond a byte (else it is a byte list), and most printable ASCII, as a value's characters are: a list of ports,
  // sizes or identifiers is none.
  if (!codes.some((c) => c > 0xff) || codes.filter((c) => c >= 0x20 && c < 0x7f).length * 2 < codes.length) return undefined;
  let text = '';
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (c > 0x10ffff) return undefined;
    if (c >= 0xd800 && c <= 0xdbff) {
      const low = codes[i + 1];
      if (low === undefined || low < 0xdc00 || low > 0xdfff) return undefined;
      text += String.fromCharCode(c, low);
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return undefined;
    else text += String.fromCodePoint(c);
  }
  return Buffer.from(text, 'utf8');
}
/** The text of a list of quoted numbers in the first radix its tokens allow that makes text (see FORMS), or undefined. */
export function quotedList(list: string): Buffer | undefined {
  const tokens = list.match(/[^'",\s]+/g) ?? [];
  const prefixed = tokens.every((t) => /^0[xX]/.test(t)) ? 16 : tokens.every((t) => /^0[bB][01]+$/.test(t)) ? 2 : 0;
  const digits = prefixed ? tokens.map((t) => t.slice(2)) : tokens;
  const radixes = prefixed ? [prefixed] : [16, 10, 2];
  for (const radix of radixes) {
    if (radix === 16 && !digits.every((t) => t.length <= 2)) continue;
    if (radix === 10 && !digits.every((t) => /^\d{1,3}$/.test(t))) continue;
    if (radix === 2 && !digits.every((t) => /^[01]{1,8}$/.test(t))) continue;
    const codes = digits.map((t) => parseInt(t, radix));
    if (codes.some((c) => !(c <= 0xff))) continue;
    const bytes = Buffer.from(codes);
    // UTF-8 only: a list of labels (`'A1', 'A2'`, `'C1', …`: scipy's colours, a graph's nodes) makes Latin-1.
    if (isText(bytes) && isUtf8(bytes)) return bytes;
  }
  return undefined;
}

/**
 * Hex groups between dashes or colons: pairs between colons are colon hex's and upper-case pairs between dashes dashed
 * hex's (read there), so pairs here are lower-case between dashes (Python's hex('-')); wider groups either.
 */
export function dashedGroups(list: string): Buffer | undefined {
  const groups = list.split(/[-:]/);
  const width = Math.max(groups[0]!.length, groups[1]!.length);
  if (width === 2 && (list.includes(':') || !/[a-f]/.test(list))) return undefined;
  const bytes = groupedHex(list.replace(/[-:]/g, ' '), 2);
  // UTF-8 only (a value's bytes): labels (`b1-b2-b3-…`) and netmasks (`ffff:ffff:…`) make Latin-1 of no value.
  return bytes && isUtf8(bytes) ? bytes : undefined;
}

const isUtf8 = (bytes: Buffer) => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
};

/**
 * The text of a dotted list (`%vd`, `%vx`, `%vo`, `%vb`) in the first radix that makes text of it: binary, octal, decimal,
 * hex (a number beyond a byte a code point, as Perl's `%vd` of a character string writes it), or undefined.
 */
export function dotted(list: string): Buffer | undefined {
  const tokens = list.split('.');
  const letters = /[a-fA-F]/.test(list);
  const short = tokens.every((t) => t.length <= 2);
  for (const radix of [2, 8, 10, 16]) {
    if (radix === 2 && !tokens.every((t) => /^[01]{1,8}$/.test(t))) continue;
    if (radix === 8 && !tokens.every((t) => /^[0-7]{1,3}$/.test(t))) continue;
    if (radix === 10 && letters) continue;
    if (radix === 16 && !(letters || short)) continue;
    const codes = tokens.map((t) => parseInt(t, radix));
    const text = codes.every((c) => c <= 0xff) ? Buffer.from(codes) : charCodes(codes.join(','));
    if (text && isText(text)) return text;
  }
  return undefined;
}
