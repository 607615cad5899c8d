// Review s61 (H6). Property: a key written as numbers each framed by a cast, a type's suffix or a call (round 22's
// framed-numbers.ts) is found whatever the language's near spelling — negative decimals, no blanks, upper-case hex, a
// list wrapped over lines, one item a line, at offset 0 with no line end, after 70 KB of other text, Kotlin's
// `0x74.toByte()` and C#'s `(byte)0X74` — through the bundle that ships (HOIST_TEST_CLI or dist/). Looks land every 8th
// byte on a digit; a look on the `0` of a `0x`/`0X` lead was taken for no number, so a list whose item length shares
// the stride's factors (Kotlin's 15-byte items at 2a1e4ab; C#'s 12-byte `(byte)0X5A, ` at a11ed3b) had no look that
// read it. Nearest real-world variant: a generated Kotlin/Android or C# source holding a key as a byte array.
// Fix: /work/notes/s61/H6-framed-lead.diff. The two near spellings that stayed missed then (C++'s
// static_cast<uint8_t>(0x74) and Rust's upper-case 0x6Fu8) are read since session 62 (the looks' place turns in each slot).
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLayout, writeLayout, type AuditRun } from '../support/corpus/layout.js';

const S = 'Zq8RkT2mWx5Lp9Vn3Hc7Jd1Fb4Gs6Ya0';
/** Python writing each near spelling to $OUT/<id>/src.txt (the value in $S), printing the ids as JSON. */
const NEAR = String.raw`import json, os
S = os.environ['S']; b = S.encode()
out = os.environ['OUT']; os.makedirs(out, exist_ok=True)
def sb(c): return c - 256 if c > 127 else c
V = {
 'java-neg-dec': 'byte[] k = {' + ', '.join('(byte) %d' % sb(c) for c in b) + '};\n',
 'java-nospace-hex': 'byte[] k={' + ','.join('(byte)0x%02x' % c for c in b) + '};\n',
 'java-wrapped': 'byte[] k = {\n' + '\n'.join('        ' + ', '.join('(byte) 0x%02X' % c for c in b[i:i+8]) + ',' for i in range(0, len(b), 8)) + '\n};\n',
 'c-unsigned-char': 'static const unsigned char k[] = {' + ', '.join('(unsigned char)0x%02x' % c for c in b) + '};\n',
 'c-char-dec': 'char k[] = {' + ', '.join('(char)%d' % c for c in b) + '};\n',
 'c-uint8-U': 'const uint8_t k[] = {' + ', '.join('(uint8_t) %dU' % c for c in b) + '};\n',
 'c-octal-cast': 'char k[] = {' + ', '.join('(char)0%o' % c for c in b) + '};\n',
 'cpp-static-uint8': 'std::array k{' + ', '.join('static_cast<uint8_t>(0x%02x)' % c for c in b) + '};\n',
 'cpp-brace-init': 'std::vector<std::byte> k{' + ', '.join('std::byte{0x%02x}' % c for c in b) + '};\n',
 'rust-u8-dec': 'let k: [u8; %d] = [' % len(b) + ', '.join('%du8' % c for c in b) + '];\n',
 'rust-u8-hex-upper': 'let k = [' + ', '.join('0x%02Xu8' % c for c in b) + '];\n',
 'go-byte-hex': 'var k = []byte{' + ', '.join('byte(0x%02x)' % c for c in b) + '}\n',
 'kotlin-hex-tobyte': 'val k = byteArrayOf(' + ', '.join('0x%02x.toByte()' % c for c in b) + ')\n',
 'swift-uint8-hex': 'let k: [UInt8] = [' + ', '.join('UInt8(0x%02x)' % c for c in b) + ']\n',
 'csharp-byte-upperX': 'var k = new byte[] { ' + ', '.join('(byte)0X%02X' % c for c in b) + ' };\n',
 'at-offset0-noeol': ','.join('(byte)0x%02x' % c for c in b),
 'java-hex-nospace-newline-each': 'byte[] k = {\n' + ',\n'.join('    (byte) 0x%02x' % c for c in b) + '\n};\n',
 'pad-before': ('x' * 70000 + '\n') + 'byte[] k = {' + ', '.join('(byte) 0x%02x' % c for c in b) + '};\n',
 'powershell-char-hex': '$k = "' + ''.join('$([char]0x%02x)' % c for c in b) + '"\n',
 'd-cast-ubyte-hex': 'ubyte[] k = [' + ', '.join('cast(ubyte)0x%02x' % c for c in b) + '];\n',
}
for k, v in V.items():
    os.makedirs(f'{out}/{k}', exist_ok=True)
    open(f'{out}/{k}/src.txt', 'w').write(v)
print(json.dumps(list(V)))
`;
let work = '';
let ids: string[] = [];
let run: AuditRun;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'review-s61-framed-'));
  const out = execFileSync('python3', ['-c', NEAR], {
    env: { ...process.env, S, OUT: join(work, 'root/srv') },
  });
  ids = JSON.parse(out.toString()) as string[];
  await writeLayout(join(work, 'layout'), [{ dir: join(work, 'root'), gzip: false }]);
  run = await auditLayout(work, 'layout', [S], 120_000);
}, 180_000);
afterAll(() => rm(work, { recursive: true, force: true }));

const found = (id: string) => run.findings.some((f) => f.severity === 'leak' && f.where.includes(`/srv/${id}/`));

describe('review s61: framed numbers, near spellings', () => {
  it('each near spelling found with its path; the audit exits 1 and names no limit', () => {
    const missed = ids.filter((id) => !found(id));
    expect({ code: run.code, missed, limits: run.findings.filter((f) => f.severity === 'limit') }).toEqual({ code: 1, missed: [], limits: [] });
    expect(ids.length).toBe(20);
  });

  it('the value is never printed', () => {
    expect(run.stderr.includes(S)).toBe(false);
  });
});
