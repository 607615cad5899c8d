// Round 17's byte and character notations, each written by the real tool: keyed lists (PHP's print_r, var_dump and
// var_export of unpack('C*') and of str_split, Python's dict(enumerate(…)) of bytes and of a string, Ruby's Hash#inspect
// of a byte array's indices — `keyed-lists.ts`), and byte lists in radixes and separators runs-bytes.ts did not read
// (Perl's %vd/%vx/%vo dotted strings, Go's %b/%o/%v of a []byte and of a []rune, Tcl's signed `binary scan c*`, Python's
// 8-bit binary groups and hex('-', 4)), lists of quoted numbers (Python's [hex(b)], JSON of hex strings, Ruby's and Node's
// prints of them), unpadded binary between blanks, PHP's json_encode of unpack('C*') (indices from 1). Property: each is found under its list (`!(keyed list at N)`, `!(byte list …)`),
// however the text is cut into chunks the same bytes come back, and the clean twin (another value of the same length) gives
// nothing. Nearest real-world variant: a PHP or Python debugging print of a key's bytes left in a log (round 16's known gap
// was print_r of unpack('C*'); all of these were silent through the bundle of 66e13b4). Text that only looks like such
// lists — PHP arrays of other values, indices not in order, OIDs, version strings — gives none.
import { describe, expect, it } from 'vitest';
import { ByteLists } from './runs-bytes.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

const OTHER = 'x'.repeat(SECRET.length);
const paths = (findings: Awaited<ReturnType<typeof auditFiles>>) => findings.map((f) => `${f.severity} ${f.path}`);

async function listsOf(text: Buffer, size: number): Promise<Array<{ alphabet: string; bytes: Buffer }>> {
  const out: Array<{ alphabet: string; parts: Buffer[] }> = [];
  const lists = new ByteLists((_at, alphabet) => {
    const run = { alphabet, parts: [] as Buffer[] };
    out.push(run);
    return { write: (b) => void run.parts.push(Buffer.from(b)), end: () => undefined };
  });
  for (let i = 0; i < text.length; i += size) await lists.push(text.subarray(i, i + size));
  await lists.end();
  return out.map((r) => ({ alphabet: r.alphabet, bytes: Buffer.concat(r.parts) }));
}

