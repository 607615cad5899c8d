// Byte lists as the real tools write them — `xxd -i` (a C array of 0x.. bytes), JSON.stringify of a
// Node Buffer, Python's json.dumps(list(bytes)), Java's Arrays.toString (signed) — are found with
// the secret, and clean with another value of its length. The lists are the same however the text
// is cut into chunks. Ordinary text made of numbers and separators (CSV, versions, times, IPv6, a
// MAC address, RGB triples, a list of ports above 255) gives no list and no finding; a format
// library's magic numbers (`[0x89, 0x4c, 0x5a, 0x4f, …]`, short and not text) are not routed.
import { describe, expect, it } from 'vitest';
import { ByteLists } from './runs-bytes.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

const paths = (findings: Awaited<ReturnType<typeof auditFiles>>) => findings.map((f) => `${f.severity} ${f.path}`);
const OTHER = 'x'.repeat(SECRET.length);

async function listsOf(text: string, size: number): Promise<Array<{ at: number; alphabet: string; bytes: Buffer }>> {
  const out: Array<{ at: number; alphabet: string; parts: Buffer[] }> = [];
  const lists = new ByteLists((at, alphabet) => {
    const run = { at, alphabet, parts: [] as Buffer[] };
    out.push(run);
    return { write: (b) => void run.parts.push(Buffer.from(b)), end: () => undefined };
  });
  const bytes = Buffer.from(text, 'latin1');
  for (let i = 0; i < bytes.length; i += size) await lists.push(bytes.subarray(i, i + size));
  await lists.end();
  return out.map((r) => ({ at: r.at, alphabet: r.alphabet, bytes: Buffer.concat(r.parts) }));
}

