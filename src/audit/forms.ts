/** The forms a secret value is looked for in (`compile` in audit.ts makes its patterns of them). */
import { notationForms } from './notation-forms.js';
import { legacyTextForms } from './text-forms.js';

/** Values shorter than this are not looked for: they would match by chance. */
export const MIN_SECRET_LENGTH = 8;

/** `s` with each ASCII letter's case swapped. */
const swapCase = (s: string) => s.replace(/[A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) ^ 0x20));

/**
 * The forms a value is looked for in: plain, base64 and base64url (at each of the three byte
 * alignments it can have inside a longer encoded text; and base64 with its letters' case swapped, javascript-obfuscator's), hex, UTF-16, modified UTF-8 and Latin-1
 * where they differ from UTF-8 (`text-forms.ts`), and the forms no reader can undo from the text alone — base36/58/62,
 * rot13/rot47, NFD/NFC (`notation-forms.ts`). Escaped characters (JSON,
 * URL, XML, shell, …) are not forms here: the scan reads through them (`escapes.ts`).
 *
 * `reach`: only the first `reach` bytes of each form are wanted (`compile`, MAX_PATTERN). A longer value's forms are
 * then made from its start alone — `reach` + 16 UTF-16 units, or bytes of a binary value, make more than `reach` bytes
 * of every form (base64 the fewest: 4 characters for 3 bytes, less at most 5 for the alignment) — and each is the
 * start of the whole value's form, longer than `reach`; which forms there are is still the whole value's. A 2.2 MB
 * value's forms, whole, were ~60 MB of strings and buffers made for 16 KiB of each (380 MB peak RSS to compile it).
 */
export function encodings(value: string, raw?: Buffer, reach = Infinity): Array<[string | Buffer, string]> {
  const head = reach + 16;
  // Cut at a character's start (not between a surrogate pair), and not before a run of NULs that ends the value (UTF-32 drops its zero bytes at the end).
  const cutAt = !raw && value.length > head && /[^\0]/.test(value.slice(head)) ? head + (/[\udc00-\udfff]/.test(value[head]!) ? 1 : 0) : value.length;
  const text = value.slice(0, cutAt);
  const bytes = raw ? (raw.length > head ? raw.subarray(0, head) : raw) : Buffer.from(text);
  const whole = raw ? raw.length : Buffer.byteLength(value);
  const forms = new Map<string | Buffer, string>([[raw ? bytes : text, 'plain']]);
  for (let k = 0; k < 3; k++) {
    const encoded = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    const stable = encoded.slice([0, 2, 3][k], 4 * Math.floor((k + bytes.length) / 3));
    // The whole value's form is this long: the start's may be shorter than MIN_SECRET_LENGTH only when it is the whole value.
    if (4 * Math.floor((k + whole) / 3) - [0, 2, 3][k]! >= MIN_SECRET_LENGTH) {
      if (!forms.has(stable)) forms.set(stable, 'base64');
      const url = stable.replaceAll('+', '-').replaceAll('/', '_');
      if (!forms.has(url)) forms.set(url, 'base64url');
      // javascript-obfuscator's string array (`stringArrayEncoding: ['base64']`): base64 in its own alphabet, lowercase
      // letters first — the standard form with each letter's case swapped. No reader can tell it from base64.
      const swapped = swapCase(stable);
      if (!forms.has(swapped)) forms.set(swapped, 'base64 (letters in swapped case)');
    }
  }
  // A binary value (a keystore, a DER key) has no URL, JSON or UTF-16 text form.
  // UTF-16LE without its last zero byte is also UTF-16BE one byte on: one pattern for both, and
  // one that starts with the text's first byte (a pattern starting with 0 would make every zero
  // byte of a binary file a place to look).
  const utf16 = Buffer.from(text, 'utf16le').subarray(0, -1);
  const textForms = raw ? [] : ([[utf16, 'UTF-16'], ...legacyTextForms(text, value), ...notationForms(text, value)] as const);
  const hex = bytes.toString('hex');
  for (const [form, name] of [[hex, 'hex'], [hex.toUpperCase(), 'hex'], ...textForms] as const) {
    if (!forms.has(form)) forms.set(form, name);
  }
  return [...forms];
}
