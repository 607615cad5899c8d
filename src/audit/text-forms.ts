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
 *
 * Two more that do not keep ASCII: UTF-32LE, four bytes a character, how C's wchar_t strings (L"…"
 * with gcc on Linux) and CPython's str holding a character beyond U+FFFF (UCS-4: a core dump, a
 * process's memory) keep text, an ASCII value too; and EBCDIC (IBM037, IBM1047: a permutation of
 * Latin-1's 256 bytes each), how a mainframe's datasets, JCL and COBOL copybooks hold it, moved
 * into an image in binary mode.
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

/**
 * UTF-32LE without the zero bytes after its last character (a pattern ends at the text's last byte); `end` false for the
 * start of a longer value (`legacyTextForms`' `whole`): its zero bytes kept, the next character follows them.
 */
export function utf32le(value: string, end = true): Buffer {
  const out = Buffer.alloc(4 * value.length); // at most one code point a UTF-16 unit
  let at = 0;
  for (const c of value) at = out.writeUInt32LE(c.codePointAt(0)!, at);
  if (end) while (at > 0 && out[at - 1] === 0) at--;
  return Uint8Array.prototype.slice.call(out, 0, at) as Buffer;
}

/** IBM037 (EBCDIC, US/Canada) of each Latin-1 byte, as iconv -f ISO-8859-1 -t IBM037 gives it. */
const IBM037 = Buffer.from(
  '00010203372d2e2f1605250b0c0d0e0f101112133c3d322618193f271c1d1e1f405a7f7b5b6c507d4d5d5c4e6b604b61f0f1f2f3f4f5f6f7f8f97a5e4c7e6e6f' +
    '7cc1c2c3c4c5c6c7c8c9d1d2d3d4d5d6d7d8d9e2e3e4e5e6e7e8e9bae0bbb06d79818283848586878889919293949596979899a2a3a4a5a6a7a8a9c04fd0a107' +
    '202122232415061728292a2b2c090a1b30311a333435360838393a3b04143eff41aa4ab19fb26ab5bdb49a8a5fcaafbc908feafabea0b6b39dda9b8bb7b8b9ab' +
    '6465626663679e687471727378757677ac69edeeebefecbf80fdfefbfcadae594445424643479c4854515253585556578c49cdcecbcfcce170dddedbdc8d8edf',
  'hex',
);
/** IBM1047 (EBCDIC, Open Systems: z/OS UNIX) differs from IBM037 at six characters: [ ] ^ ¨ ¬ Ý. */
const IBM1047 = Buffer.from(IBM037);
for (const [c, b] of [
  ['[', 0xad],
  [']', 0xbd],
  ['^', 0x5f],
  ['¨', 0xbb],
  ['¬', 0xb0],
  ['Ý', 0xba],
] as const)
  IBM1047[c.charCodeAt(0)] = b;

/** The value in EBCDIC code page `table`, or undefined when a character is beyond Latin-1 (neither page has it). */
export function ebcdic(value: string, table: 'IBM037' | 'IBM1047' = 'IBM037'): Buffer | undefined {
  if (!/^[\0-\xff]*$/.test(value)) return undefined;
  const page = table === 'IBM037' ? IBM037 : IBM1047;
  const out = Buffer.from(value, 'latin1');
  for (let i = 0; i < out.length; i++) out[i] = page[out[i]!]!;
  return out;
}

/** The characters IBM037 and IBM1047 write differently (`[ ] ^ ¨ ¬ Ý`). */
const EBCDIC_PAGES_DIFFER = new RegExp(
  `[${[...IBM037.keys()]
    .filter((b) => IBM037[b] !== IBM1047[b])
    .map((b) => `\\x${b.toString(16).padStart(2, '0')}`)
    .join('')}]`,
);

/**
 * The value's forms in modified UTF-8, Latin-1, UTF-16BE, UTF-32LE and EBCDIC, each only where it differs (from UTF-8;
 * Latin-1 only where every character has one; UTF-16BE from UTF-16LE one byte on; IBM1047 from IBM037).
 *
 * `value` may be the start of a longer `whole` (a value looked for by the first bytes of each form, `encodings` in
 * audit.ts): which forms there are, and their names, are the whole's; each form is of `value`, the start of the whole's
 * form — its bytes as far as `value` reaches. A 2 MB value's forms, whole, were tens of MB for 16 KiB of each looked for.
 */
export function legacyTextForms(value: string, whole: string = value): Array<[Buffer, string]> {
  const forms: Array<[Buffer, string]> = [];
  // Modified UTF-8 differs from UTF-8 at NUL and beyond U+FFFF (a surrogate, paired or lone).
  if (/[\0\ud800-\udfff]/.test(whole)) forms.push([modifiedUtf8(value), 'modified UTF-8 (Java)']);
  const latin = /^[\0-\xff]*$/.test(whole);
  if (latin && /[\x80-\xff]/.test(whole)) forms.push([Buffer.from(value, 'latin1'), 'Latin-1']);
  if (/[^\0-\xff]/.test(whole)) {
    const be = Buffer.from(value, 'utf16le').swap16();
    forms.push([be[0] === 0 ? be.subarray(1) : be, 'UTF-16BE']);
  }
  forms.push([utf32le(value, value.length === whole.length), 'UTF-32LE']);
  if (latin) {
    const e037 = ebcdic(value, 'IBM037')!;
    if (!EBCDIC_PAGES_DIFFER.test(whole)) forms.push([e037, 'EBCDIC']);
    else forms.push([e037, 'EBCDIC (IBM037)'], [ebcdic(value, 'IBM1047')!, 'EBCDIC (IBM1047)']);
  }
  return forms;
}