describe('ByteLists', () => {
  const value = Buffer.from('key-é€-0123456789abcdef');
  const signed = Array.from(value, (b) => (b > 127 ? b - 256 : b));
  const hex = (b: number) => `0x${b.toString(16).padStart(2, '0')}`;
  const forms: Array<[string, string, string]> = [
    ['decimal JSON', `{"type":"Buffer","data":[${[...value].join(',')}]}`, 'byte list'],
    ['signed, spaced', `bytes ${JSON.stringify(signed).replaceAll(',', ', ')} end`, 'byte list'],
    [
      'xxd -i',
      `unsigned char k[] = {\n  ${[...value]
        .map(hex)
        .join(', ')
        .replace(/((?:0x.., ){12})/g, '$1\n  ')}\n};`,
      'byte list',
    ],
    ['0x, spaces only', `db ${[...value].map(hex).join(' ')}\n`, 'byte list'],
    [
      'colon hex, wrapped as OpenSSL does',
      `priv:\n    ${[...value]
        .map((b) => b.toString(16).padStart(2, '0'))
        .join(':')
        .replace(/((?:..:){15})/g, '$1\n    ')}\n`,
      'colon hex',
    ],
    [
      'colon hex by hand, four bytes a line, no colon at a line end',
      `key:\n${[...value]
        .map((b) => b.toString(16).padStart(2, '0'))
        .join(':')
        .replace(/((?:..:){3}..):/g, '$1\n')}\n`,
      'colon hex',
    ],
    [
      'colon hex by hand, indented, CRLF, no colon at a line end',
      `key:\r\n${[...value]
        .map((b) => b.toString(16).padStart(2, '0'))
        .join(':')
        .replace(/((?:..:){6}..):/g, '$1\r\n  ')
        .replace(/^/, '  ')}\r\n`,
      'colon hex',
    ],
    ['spaced hex, as Node prints a Buffer', `<Buffer ${[...value].map((b) => b.toString(16).padStart(2, '0')).join(' ')}>`, 'spaced hex'],
    ['comma hex, as Rust prints a byte slice with {:x?}', `TRACE key bytes: [${[...value].map((b) => b.toString(16)).join(', ')}]`, 'comma hex'],
    ['spaced decimal in brackets, as Go prints a []byte', `level=debug key ${JSON.stringify([...value]).replaceAll(',', ' ')}\n`, 'byte list'],
    // Round 16 (variant16-text.ts: py-print-bytes, perl-unpack-bytes were silent): bare decimal, no brackets.
    ['bare decimal between blanks, as Python print("key bytes:", *b) writes', `key bytes: ${[...value].join(' ')}`, 'byte list'],
    ['bare decimal between tabs, as Perl join("\\t", unpack("C*", $s)) writes', [...value].join('\t'), 'byte list'],
    // Round 16 (variant16-text.ts: xxd-p-c1 was silent): a byte a line.
    ['hex a byte a line, as xxd -p -c1 writes', [...value].map((b) => b.toString(16).padStart(2, '0')).join('\n'), 'spaced hex'],
    ['hex a byte a line, as od -A n -v -t x1 -w1 writes', [...value].map((b) => ` ${b.toString(16).padStart(2, '0')}`).join('\n'), 'spaced hex'],
    ['spaced decimal, padded as numpy prints an array', `[${[...value].map((b) => String(b).padStart(3)).join(' ')}]`, 'byte list'],
    [
      'spaced hex, od -An -tx1 lines',
      [...value]
        .map((b) => b.toString(16).padStart(2, '0'))
        .join(' ')
        .replace(/((?:.. ){7}..) /g, ' $1\n'),
      'spaced hex',
    ],
    // Round 12 (issue 28): numpy wraps a long array at 75 columns; .NET's BitConverter.ToString joins pairs with dashes.
    [
      'spaced decimal, numpy wrapped at 75 columns',
      `[${[...value]
        .map((b) => String(b).padStart(3))
        .join(' ')
        .replace(/((?:.{3} ){17}.{3}) /g, '$1\n ')}]`,
      'byte list',
    ],
    [
      'dashed hex, as BitConverter.ToString writes',
      `Payload: ${[...value].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join('-')}\n`,
      'dashed hex',
    ],
  ];
  it.each(forms)('%s: the bytes, in chunks of 1, 5, 64 and all at once', async (_name, text, alphabet) => {
    for (const size of [1, 5, 64, 1 << 20]) {
      const lists = await listsOf(`${'plain words before it, 1 2 3\n'.repeat(3)}${text}\nafter\n`, size);
      expect(lists.map((l) => [l.alphabet, l.bytes.toString('latin1')])).toEqual([[alphabet, value.toString('latin1')]]);
    }
  });

  it('ordinary text of numbers and separators holds no list', async () => {
    const text = [
      'id,port,count\n1,8080,443\n2,9090,22\n', // CSV with numbers above 255 between short ones
      'version 1.2.3, 4.5.6, 7.8.9, 10.11.12\n', // versions
      'at 12:34:56, 01:02:03\n', // times
      'fe80::1ff:fe23:4567:890a and 2001:db8::ff00:42:8329\n', // IPv6
      'mac 00:1a:2b:3c:4d:5e\n', // 6 bytes: shorter than any value
      '00:1a:2b:3c:4d:5e\n00:1a:2b:3c:4d:5f\n', // MAC addresses a line: 12 bytes, no text, short
      '12:34:56\n01:02:03\n', // times a line
      'rgb(255, 128, 0) rgb(10, 20, 30)\n', // three at a time
      'ports: [8080, 8443, 9000, 9090, 10250, 10255, 30000, 32767]\n', // above 255
      '    '.repeat(40) + 'indented deeply, a face bad cafe\n', // spaces and hex letters
      'we added a bed, a cab, be fed at a cafe, dead bad 12 34 be\n', // hex words and short numbers between blanks
      'sizes 10 20 30 40 50 60 70 80 90\n', // a table of two-digit numbers: its bytes are no text
      'load 12 34 56 78 90 12 34 56 78 90\n', // bare spaced decimal of two digits: no text, and no number of three
      '72\t69\t76\t76\t79\t32\t87\t79\t82\t76\t68\n', // tab-separated text, but no number of three digits (an od -An -tx1 line's look)
      '[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]\n', // a decimal list with no hex letter: not comma hex
    ].join('');
    for (const size of [1, 7, 1 << 20]) expect(await listsOf(text, size)).toEqual([]);
  });
});

