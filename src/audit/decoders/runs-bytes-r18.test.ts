// Round 18's text notations, each written by the real tool: a value's bytes as words of 2, 4 or 8 bytes (PHP's, Perl's
// and Ruby's unpack('n*'), ('N*'), ('v*'), ('L*'), Python's array('H') and struct, Node's Uint16Array, Tcl's binary scan
// S*, hexdump's %u words, SBCL's octet vectors — `runs-bytes-words.ts`, and keyed lists of words: PHP's print_r), as one
// big number (Python's int.from_bytes in decimal, bin(), oct()), Python's 0o lists; its characters between single
// separators (' '.join(s), a character a line, Tcl's split, Lisp's lists of characters — `spaced-chars.ts`); R's vector
// prints (`r-vectors.ts`); IDNA's xn-- labels (`punycode-labels.ts`). All were silent through the bundle of the session's
// start (d. 8dff179). Property: each is found under its reader's label, however the text is cut into chunks, and the
// clean twin (another value of the same length) gives nothing. Nearest real-world variant: a debugging print of a key's
// bytes left in a log or a CI job's output, in the language the service is written in.
import { describe, expect, it } from 'vitest';
import { listsOf } from './runs-bytes-r18.testing.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

const OTHER = 'x'.repeat(SECRET.length);
const paths = (findings: Awaited<ReturnType<typeof auditFiles>>) => findings.map((f) => `${f.severity} ${f.path}`);

const py = (code: string): [string, string[]] => ['python3', ['-c', `import sys, os\nb = open("v", "rb").read()\ns = b.decode()\n${code}`]];
const perl = (code: string): [string, string[]] => ['perl', ['-e', `open F, "<:raw", "v"; local $/; $s = <F>; ${code}`]];
const ruby = (code: string): [string, string[]] => ['ruby', ['-e', `s = File.binread("v"); ${code}`]];
const php = (code: string): [string, string[]] => ['php', ['-r', `$s = file_get_contents("v"); ${code}`]];
const r = (code: string): [string, string[]] => ['Rscript', ['-e', `s <- readLines("v", warn = FALSE, encoding = "UTF-8"); ${code}`]];
const sbcl = (code: string): [string, string[]] => ['sbcl', ['--noinform', '--non-interactive', '--eval', code]];