/** A program reading the value from the file `v` (bytes), printing it in one notation: [name, command, args, label]. */
const cases: Array<[string, string, string[], string]> = [
  ["PHP print_r(unpack('C*'))", 'php', ['-r', 'echo "key bytes: "; print_r(unpack("C*", file_get_contents("v")));'], 'keyed list'],
  ["PHP var_dump(unpack('C*'))", 'php', ['-r', 'var_dump(unpack("C*", file_get_contents("v")));'], 'keyed list'],
  ["PHP var_export(unpack('C*'))", 'php', ['-r', 'var_export(unpack("C*", file_get_contents("v")));'], 'keyed list'],
  ['PHP print_r(str_split($s))', 'php', ['-r', 'print_r(str_split(file_get_contents("v")));'], 'keyed list'],
  ['PHP var_dump(str_split($s))', 'php', ['-r', 'var_dump(str_split(file_get_contents("v")));'], 'keyed list'],
  ['PHP var_export(str_split($s))', 'php', ['-r', 'var_export(str_split(file_get_contents("v")));'], 'keyed list'],
  ['Python dict(enumerate(bytes))', 'python3', ['-c', 'print("key:", dict(enumerate(open("v", "rb").read())))'], 'keyed list'],
  ['Python dict(enumerate(str))', 'python3', ['-c', 'print("key:", dict(enumerate(open("v", encoding="utf-8").read())))'], 'keyed list'],
  ['Ruby Hash of byte indices', 'ruby', ['-e', 'b = File.binread("v").bytes; p b.each_index.to_h { |i| [i, b[i]] }'], 'keyed list'],
  ["Perl's %vd", 'perl', ['-e', 'open F, "<:raw", "v"; local $/; $s = <F>; printf("key=%vd\\n", $s)'], 'dotted bytes'],
  ["Perl's %vx", 'perl', ['-e', 'open F, "<:raw", "v"; local $/; $s = <F>; printf("key=%vx\\n", $s)'], 'dotted bytes'],
  ["Perl's %vo", 'perl', ['-e', 'open F, "<:raw", "v"; local $/; $s = <F>; printf("key=%vo\\n", $s)'], 'dotted bytes'],
  ["Perl's %vd of a character string (code points)", 'perl', ['-e', 'open F, "<:utf8", "v"; local $/; $s = <F>; printf("key=%vd\\n", $s)'], 'dotted bytes'],
  ["Tcl's binary scan c* (signed)", 'tclsh', ['s.tcl'], 'byte list'],
  ["Python ' '.join(format(b, '08b'))", 'python3', ['-c', 'print(" ".join(format(b, "08b") for b in open("v", "rb").read()))'], 'byte list'],
  ["Python bytes.hex('-', 4)", 'python3', ['-c', 'print(open("v", "rb").read().hex("-", 4))'], 'grouped hex'],
  ["Python bytes.hex(':', 2)", 'python3', ['-c', 'print(open("v", "rb").read().hex(":", 2))'], 'grouped hex'],
  ['PHP print_r(str_split(bin2hex($s), 2))', 'php', ['-r', 'print_r(str_split(bin2hex(file_get_contents("v")), 2));'], 'keyed list'],
  ["PHP json_encode(unpack('C*')) (indices from 1)", 'php', ['-r', 'echo json_encode(unpack("C*", file_get_contents("v"))), "\\n";'], 'indexed bytes'],
  ['Python [hex(b) …]', 'python3', ['-c', 'print([hex(b) for b in open("v", "rb").read()])'], 'quoted list'],
  ['Python [bin(b) …]', 'python3', ['-c', 'print([bin(b) for b in open("v", "rb").read()])'], 'quoted list'],
  ['JSON of "%02x" strings (Python)', 'python3', ['-c', 'import json; print(json.dumps(["%02x" % b for b in open("v", "rb").read()]))'], 'quoted list'],
  ['Ruby p of "%02x" strings', 'ruby', ['-e', 'p File.binread("v").bytes.map { |b| "%02x" % b }'], 'quoted list'],
  ["Node's inspect of b.toString(16)", 'node', ['-e', 'console.log(Array.from(require("fs").readFileSync("v"), (b) => b.toString(16)))'], 'quoted list'],
  [
    "Python ' '.join(format(b, 'b')) (binary, no padding)",
    'python3',
    ['-c', 'print("bits", " ".join(format(b, "b") for b in open("v", "rb").read()))'],
    'byte list',
  ],
  ['hexdump -e \'1/1 "%03o "\' (octal between blanks)', 'hexdump', ['-v', '-e', '1/1 "%03o "', 'v'], 'byte list'],
];

const TCL = 'set f [open v rb]; set s [read $f]; binary scan $s c* l; puts $l\n';
const run = (command: string, args: string[], v: string) => tool(command, args, { v, 's.tcl': TCL });