describe('character codes beyond a byte (round 12)', () => {
  // JavaScript's String.fromCharCode(…) of UTF-16 units (obfuscators write a string so), Python's list(map(ord, s)):
  // numbers above 255 are characters, read as UTF-8; a surrogate pair is one character.
  const text = 'key-é€😀-0123456789abcdef';
  const units = text.split('').map((c) => c.charCodeAt(0));
  const points = [...text].map((c) => c.codePointAt(0)!);
  it.each([
    ['String.fromCharCode of UTF-16 units', `var k=String.fromCharCode(${units.join(',')});`],
    ['list(map(ord, s)), spaced', `codes = [${points.join(', ')}]\n`],
  ])('%s: the UTF-8 of the text', async (_name, source) => {
    for (const size of [1, 7, 1 << 20]) {
      const lists = await listsOf(source, size);
      expect(lists.filter((l) => l.alphabet === 'char codes').map((l) => l.bytes.toString('utf8'))).toEqual([text]);
    }
  });
  it('a list of numbers beyond a code point, a lone surrogate, or mostly beyond ASCII (ports, sizes) is none', async () => {
    const text =
      'ids = [1114112, 100, 101, 102, 103, 104, 105, 106]\nu = [56832, 97, 98, 99, 100, 101, 102, 103]\nports = [8080, 8443, 9000, 9090, 10250, 80, 443]\n';
    expect((await listsOf(text, 1 << 20)).filter((l) => l.alphabet === 'char codes')).toEqual([]);
  });
  it('found through the audit, the list named; the clean twin gives nothing', async () => {
    const js = (v: string) =>
      `!function(){var k=String.fromCharCode(${`${v}€`
        .split('')
        .map((c) => c.charCodeAt(0))
        .join(',')});}();\n`;
    // Its ASCII head is a byte list of its own too (numbers up to 255): both name the file.
    expect(paths(await auditFiles({ 'app/app.min.js': js(SECRET) }))).toContainEqual(expect.stringMatching(/^leak app\/app\.min\.js!\(char codes at \d+\)$/));
    expect(await auditFiles({ 'app/app.min.js': js(OTHER) })).toEqual([]);
  });
});

describe('colon hex written by hand', () => {
  // `de:ad:be:ef` lines, no colon at their ends (not OpenSSL's layout): the lines are one list, so a value across them is whole.
  const lines = (v: string) =>
    `# key material\n${[...Buffer.from(v)]
      .map((b) => b.toString(16).padStart(2, '0'))
      .join(':')
      .replace(/((?:..:){3}..):/g, '$1\n')}\n# end\n`;
  it('found, the list named; the clean twin gives nothing', async () => {
    expect(paths(await auditFiles({ 'etc/app/key.hex': lines(SECRET) }))).toEqual([expect.stringMatching(/^leak etc\/app\/key\.hex!\(colon hex at \d+\)$/)]);
    expect(await auditFiles({ 'etc/app/key.hex': lines(OTHER) })).toEqual([]);
  });
});

describe('magic numbers in source code', () => {
  it("a short list that is no text (a format library's magic numbers) is not routed: no decoder names it damaged", async () => {
    const source = [
      'export const LZOP = [0x89, 0x4c, 0x5a, 0x4f, 0x00, 0x0d, 0x0a, 0x1a, 0x0a];',
      'export const GZIP = [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03];',
      'export const XZ = [253, 55, 122, 88, 90, 0, 0, 4, 230, 214, 180, 70];',
    ].join('\n');
    expect(await auditFiles({ 'src/magic.ts': source })).toEqual([]);
  });
});