/** [name, [command, args], label]: a program reading the value from the file `v` and printing it in one notation. */
export const R18_CASES: Array<[string, [string, string[]], string]> = [
  ["PHP print_r(unpack('n*'))", php('print_r(unpack("n*", $s . (strlen($s) % 2 ? "\\0" : "")));'), 'keyed list'],
  [
    "PHP json_encode of unpack('N*')",
    php('echo json_encode(array_values(unpack("N*", str_pad($s, (int)ceil(strlen($s) / 4) * 4, "\\0")))), "\\n";'),
    'word list',
  ],
  ["Perl unpack('n*')", perl('$s .= "\\0" if length($s) % 2; print join(" ", unpack("n*", $s)), "\\n"'), 'word list'],
  ["Perl unpack('N*')", perl('$s .= "\\0" x (-length($s) % 4); print join(",", unpack("N*", $s)), "\\n"'), 'word list'],
  ["Perl unpack('v*')", perl('$s .= "\\0" if length($s) % 2; print join(" ", unpack("v*", $s)), "\\n"'), 'word list'],
  ["Ruby unpack('n*')", ruby('s << 0.chr if s.size.odd?; p s.unpack("n*")'), 'word list'],
  ["Ruby unpack('L*')", ruby('s << 0.chr * (-s.size % 4); p s.unpack("L*")'), 'word list'],
  ["Python array('H')", py("import array; a = array.array('H'); a.frombytes(b + b'\\0' * (len(b) % 2)); print(a)"), 'word list'],
  ["Python array('I')", py("import array; a = array.array('I'); a.frombytes(b + b'\\0' * (-len(b) % 4)); print(a)"), 'word list'],
  ["Python struct.unpack('>…H')", py("import struct; c = b + b'\\0' * (len(b) % 2); print(struct.unpack('>%dH' % (len(c) // 2), c))"), 'word list'],
  ["Python struct.unpack('<…Q')", py("import struct; c = b + b'\\0' * (-len(b) % 8); print(struct.unpack('<%dQ' % (len(c) // 8), c))"), 'word list'],
  ["Python [hex(w)] of array('H')", py("import array; a = array.array('H'); a.frombytes(b + b'\\0' * (len(b) % 2)); print([hex(x) for x in a])"), 'word list'],
  ['Python [oct(b) …]', py('print([oct(x) for x in b])'), 'word list'],
  ['Python int.from_bytes(b, "big")', py("print('n =', int.from_bytes(b, 'big'))"), 'big number'],
  ['Python int.from_bytes(b, "little")', py("print('n =', int.from_bytes(b, 'little'))"), 'big number'],
  ['Python bin(int.from_bytes(b))', py("print(bin(int.from_bytes(b, 'big')))"), 'big number'],
  ['Python oct(int.from_bytes(b))', py("print(oct(int.from_bytes(b, 'big')))"), 'big number'],
  [
    "Node's Uint16Array",
    [
      'node',
      [
        '-e',
        'const v = require("fs").readFileSync("v"); const b = Uint8Array.from(Buffer.concat([v, Buffer.alloc(v.length % 2)])); console.log(new Uint16Array(b.buffer))',
      ],
    ],
    'word list',
  ],
  ['hexdump -e \'8/2 "%6u "\'', ['hexdump', ['-e', '8/2 "%6u " "\\n"', 'v']], 'word list'],
  ["Tcl's binary scan S*", ['tclsh', ['s.tcl']], 'word list'],
  [
    "SBCL's print of an octet vector",
    sbcl(
      '(with-open-file (f "v" :element-type (quote (unsigned-byte 8))) (let ((v (make-array (file-length f) :element-type (quote (unsigned-byte 8))))) (read-sequence v f) (print v)))',
    ),
    'word list',
  ],
  [
    "SBCL's char-code list",
    sbcl('(with-open-file (f "v" :external-format :utf-8) (print (map (quote list) (function char-code) (read-line f))))'),
    'word list',
  ],
  ["Python ' '.join(s)", py("print('key:', ' '.join(s))"), 'spaced chars'],
  ["Python '\\n'.join(s) (a character a line)", py("print('\\n'.join(s))"), 'spaced chars'],
  ["Python ','.join(s)", py("print(','.join(s))"), 'spaced chars'],
  ["Python '\\t'.join(s)", py("print('\\t'.join(s))"), 'spaced chars'],
  ["Python '\\r\\n'.join(s)", py("sys.stdout.write('\\r\\n'.join(s))"), 'spaced chars'],
  ['Tcl\'s split $s ""', ['tclsh', ['split.tcl']], 'spaced chars'],
  [
    "SBCL's list of characters (ASCII: SBCL names others, #\\EURO_SIGN)",
    sbcl('(with-open-file (f "v" :external-format :utf-8) (print (coerce (read-line f) (quote list))))'),
    'spaced chars',
  ],
  [
    "Guile's string->list",
    ['guile', ['-c', '(use-modules (ice-9 textual-ports)) (write (string->list (call-with-input-file "v" get-string-all))) (newline)']],
    'spaced chars',
  ],
  ['R print(charToRaw(s))', r('print(charToRaw(s))'), 'vector print'],
  ['R print(as.integer(charToRaw(s)))', r('print(as.integer(charToRaw(s)))'), 'vector print'],
  ['R print(utf8ToInt(s))', r('print(utf8ToInt(s))'), 'vector print'],
  ['R print(strsplit(s, "")[[1]])', r('print(strsplit(s, "")[[1]])'), 'vector print'],
  ["Python's punycode codec after xn--", py("print('host=xn--' + s.encode('punycode').decode() + '.example.org')"), 'punycode'],
];

const TCL_FILES = {
  's.tcl': 'set f [open v rb]; set s [read $f]; append s [string repeat \\0 [expr {[string length $s] % 2}]]; binary scan $s S* l; puts $l\n',
  'split.tcl': 'set f [open v]; fconfigure $f -encoding utf-8; puts [split [read $f] ""]\n',
};
const run = ([command, args]: [string, string[]], v: string) => tool(command, args, { v, ...TCL_FILES });

describe('round 18: words, big numbers, spaced characters, R vectors, punycode — by the real tools', () => {
  const value = `key-é€-${SECRET}`;
  it.each(R18_CASES)(
    '%s: the bytes back in chunks of 1, 7, 64, random and whole',
    async (_name, program, label) => {
      if (!has(program[0])) return;
      const named = _name.startsWith("SBCL's list of characters");
      const v = named ? SECRET : value;
      const text = Buffer.concat([Buffer.from('log start\n'), run(program, v), Buffer.from('log end\n')]);
      let seed = 7;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 97;
      for (const size of [1, 7, 64, random, text.length]) {
        const lists = await listsOf(text, size);
        expect(
          lists.some((l) => l.alphabet === label && l.bytes.toString('utf8').includes(v)),
          `${text.toString('latin1').slice(0, 200)} in chunks of ${String(size)}: ${JSON.stringify(lists.map((l) => [l.alphabet, l.bytes.toString('latin1')]))}`,
        ).toBe(true);
      }
    },
    60_000,
  );

  // Punycode keeps a value's ASCII characters together (this SECRET is all ASCII: found in the file as it is); a value
  // beyond ASCII through punycode is audited by audit-variants-18-text.
  it.each(R18_CASES.filter((c) => c[2] !== 'punycode'))(
    '%s: audited, found under its reader; the clean twin gives nothing',
    async (_name, program, label) => {
      if (!has(program[0])) return;
      const path = 'var/log/debug.log';
      const found = paths(await auditFiles({ [path]: run(program, SECRET) }));
      expect(
        found.some((f) => f.startsWith(`leak ${path}!(${label} at `)),
        found.join('\n'),
      ).toBe(true);
      expect(await auditFiles({ [path]: run(program, OTHER) })).toEqual([]);
    },
    60_000,
  );
});