describe('round 17: keyed lists and byte lists in more radixes', () => {
  const value = `key-é€-${SECRET}`;
  it.each(cases)('%s: the bytes back in chunks of 1, 7, 64 and whole', async (_name, command, args, label) => {
    if (!has(command)) return;
    const text = Buffer.concat([Buffer.from('log start\n'), run(command, args, value), Buffer.from('log end\n')]);
    for (const size of [1, 7, 64, text.length]) {
      const lists = await listsOf(text, size);
      expect(
        lists.some((l) => l.alphabet === label && l.bytes.toString('utf8').includes(value)),
        `${text.toString('latin1').slice(0, 200)} in chunks of ${size}: ${JSON.stringify(lists.map((l) => [l.alphabet, l.bytes.toString('latin1')]))}`,
      ).toBe(true);
    }
  });

  it.each(cases)('%s: audited, found under its list; the clean twin gives nothing', async (_name, command, args, label) => {
    if (!has(command)) return;
    const path = 'var/log/debug.log';
    const found = paths(await auditFiles({ [path]: run(command, args, SECRET) }));
    expect(
      found.some((f) => f.startsWith(`leak ${path}!(${label} at `)),
      found.join('\n'),
    ).toBe(true);
    expect(await auditFiles({ [path]: run(command, args, OTHER) })).toEqual([]);
  });

  it("Go's %b, %o and %v of a []byte and %v and %x of a []rune", async () => {
    if (!has('go')) return;
    const src = `package main
import ("fmt"; "os")
func main() { b, _ := os.ReadFile("v"); fmt.Printf("bin %b\\noct %o\\nrunes %v\\nhex runes %x\\n", b, b, []rune(string(b)), []rune(string(b))) }
`;
    const out = (v: string) => tool('sh', ['-c', 'GOCACHE="$PWD/.c" GOPATH="$PWD/.p" GOTOOLCHAIN=local GO111MODULE=off go run m.go'], { v, 'm.go': src });
    const text = out(value);
    const lines = text.toString('latin1').split('\n');
    for (const line of lines.slice(0, 4)) {
      const lists = await listsOf(Buffer.from(line, 'latin1'), 5);
      expect(
        lists.some((l) => l.bytes.toString('utf8').includes(value)),
        line,
      ).toBe(true);
    }
    expect(await auditFiles({ 'app/debug.log': out(OTHER) })).toEqual([]);
  }, 60_000);

  it('text that looks like such lists gives none', async () => {
    const texts = [
      // A PHP array of other values, indices in order.
      'Array\n(\n    [0] => apple\n    [1] => banana\n    [2] => cherry\n    [3] => date\n    [4] => elder\n    [5] => fig\n    [6] => grape\n    [7] => honeydew\n)\n',
      // Indices out of order, values bytes of text.
      `{${[...'abcdefghij'].map((c, i) => `${(i * 7) % 10}: ${c.charCodeAt(0)}`).join(', ')}}`,
      // OIDs, versions, addresses.
      'oid 1.3.6.1.4.1.311.21.8.16.1.2.3 and 2.16.840.1.101.3.4.2.1.5.6.7 v1.2.3.4.5.6.7.8 at 10.0.0.1.2.3.4.5\n',
      // A UUID and IPv6 addresses.
      'id 550e8400-e29b-41d4-a716-446655440000 ip 2001:0db8:85a3:0000:0000:8a2e:0370:7334\n',
      // A Perl table of short words by index (ExifTool's NikonSettings.pm) and a Python map of numerals (numpy's f2py):
      // each value more than one character.
      `%tom = (\n${Array.from({ length: 17 }, (_, i) => `    ${i + 1} => '${i * 2 + 1}x${7 - (i % 4) * 2}',`).join('\n')}\n);\n`,
      "nummap = {0: 'Ro', 1: 'Ri', 2: 'Rii', 3: 'Riii', 4: 'Riv',\n 5: 'Rv', 6: 'Rvi', 7: 'Rvii', 8: 'Rviii', 9: 'Rix'}\n",
      // Lower-case pairs between dashes that are labels, and an IPv6 netmask (Latin-1 of no value, not UTF-8).
      '"b1-b2-b3-b4-b5-b6-b7-b8-c1-c2-c3-c4-d1-d2-e" netmask: \'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff\'\n',
      // Quoted labels that are hex pairs (subversion's mergegraph nodes, scipy's colour names): Latin-1, no UTF-8.
      "nodes = [\n    'A1', 'A2', 'A3', 'A4',\n    'B1', 'B2', 'B3', 'B4', 'B5'\n    ]\ncolors = ('C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7', 'C8', 'C9')\n",
      // Ruby hash of small counts.
      '{0=>3, 1=>4, 2=>1, 3=>5, 4=>9, 5=>2, 6=>6, 7=>5, 8=>3}\n',
    ];
    for (const t of texts)
      expect(
        (await listsOf(Buffer.from(t), 9)).map((l) => l.alphabet),
        t,
      ).toEqual([]);
  });
});