describe('real tools', { timeout: 60_000 }, () => {
  const conf = (v: string) => `api_key=${v}\n`;
  const cases: Array<[string, string, string[], (v: string) => Record<string, string>, string]> = [
    ['xxd -i', 'xxd', ['-i', 'api_key'], (v) => ({ api_key: conf(v) }), 'src/api_key.h'],
    [
      'JSON.stringify of a Buffer',
      'node',
      ['-e', 'process.stdout.write(JSON.stringify({ key: require("fs").readFileSync("api_key") }))'],
      (v) => ({ api_key: conf(v) }),
      'cache/session.json',
    ],
    [
      'json.dumps(list(bytes))',
      'python3',
      ['-c', 'import json; print(json.dumps(list(open("api_key", "rb").read())))'],
      (v) => ({ api_key: conf(v) }),
      'state.json',
    ],
    [
      "Node's console.log of a Buffer",
      'node',
      ['-e', 'console.log("read", require("fs").readFileSync("api_key"))'],
      (v) => ({ api_key: conf(v) }),
      'var/log/app.log',
    ],
    ["Python's bytes.hex(' ')", 'python3', ['-c', 'print("key", open("api_key", "rb").read().hex(" "))'], (v) => ({ api_key: conf(v) }), 'var/log/app.log'],
    [
      "Go's fmt.Println of a []byte",
      'sh',
      ['-c', 'GOPATH="$PWD/gp" GOCACHE="$PWD/gc" GOTOOLCHAIN=local GO111MODULE=off go run m.go'],
      (v) => ({
        api_key: conf(v),
        'm.go': 'package main\nimport ("fmt"; "os")\nfunc main() { b, _ := os.ReadFile("api_key"); fmt.Println("loaded key", b) }\n',
      }),
      'var/log/service.log',
    ],
    [
      "Rust's {:x?} of a byte slice",
      'sh',
      ['-c', 'export RUSTUP_HOME="$(dirname "$(dirname "$(command -v rustc)")")/../.rustup" RUSTUP_TOOLCHAIN=stable; rustc m.rs -o m && ./m'],
      (v) => ({ api_key: conf(v), 'm.rs': 'fn main() { println!("TRACE key {:x?}", &std::fs::read("api_key").unwrap()[..]); }\n' }),
      'var/log/trace.log',
    ],
  ];
  it.each(cases)('%s: found (the list named), clean with another value', async (_name, command, args, files, path) => {
    if (!has(command) || (_name.startsWith('Go') && !has('go')) || (_name.startsWith('Rust') && !has('rustc'))) return;
    const leaky = tool(command, args, files(SECRET));
    expect(paths(await auditFiles({ [path]: leaky }))).toEqual([
      expect.stringMatching(new RegExp(`^leak ${path.replace('.', '\\.')}!\\((byte list|spaced hex|comma hex) at \\d+\\)$`)),
    ]);
    expect(await auditFiles({ [path]: tool(command, args, files(OTHER)) })).toEqual([]);
  });

  it.skipIf(!has('java'))("Java's Arrays.toString (signed bytes) in a log line", async () => {
    const src = `public class P { public static void main(String[] a) throws Exception {
  System.out.println("DEBUG key " + java.util.Arrays.toString(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("api_key")))); } }`;
    const log = (v: string) => tool('java', ['P.java'], { 'P.java': src, api_key: `${v}é` });
    expect(paths(await auditFiles({ 'var/log/app.log': log(SECRET) }))).toEqual([expect.stringMatching(/^leak var\/log\/app\.log!\(byte list at \d+\)$/)]);
    expect(await auditFiles({ 'var/log/app.log': log(OTHER) })).toEqual([]);
  });
});

describe('JSON of a typed array (round 12)', () => {
  // JSON.stringify of a Uint8Array writes each byte after its index in quotes: a request body logged so. The real node
  // writes it; the list is read whole however the text is cut, and found through the audit; the clean twin is not.
  const log = (v: string) =>
    tool(
      'node',
      [
        '-e',
        'const s = require("fs").readFileSync("v", "utf8"); console.log(JSON.stringify({ url: "/login", body: new TextEncoder().encode("password=" + s) }))',
      ],
      { v },
    ).toString('latin1');
  it('the bytes, in chunks of 1, 5, 64 and all at once', async () => {
    const v = 'key-é€-0123456789abcdef';
    const text = `before\n${log(v)}after\n`;
    expect(text).toContain('{"0":112,"1":97,');
    for (const size of [1, 5, 64, 1 << 20]) {
      const lists = await listsOf(text, size);
      expect(lists.filter((l) => l.alphabet === 'indexed bytes').map((l) => Buffer.from(l.bytes.toString('latin1'), 'latin1').toString('utf8'))).toEqual([
        `password=${v}`,
      ]);
    }
  });
  it('found through the audit, the list named; the clean twin gives nothing; indices out of order or strings are none', async () => {
    expect(paths(await auditFiles({ 'var/log/req.json': log(SECRET) }))).toEqual([
      expect.stringMatching(/^leak var\/log\/req\.json!\(indexed bytes at \d+\)$/),
    ]);
    expect(await auditFiles({ 'var/log/req.json': log(OTHER) })).toEqual([]);
    const none = '{"0":97,"2":98,"1":99,"3":100,"4":101,"5":102,"6":103,"7":104,"8":105}\n{"0":"a","1":"b","2":"c","3":"d","4":"e","5":"f","6":"g","7":"h"}\n';
    expect((await listsOf(none, 1 << 20)).filter((l) => l.alphabet === 'indexed bytes')).toEqual([]);
  });
});

