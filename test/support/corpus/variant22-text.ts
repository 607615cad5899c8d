/**
 * The variant corpus's twenty-second round, text notations (issue 28, items 4 and 5: "escapes as a family, not a list"):
 * a value's bytes or characters as numbers each marked by a cast, a type or a call around it — Java's and C#'s `(byte)` and
 * `(sbyte)`, C's `(uint8_t)`, C++'s `static_cast<char>(…)`, Rust's `0x74u8` and `116_u8`, F#'s `0x74uy`, Nim's `0x74'u8`,
 * Kotlin's `116.toByte()`, Go's and Swift's `byte(116)` and `UInt8(116)`, D's `cast(ubyte)`, Fortran's `achar(116)//`,
 * Ada's `Character'Val(116) &`, PowerShell's `$([char]116)` —, bits between dashes, `echo -e`'s `\0NNN`, PostgreSQL's
 * `U&'…'` with and without `UESCAPE`, PHP's addcslashes. Each written by the real tool on Debian where it is installed
 * (a generator printing as the tool does where it is not: named so). All silent through the bundle of the session's
 * start (/tmp/lead/dist-start); read since session 61 by `framed-numbers.ts` (numbers in one frame) and
 * `notation-forms.ts` (hiding forms). The other notations of the round, and its known misses: variant22-text-more.ts.
 * Hunted and found already by the session's start bundle (so not in the round): PHP's addcslashes of an ASCII value,
 * Lua's `\116` escapes and `string.char(116,…)`, ES2015's `\u{74}`, quoted-printable of every byte, SBCL's `(#\t …)`,
 * SQLite's `char(116, …)`, Tcl's `binary format c* {116 …}`, awk's `printf "%c…", 116, …`, PowerShell's
 * `GetString([byte[]](116,…))`.
 */
import type { Variant } from './variant-text.js';
import { made, py, type Spec } from './variant20-text.js';

export const GEN = 'a generated source file or an obfuscated script holding a key as numbers';
export const LOG = 'a debugging print of a key left in a service’s log';

/** Python printing `fmt % n` for each number of `encoding` (the value's UTF-8 `b` by default) joined by `sep`. */
export const bytesAs = (id: string, head: string, fmt: string, sep: string, tail: string, file: string, v: Spec, encoding = 'b') =>
  py(id, `w(${JSON.stringify(head)} + ${JSON.stringify(sep)}.join(${JSON.stringify(fmt)} % c for c in ${encoding}) + ${JSON.stringify(tail)})`, file, v);

const BITS = "[format(c, '08b') for c in b]";
const POINTS = '[ord(c) for c in s]';

