/**
 * A text value's bytes in the other encodings programs store text in, beside UTF-8: the ones that
 * keep ASCII as it is, so a value differs only where it goes beyond ASCII. Modified UTF-8 (CESU-8:
 * a character beyond U+FFFF as its two UTF-16 surrogates, 3 bytes each) is how Java writes strings
 * in class files, serialized objects and DataOutput.writeUTF, and MySQL's 3-byte `utf8`; Latin-1
 * is how a legacy (ISO-8859-1, Windows-1252) file holds é, ß, £. UTF-16BE (no BOM) is how a binary
 * plist, Java's DataOutput.writeChars and PDF text strings hold text: the audit's UTF-16 form
 * (UTF-16LE without its last zero byte, `encodings` in audit.ts) is UTF-16BE too one byte on while
 * every character is below U+0100, not for €, CJK or an emoji. A form equal to UTF-8, or to that
 * UTF-16 form, is left out.
 */

/** Modified UTF-8: each UTF-16 unit (a surrogate too) as UTF-8 would write a character of that value; NUL as C0 80. */
export function modifiedUtf8(value: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const u = value.charCodeAt(i);
    if (u > 0 && u < 0x80) out.push(u);
    else if (u < 0x800) out.push(0xc0 | (u >> 6), 0x80 | (u & 0x3f));
    else out.push(0xe0 | (u >> 12), 0x80 | ((u >> 6) & 0x3f), 0x80 | (u & 0x3f));
  }
  return Buffer.from(out);
}

/**
 * UTF-16BE where it differs from UTF-16LE one byte on (a character at or above U+0100), else
 * undefined; begun at the text's first byte, not at a zero (a pattern starting with 0 would make
 * every zero byte of a binary file a place to look).
 */
export function utf16be(value: string): Buffer | undefined {
  if (!/[^\0-\xff]/.test(value)) return undefined;
  const be = Buffer.from(value, 'utf16le').swap16();
  return be[0] === 0 ? be.subarray(1) : be;
}

/** The value's forms in modified UTF-8, Latin-1 and UTF-16BE, each only where it differs (from UTF-8; Latin-1 only where every character has one; UTF-16BE from UTF-16LE one byte on). */
export function legacyTextForms(value: string): Array<[Buffer, string]> {
  const utf8 = Buffer.from(value);
  const forms: Array<[Buffer, string]> = [];
  const modified = modifiedUtf8(value);
  if (!modified.equals(utf8)) forms.push([modified, 'modified UTF-8 (Java)']);
  if (/^[\0-\xff]*$/.test(value) && /[\x80-\xff]/.test(value)) forms.push([Buffer.from(value, 'latin1'), 'Latin-1']);
  const be = utf16be(value);
  if (be) forms.push([be, 'UTF-16BE']);
  return forms;
}
