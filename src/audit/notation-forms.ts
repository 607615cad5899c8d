/**
 * A text value's forms that no reader can undo from the text alone, looked for as forms (`encodings` in forms.ts):
 *
 * - its UTF-8 bytes as one big-endian number written in a radix whose digits are not bit-aligned — base36 (Ruby's
 *   `to_s(36)`, JavaScript's `BigInt#toString(36)`, Java's `BigInteger.toString(36)`, .NET's and Python's base36
 *   helpers; lower and upper case), base62 (both digit orders the base62 packages use: `0-9A-Za-z`, `0-9a-zA-Z`) and
 *   base58 (Bitcoin's alphabet and Flickr's). A reader would have to turn every word of letters and digits into a
 *   number to find these; the value's own digits are one pattern each.
 * - its rotations: rot13 (`tr 'A-Za-z' 'N-ZA-Mn-za-m'`, PHP's `str_rot13`, Python's `codecs.encode(s, 'rot13')`) and
 *   rot47 (`tr '!-~' 'P-~!-O'`) — a key "hidden" from a grep.
 * - its Unicode normalizations beside the one given: NFD (macOS file names on HFS+/APFS, `é` as `e` + U+0301) and NFC
 *   (a value given decomposed, stored composed).
 *
 * Each only where it differs from the value, and only for the whole value (`text === whole`): none of these forms'
 * starts is the start of a longer value's form. Base-N forms only for values up to `RADIX_MAX` bytes (a big number of
 * more is no notation anyone prints).
 */

/** Values up to this many UTF-8 bytes get their base-N forms (the digits of 1 KiB are ~1.4 KB in base36). */
export const RADIX_MAX = 1024;

const DIGITS = '0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
/** Base58's alphabets leave out 0, O, I and l. */
const BITCOIN58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const FLICKR58 = '123456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ';

/** The radix forms: name and alphabet (its length is the radix; `zero` the digit a leading zero byte writes, if any). */
const RADIXES: ReadonlyArray<{ name: string; alphabet: string; zero?: boolean }> = [
  { name: 'base36', alphabet: DIGITS + LOWER },
  { name: 'base36', alphabet: DIGITS + UPPER },
  { name: 'base62', alphabet: DIGITS + UPPER + LOWER },
  { name: 'base62', alphabet: DIGITS + LOWER + UPPER },
  { name: 'base58', alphabet: BITCOIN58, zero: true },
  { name: 'base58', alphabet: FLICKR58, zero: true },
];

/** `bytes` as one big-endian number in `alphabet`'s radix (base58's leading zero bytes as its first digit each). */
export function radixDigits(bytes: Uint8Array, alphabet: string, zero = false): string {
  const radix = BigInt(alphabet.length);
  let n = bytes.length ? BigInt(`0x${Buffer.from(bytes).toString('hex')}`) : 0n;
  const out: string[] = [];
  while (n > 0n) {
    out.push(alphabet[Number(n % radix)]!);
    n /= radix;
  }
  let lead = '';
  if (zero) for (let i = 0; i < bytes.length && bytes[i] === 0; i++) lead += alphabet[0];
  return lead + out.reverse().join('');
}

/** rot13: each ASCII letter 13 on in its case. */
export const rot13 = (s: string): string =>
  s.replace(/[A-Za-z]/g, (c) => {
    const base = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(base + ((c.charCodeAt(0) - base + 13) % 26));
  });

/** rot47: each printable ASCII character but the space 47 on among the 94. */
export const rot47 = (s: string): string => s.replace(/[!-~]/g, (c) => String.fromCharCode(33 + ((c.charCodeAt(0) - 33 + 47) % 94)));

/** The value's notation forms (see the file's comment), each different from `text`; none when `text` is cut from `whole`. */
export function notationForms(text: string, whole: string = text): Array<[string, string]> {
  if (text !== whole) return [];
  const forms: Array<[string, string]> = [];
  const add = (form: string, name: string) => {
    if (form !== text && form.length > 0 && !forms.some(([f]) => f === form)) forms.push([form, name]);
  };
  add(rot13(text), 'rot13');
  add(rot47(text), 'rot47');
  add(text.normalize('NFD'), 'Unicode NFD');
  add(text.normalize('NFC'), 'Unicode NFC');
  const bytes = Buffer.from(text);
  if (bytes.length <= RADIX_MAX) for (const r of RADIXES) add(radixDigits(bytes, r.alphabet, r.zero), r.name);
  return forms;
}