/** Numbers marked one by one by a cast, a type's suffix or a call (the class of round 21's `(byte) 0b…` gap). */
export function marked(): Variant[] {
  return [
    bytesAs('java-hex-casts', 'byte[] k = {', '(byte) 0x%02X', ', ', '};\n', 'Key.java', {
      name: "Java's (byte) 0x74, (byte) 0xC3, …",
      realWorld: GEN,
      kind: 'latin1',
    }),
    bytesAs('csharp-sbyte-casts', 'sbyte[] k = { ', '(sbyte)%d', ', ', ' };\n', 'Key.cs', {
      name: "C#'s (sbyte)116, (sbyte)111, …",
      realWorld: GEN,
      kind: 'token',
    }),
    bytesAs('c-uint8-casts', 'static const uint8_t k[] = {', '(uint8_t)0x%02x', ',', '};\n', 'key.c', {
      name: "C's (uint8_t)0x74,(uint8_t)0x6f,…",
      realWorld: GEN,
      kind: 'latin1',
    }),
    bytesAs('cpp-static-cast', 'const std::string k{', 'static_cast<char>(%d)', ', ', '};\n', 'key.cpp', {
      name: "C++'s static_cast<char>(116), …",
      realWorld: GEN,
      kind: 'token',
    }),
    bytesAs('rust-u8-suffix', 'const K: [u8; N] = [', '0x%02xu8', ', ', '];\n', 'key.rs', { name: "Rust's 0x74u8, 0x6fu8, …", realWorld: GEN, kind: 'latin1' }),
    bytesAs('rust-u8-underscore', 'let k = [', '%d_u8', ', ', '];\n', 'main.rs', { name: "Rust's 116_u8, 111_u8, …", realWorld: GEN, kind: 'token' }),
    bytesAs('rust-byte-literals', 'let k = [', "b'\\\\x%02x'", ', ', '];\n', 'main.rs', {
      name: "Rust's b'\\x74', b'\\x6f', …",
      realWorld: GEN,
      kind: 'latin1',
    }),
    bytesAs('fsharp-uy', 'let k = [| ', '0x%02xuy', '; ', ' |]\n', 'Key.fs', { name: "F#'s [| 0x74uy; 0x6fuy; … |]", realWorld: GEN, kind: 'token' }),
    bytesAs('nim-u8', 'const k = [', "0x%02x'u8", ', ', ']\n', 'key.nim', { name: "Nim's 0x74'u8, …", realWorld: GEN, kind: 'token' }),
    bytesAs('kotlin-tobyte', 'val k = byteArrayOf(', '%d.toByte()', ', ', ')\n', 'Key.kt', {
      name: "Kotlin's byteArrayOf(116.toByte(), …)",
      realWorld: GEN,
      kind: 'token',
    }),
    bytesAs('go-byte-conv', 'var k = []byte{', 'byte(%d)', ', ', '}\n', 'key.go', {
      name: "Go's []byte{byte(116), byte(111), …}",
      realWorld: GEN,
      kind: 'token',
    }),
    bytesAs('swift-uint8', 'let k: [UInt8] = [', 'UInt8(0x%02X)', ', ', ']\n', 'Key.swift', { name: "Swift's UInt8(0x74), …", realWorld: GEN, kind: 'latin1' }),
    bytesAs('d-cast-ubyte', 'immutable ubyte[] k = [', 'cast(ubyte)0x%02x', ', ', '];\n', 'key.d', {
      name: "D's cast(ubyte)0x74, …",
      realWorld: GEN,
      kind: 'token',
    }),
    bytesAs('java-long-suffix', 'long[] k = {', '0x%02XL', ', ', '};\n', 'Key.java', {
      name: "Java's 0x74L, 0x6FL, … (a long's suffix)",
      realWorld: GEN,
      kind: 'token',
    }),
    bytesAs('fortran-achar', 'character(len=*), parameter :: k = ', 'achar(%d)', '//', '\n', 'key.f90', {
      name: "Fortran's achar(116)//achar(111)//…",
      realWorld: GEN,
      kind: 'token',
    }),
    bytesAs('ada-character-val', 'K : constant String := ', "Character'Val(%d)", ' & ', ';\n', 'key.adb', {
      name: "Ada's Character'Val(116) & Character'Val(111) & …",
      realWorld: GEN,
      kind: 'token',
    }),
    bytesAs(
      'ps-char-subexpr',
      '$k = "',
      '$([char]%d)',
      '',
      '"\n',
      'run.ps1',
      { name: 'PowerShell\'s "$([char]116)$([char]111)…"', realWorld: GEN, kind: 'token' },
      POINTS,
    ),
    bytesAs(
      'go-mixed-bytes',
      'var k = []byte{',
      '%s',
      ', ',
      '}\n',
      'key.go',
      { name: "Go's []byte{'t', 0x6f, 107, …} (mixed forms)", realWorld: GEN, kind: 'token' },
      "[(\"'%c'\" % c, '0x%02x' % c, '%d' % c)[i % 3] for i, c in enumerate(b)]",
    ),
    bytesAs(
      'java-binary-casts-hex-mixed',
      'byte[] k = {',
      '(byte) %s',
      ', ',
      '};\n',
      'Key.java',
      { name: "Java's (byte) casts of hex and binary, mixed", realWorld: GEN, kind: 'token' },
      "[('0x%02x' % c, '0b' + format(c, '08b'))[i % 2] for i, c in enumerate(b)]",
    ),
  ];
}

/** Round 21's gaps and their classes' siblings. */
export function r21Classes(): Variant[] {
  return [
    bytesAs('bits-dash-spaced', '', '%s', ' - ', '\n', 'key.bits', { name: 'bits of each byte between " - "', realWorld: LOG, kind: 'token' }, BITS),
    bytesAs(
      'bits-underscore',
      'k = [',
      '%s',
      ', ',
      ']\n',
      'key.py',
      { name: "Python's format(c, '#011_b'): 0b0111_0100, …", realWorld: GEN, kind: 'token' },
      "[format(c, '#011_b') for c in b]",
    ),
    made('printf-b-octal', `printf 'printf "%%b" "%s"\\n' "$(od -An -to1 -v secret | tr -s ' ' | sed 's/ /\\\\0/g' | tr -d '\\n')"`, 'run.sh', {
      name: "printf %b's \\0NNN octal escapes",
      realWorld: GEN,
      kind: 'latin1',
    }),
    py(
      'pg-uescape-bang',
      `w("SELECT U&'" + ''.join('!%04X' % ord(c) if ord(c) < 0x10000 else '!+%06X' % ord(c) for c in s) + "' UESCAPE '!';\\n")`,
      'seed.sql',
      {
        name: "PostgreSQL's U&'!0074!006F…' UESCAPE '!'",
        realWorld: 'a seed script',
        kind: 'unicode',
      },
    ),
  ];
}
