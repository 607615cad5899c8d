// Property: a protocol-0 pickle (Python's own pickle.dumps(x, 0), Python 2's default) has its strings
// decoded — raw-unicode-escape's Latin-1 bytes beside \u escapes, a Python 2 str's repr — so a value
// with characters beyond ASCII is found, and its clean twin passes; what is no pickle (text, other
// pickle protocols, random bytes) is not claimed.
// Nearest real-world variants: a Python 2-era cache or session file, a readable pickle written with
// protocol 0 by a config tool.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parsePickle0, sniffPickle0 } from './pickle0.js';
import { auditFiles, SECRET } from './testing.js';
import { seededPerTest } from '../../../test/support/random.js';

/** Generated inputs, from this seed before each test (HOIST_TEST_SEED replaces it); the tests that draw name it. */
const rand = seededPerTest(1);

const PYTHON = '/usr/bin/python3';
const VALUE = `${SECRET}é€😀\\ß"`;
const dumps = (expr: string, protocol = 0) =>
  execFileSync(PYTHON, ['-c', `import pickle, sys; s = sys.stdin.read(); sys.stdout.buffer.write(pickle.dumps(${expr}, protocol=${protocol}))`], {
    input: VALUE,
  });
const strings = (b: Buffer) => {
  const out: string[] = [];
  parsePickle0(b, (s) => out.push(s.toString()));
  return out;
};

describe('pickle protocol 0', () => {
  it('every string Python wrote reads back as it was: a dict, a list, a tuple, an object through copy_reg, bytes', () => {
    expect(strings(dumps("{'password': s, 'user': 'app'}"))).toEqual(['password', VALUE, 'user', 'app']);
    expect(strings(dumps("[s, 'x\\n\\\\y']"))).toEqual([VALUE, 'x\n\\y']);
    expect(strings(dumps('(1, s, 2.5, None, True)'))).toContain(VALUE);
    expect(strings(dumps("s.encode('utf-8')")).join('')).toContain(Buffer.from(VALUE, 'utf-8').toString('latin1'));
    for (const e of ["{'password': s}", '[s]', "{'a': [1, (s,)]}"]) expect(sniffPickle0(dumps(e)), e).toBe(true);
  });

  it("a Python 2 str (STRING, its repr: \\x, \\n, \\', octal), as Python 2's pickle wrote it (no Python 2 here: its bytes by hand)", () => {
    const py2 = Buffer.from("(dp1\nS'password'\np2\nS'caf\\xc3\\xa9\\n\\'\\101'\np3\ns.");
    expect(sniffPickle0(py2)).toBe(true);
    expect(strings(py2)).toEqual(['password', "café\n'A"]);
  });

  it('through the audit: found at cache.pkl!(strings); the file does not hold the value; the clean twin passes', async () => {
    const file = dumps("{'password': s}");
    expect(file.includes(VALUE)).toBe(false);
    const findings = await auditFiles({ 'srv/app/cache.pkl': file });
    expect(findings).toEqual([{ severity: 'leak', what: 'token', path: 'srv/app/cache.pkl!(strings)' }]);
    const clean = execFileSync(PYTHON, ['-c', "import pickle, sys; sys.stdout.buffer.write(pickle.dumps({'password': 'clean-valué-€-nothing'}, protocol=0))"]);
    expect(await auditFiles({ 'srv/app/cache.pkl': clean })).toEqual([]);
  });

  it(`not claimed: protocols 1-5 (strings in UTF-8 already), text, source code, random bytes (seed ${rand.seed})`, () => {
    for (const p of [1, 2, 5]) expect(sniffPickle0(dumps("{'password': s}", p)), `protocol ${p}`).toBe(false);
    for (const text of [
      '(this is a remark)\nand more text\n',
      'cat /etc/passwd\nls -la\n',
      'Some text\nSecond line\n',
      'c = 1\nprint(c)\n',
      'VERSION=1\np=2\n',
    ])
      expect(sniffPickle0(Buffer.from(text)), text).toBe(false);
    const claimed: string[] = []; // each head claimed, to replay: case number and its first bytes
    for (let i = 0; i < 20_000; i++) {
      const head = rand.bytes(512);
      if (sniffPickle0(head)) claimed.push(`case ${i}: ${head.subarray(0, 64).toString('hex')}…`);
    }
    expect(claimed, `seed ${rand.seed}`).toEqual([]);
  });
});