describe('grouped hex and OpenSSL dump lines (round 13)', () => {
  // Python's bytes.hex(' ', 2) writes a value's hex in groups of two bytes (counted from the right: the first group may
  // be shorter); OpenSSL's BIO_dump (asn1parse -dump, cms -print, s_client -msg) writes 16 bytes a line after an offset
  // and ` - `, a dash after the 8th byte, a text column beside. Neither was read: no two-digit pairs between blanks, and
  // the dump's lines were read a half-line at a time.
  const value = Buffer.from('key-é€-0123456789abcdef');
  const grouped = (b: Buffer, n: number) => {
    const hex = b.toString('hex');
    const out: string[] = [];
    for (let end = hex.length; end > 0; end -= 2 * n) out.unshift(hex.slice(Math.max(0, end - 2 * n), end));
    return out.join(' ');
  };
  const bioDump = (b: Buffer) => {
    const lines: string[] = [];
    for (let at = 0; at < b.length; at += 16) {
      const row = [...b.subarray(at, at + 16)].map((x) => x.toString(16).padStart(2, '0'));
      const hex = row.slice(0, 8).join(' ') + (row.length > 8 ? `-${row.slice(8).join(' ')}` : '');
      lines.push(`      ${at.toString(16).padStart(4, '0')} - ${hex.padEnd(47)}   ${shown(b.subarray(at, at + 16))}`);
    }
    return lines.join('\n');
  };
  const shown = (b: Buffer) => [...b].map((c) => (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.')).join('');

  it.each([
    ["bytes.hex(' ', 2): groups from the right", `frame: ${grouped(value, 2)}\n`, 'grouped hex'],
    ["bytes.hex(' ', 4)", `frame: ${grouped(value, 4)}\n`, 'grouped hex'],
    ['BIO_dump lines', `    5:d=1  hl=2 l=  27 prim: OCTET STRING\n${bioDump(value)}\n`, 'openssl dump'],
  ])('%s: the bytes, in chunks of 1, 5, 64 and all at once', async (_name, text, alphabet) => {
    for (const size of [1, 5, 64, 1 << 20]) {
      const lists = await listsOf(text, size);
      expect(lists.filter((l) => l.alphabet === alphabet).map((l) => l.bytes.toString('latin1'))).toEqual([value.toString('latin1')]);
    }
  });

  it("an xxd line's groups, od -x's words, hashes and fingerprints in groups, dump lines that do not follow on: no whole value", async () => {
    const text = [
      '00000000: 6b65 792d c3a9 e282 ac2d 3031 3233 3435  key-.....-012345\n', // xxd: the dump reader's
      '0000000 656b 2d79 a9c3 82e2 2dac 3130 3332 3534\n', // od -x: a 7-digit offset
      'sha256 e3b0c442 98fc1c14 9afbf4c8 996fb924 27ae41e4 649b934c a495991b 7852b855\n', // no text
      'fpr ABCD 1234 5678 9ABC DEF0 1234 5678 9ABC DEF0 1234\n', // no text
      'sizes 1000 2000 3000 4000 5000 6000 7000 8000\n', // no text
    ].join('');
    for (const size of [1, 7, 1 << 20]) expect((await listsOf(text, size)).filter((l) => l.alphabet === 'grouped hex')).toEqual([]);
    // Two lines whose offsets do not follow on (0000, then 0040): two dumps, neither the whole value.
    const [first, second] = bioDump(value).split('\n');
    const apart = `${first}\n text between\n${second!.replace('0010 - ', '0040 - ')}\n`;
    expect((await listsOf(apart, 1 << 20)).filter((l) => l.alphabet === 'openssl dump').map((l) => l.bytes.length)).toEqual([16, value.length - 16]);
  });

  it.skipIf(!has('python3'))("Python's bytes.hex(' ', 2) through the audit: found, the list named; clean with another value", async () => {
    const run = (v: string) => tool('python3', ['-c', 'print("login frame:", open("k", "rb").read().hex(" ", 2))'], { k: `PASS ${v}` });
    expect(paths(await auditFiles({ 'var/log/trace.txt': run(SECRET) }))).toEqual([
      expect.stringMatching(/^leak var\/log\/trace\.txt!\(grouped hex at \d+\)$/),
    ]);
    expect(await auditFiles({ 'var/log/trace.txt': run(OTHER) })).toEqual([]);
  });

  it.skipIf(!has('openssl'))('openssl asn1parse -dump of an OCTET STRING through the audit: found, the dump named; clean with another value', async () => {
    // A printable OCTET STRING is printed as text: é makes it dumped.
    const run = (v: string) => {
      const der = tool('sh', ['-c', 'openssl asn1parse -genconf c -out d >/dev/null && cat d'], {
        c: `asn1=SEQUENCE:s\n[s]\nv=INTEGER:1\nk=FORMAT:HEX,OCTETSTRING:${Buffer.from(`pw=é${v}`).toString('hex')}\n`,
      });
      return tool('openssl', ['asn1parse', '-inform', 'DER', '-in', 'd', '-dump'], { d: der });
    };
    expect(run(SECRET).toString()).toContain('0010 - ');
    expect(paths(await auditFiles({ 'support/asn1.txt': run(SECRET) }))).toEqual([expect.stringMatching(/^leak support\/asn1\.txt!\(openssl dump at \d+\)$/)]);
    expect(await auditFiles({ 'support/asn1.txt': run(OTHER) })).toEqual([]);
  });
});

describe("gdb's x/Nxb lines (round 14)", () => {
  // gdb's `x/64xb buf` writes eight bytes a line, tab-separated, after the line's address and, for a symbol, `<buf+8>:`.
  // Each line was read alone (eight bytes: a value across lines was never whole); the lines whose addresses follow on
  // are one dump now. Real-world: a debugging session's log of a service that had just read its credentials
  // (variant14-text.ts: gdb-x-bytes).
  // x/32xb of a buffer holding the value: what follows it in memory fills the last line. A last line of one or two bytes
  // (`:⇥0x65⇥0x66`, shorter than a stretch the reader looks at) is not read: gdb's x shows what follows a value.
  const value = Buffer.from('key-é€-0123456789abcdef\nDEBUG');
  const gdbLines = (b: Buffer, base: bigint, symbol?: string) => {
    const lines: string[] = [];
    for (let at = 0; at < b.length; at += 8) {
      const sym = symbol === undefined ? '' : ` <${symbol}${at ? `+${at}` : ''}>`;
      const row = [...b.subarray(at, at + 8)].map((x) => `0x${x.toString(16).padStart(2, '0')}`).join('\t');
      lines.push(`0x${(base + BigInt(at)).toString(16)}${sym}:\t${row}`);
    }
    return lines.join('\n');
  };

  it.each([
    ['with a symbol (a static buffer)', `(gdb) x/32xb buf\n${gdbLines(value, 0x555555558060n, 'buf')}\n(gdb) quit\n`],
    ['without one (a heap buffer)', `(gdb) x/32xb p\n${gdbLines(value, 0x5555555592a0n)}\n(gdb) quit\n`],
  ])('%s: the bytes, in chunks of 1, 5, 64 and all at once', async (_name, text) => {
    for (const size of [1, 5, 64, 1 << 20]) {
      const lists = await listsOf(text, size);
      expect(lists.filter((l) => l.alphabet === 'gdb dump').map((l) => l.bytes.toString('latin1'))).toEqual([value.toString('latin1')]);
    }
  });

  it('lines whose addresses do not follow on are two dumps, neither the whole value', async () => {
    // The third line's address (and the fourth's) moved on: a symbol's dump and one without, each cut there.
    for (const symbol of ['key', undefined]) {
      const lines = gdbLines(value, 0x7ffe0000n, symbol).split('\n');
      const apart = [...lines.slice(0, 2), ...lines.slice(2).map((l) => l.replace(/^0x7ffe00/, '0x7fff00'))].join('\n');
      expect((await listsOf(`${apart}\n`, 1 << 20)).filter((l) => l.alphabet === 'gdb dump').map((l) => l.bytes.length)).toEqual([16, 16]);
    }
  });

  it.skipIf(!has('gdb') || !has('gcc'))('a real gdb -batch x/64xb through the audit: found, the dump named; clean with another value', async () => {
    const run = (v: string) =>
      tool('sh', ['-c', "gcc -g -O0 -o m m.c && gdb -q -nx -batch -ex 'break loaded' -ex run -ex 'x/64xb buf' -ex 'x/64xb p' ./m 2>&1"], {
        k: `pw=é${v}`,
        'm.c':
          '#include <stdio.h>\n#include <stdlib.h>\nchar buf[128]; char *p;\nvoid loaded(void) {}\nint main(void) { FILE *f = fopen("k", "r"); p = calloc(1, 128); fread(buf, 1, 127, f); rewind(f); fread(p, 1, 127, f); fclose(f); loaded(); return 0; }\n',
      });
    const text = run(SECRET);
    expect(text.toString()).toMatch(/<buf\+8>:\t0x/);
    expect(paths(await auditFiles({ 'support/gdb.log': text }))).toEqual([
      expect.stringMatching(/^leak support\/gdb\.log!\(gdb dump at \d+\)$/),
      expect.stringMatching(/^leak support\/gdb\.log!\(gdb dump at \d+\)$/),
    ]);
    expect(await auditFiles({ 'support/gdb.log': run(OTHER) })).toEqual([]);
  });
});
