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
 * - Atbash (each letter mirrored), and the value reversed (`rev`; of a value cut to the reach, its last characters reversed).
 * - forms a reader does not see or tell apart from it: fullwidth (ICU's Halfwidth-Fullwidth), mathematical bold ("fancy
 *   text"), Unicode tag characters (ASCII smuggling), a zero-width space or joiner between every two characters.
 * - its Unicode normalizations beside the one given: NFD (macOS file names on HFS+/APFS, `é` as `e` + U+0301) and NFC
 *   (a value given decomposed, stored composed).
 *
 * Each only where it differs from the value. A value cut to the reach looked for gets its rotations and normalizations
 * of the cut start (as the other text forms); base-N forms only for the whole value. Base-N forms only for values up to `RADIX_MAX` bytes (a big number of
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

/** Atbash: each ASCII letter mirrored in its case (`tr 'a-zA-Z' 'zyx…a'`). */
export const atbash = (s: string): string => s.replace(/[A-Za-z]/g, (c) => String.fromCharCode((c <= 'Z' ? 0x9b : 0xdb) - c.charCodeAt(0)));

/** Fullwidth forms: each printable ASCII character but the space as U+FF01–U+FF5E (ICU's Halfwidth-Fullwidth). */
export const fullwidth = (s: string): string => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

/** Mathematical bold letters and digits (U+1D400…, U+1D7CE…): "fancy text" generators; NFKC folds them back. */
export const mathBold = (s: string): string =>
  s.replace(/[A-Za-z0-9]/g, (c) => {
    const n = c.charCodeAt(0);
    return String.fromCodePoint(n <= 0x39 ? 0x1d7ce + n - 0x30 : n <= 0x5a ? 0x1d400 + n - 0x41 : 0x1d41a + n - 0x61);
  });

/** Unicode tag characters (U+E0020–U+E007E) for printable ASCII: text hidden from a reader ("ASCII smuggling"). */
export const tagged = (s: string): string => s.replace(/[ -~]/g, (c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0)));

/** The last `n` code points of `s` (a surrogate pair whole), without spreading the whole of a long value. */
const lastPoints = (s: string, n: number): string[] => Array.from(s.slice(-2 * n)).slice(-n);

/** The zero-width characters put between every two characters of a value to hide it from a search. */
const INVISIBLE: ReadonlyArray<[string, string]> = [
  ['\u200b', 'zero-width spaces between'],
  ['\u200d', 'zero-width joiners between'],
];

/** A value longer than this decides its normalizations by its cut start: a megabyte value's whole NFD copy is not made. */
const NORMALIZE_WHOLE_MAX = 1 << 20;

/**
 * The value's notation forms (see the file's comment). As `legacyTextForms`: whether a form is made is decided by the
 * whole value, its bytes are those of `text` — the whole, or its start cut to the reach looked for —, so a cut value's
 * forms are the starts of the whole one's. Buffers, as the other text forms: a form whose start equals another's is kept.
 */
export function notationForms(text: string, whole: string = text): Array<[Buffer, string]> {
  const forms: Array<[Buffer, string]> = [];
  const add = (differs: boolean, form: () => string, name: string) => {
    if (differs) forms.push([Buffer.from(form()), name]);
  };
  // A rotation changes a value with a letter (rot13) or a printable character but the space (rot47).
  add(/[A-Za-z]/.test(whole), () => rot13(text), 'rot13');
  add(/[!-~]/.test(whole), () => rot47(text), 'rot47');
  add(/[A-Za-z]/.test(whole), () => atbash(text), 'Atbash');
  // Forms a reader does not see or tell apart from the value: each only where it changes the value.
  add(/[!-~]/.test(whole), () => fullwidth(text), 'fullwidth');
  add(/[A-Za-z0-9]/.test(whole), () => mathBold(text), 'mathematical bold');
  add(/^[ -~]+$/.test(whole), () => tagged(text), 'Unicode tag characters');
  for (const [mark, name] of INVISIBLE) add([...whole].length > 1, () => [...text].join(mark), name);
  const decides = whole.length <= NORMALIZE_WHOLE_MAX ? whole : text;
  const nfd = decides.normalize('NFD');
  add(nfd !== decides, () => (decides === text ? nfd : text.normalize('NFD')), 'Unicode NFD');
  const nfc = decides.normalize('NFC');
  add(nfc !== decides && nfc !== nfd, () => (decides === text ? nfc : text.normalize('NFC')), 'Unicode NFC');
  // Base-N forms only for a whole value: a big number's digits begin nothing of a longer number's.
  const bytes = Buffer.from(whole);
  // Reversed, a cut value's form is the start of the whole one's: its last characters, reversed.
  const reversed =
    text === whole
      ? [...whole].reverse().join('')
      : lastPoints(whole, [...text].length)
          .reverse()
          .join('');
  add([...whole].length > 1 && reversed !== text, () => reversed, 'reversed');
  if (text === whole && bytes.length <= RADIX_MAX) {
    const made = new Set<string>();
    for (const r of RADIXES) {
      const digits = radixDigits(bytes, r.alphabet, r.zero);
      add(!made.has(digits) && digits !== whole && digits.length > 0, () => digits, r.name);
      made.add(digits);
    }
  }
  return forms;
}
