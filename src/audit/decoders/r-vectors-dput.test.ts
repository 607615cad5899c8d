// Round 20's constructors of one-character strings and of R's integers, each printed by the real tool: R's
// dput(strsplit(s, "")) (`list(c("t", "o", …))`, wrapped at 70 columns onto lines of no indentation) and
// dput(utf8ToInt(s)) (`c(116L, 8364L, …)`: code points), Python's json.dumps(list(s), indent=2) and Node's
// JSON.stringify([...s], null, 2) (a quoted character a line, \" and \\ and \u escapes), and Go's %#v of a []string as
// fmt prints it (`[]string{"t", "\"", …}`, made by Python here: go is slow to start in a unit test; the integration
// round runs the real go). Property: the value comes back whole as a `vector print`, the text fed in chunks of 1, 7,
// 64, a random size and whole; the clean twin's print does not hold it; lists that only look like them (words,
// calls, short lists, integers without L) give nothing. Nearest real-world variant: a job's log or state file holding
// a key split into characters. All silent through the bundle of the session's start (/tmp/lead/dist-start).
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { VectorPrints } from './r-vectors.js';
import { tool } from './testing.js';

const rand = seededPerTest(2020);
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

async function printsOf(text: Buffer, size: number): Promise<string> {
  const out: Buffer[] = [];
  const r = new VectorPrints(() => ({ write: (b) => void out.push(Buffer.from(b), Buffer.from('\n')), end: () => undefined }));
  for (let i = 0; i < text.length; i += size) await r.push(text.subarray(i, i + size));
  await r.end();
  return Buffer.concat(out).toString('utf8');
}

const R = (expr: string) => (v: string) => tool('Rscript', ['-e', `s <- readLines("v", warn = FALSE, encoding = "UTF-8"); ${expr}`], { v });
const PY = (body: string) => (v: string) => tool('python3', ['-c', `import json\ns = open('v', encoding='utf-8').read()\n${body}`], { v });
const NODE = (body: string) => (v: string) => tool('node', ['-e', `const s = require('fs').readFileSync('v', 'utf8'); ${body}`], { v });

const cases: Array<[string, (v: string) => Buffer, boolean]> = [
  ['R dput(strsplit(s, ""))', R('dput(strsplit(s, ""))'), false],
  ['R dput(utf8ToInt(s))', R('dput(utf8ToInt(s))'), true],
  ['Python json.dumps(list(s), indent=2)', PY("print(json.dumps({'key': list(s)}, indent=2))"), true],
  ['Node JSON.stringify([...s], null, 2)', NODE('console.log(JSON.stringify({ key: [...s] }, null, 2))'), true],
  ['Go %#v of a []string (as fmt prints it)', PY(`print('parts=[]string{' + ', '.join(json.dumps(c) for c in s) + '}')`), false],
];

describe(`round 20: constructors of characters and of R integers, by the real tools (seed ${rand.seed})`, () => {
  it.each(cases)('%s: read back whole in every chunking; the clean twin gives none of it', async (_name, run, wide) => {
    const value = () => `k${rand.chars(LETTERS, 5)}+/=${rand.chars(LETTERS, 3)}&<>%"\\${rand.chars(LETTERS, 4)}${wide ? '€😀' : 'é'}${rand.chars(LETTERS, 4)}Z`;
    const v = value();
    const text = Buffer.concat([Buffer.from('> job started\nmalloc(16); c(1, 2)\n'), run(v), Buffer.from('> done\n')]);
    const twin = run(value());
    for (const size of [1, 7, 64, rand.int(2, 300), text.length]) {
      expect((await printsOf(text, size)).includes(v), `${text.toString('latin1').slice(0, 160)} in chunks of ${size}`).toBe(true);
      expect((await printsOf(twin, size)).includes(v), `twin, chunks of ${size}`).toBe(false);
    }
  });

  it('look-alikes give nothing: words, calls, short lists, integers without L, markdown', async () => {
    const text = [
      'x <- c("alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta")',
      'y <- c(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)',
      'z <- c("a", "b", "c")',
      'exec(malloc(16)); calloc(4, 8); ["ab", "cd", "ef"]',
      '[',
      '  "alpha",',
      '  "beta"',
      ']',
      '{"k":["x","y"],"l":[1,2,3]}',
      '',
    ].join('\n');
    for (const size of [1, 7, 64, text.length]) expect(await printsOf(Buffer.from(text), size), `chunks of ${size}`).toBe('');
  });
});
