// Round 19's R vector prints, each written by the real Rscript: print(as.hexmode(utf8ToInt(s))) — code points in hex,
// quoted, padded to one width — and print(rawToBits(charToRaw(s))) — each byte's eight bits as raw 00 and 01, the
// lowest first. Property: the value comes back whole as a `vector print`, the text fed in chunks of 1, 7, 64, a random
// size and whole; the clean twin's print does not hold it; prints that only look like them (quoted words, a bit count
// that is no multiple of 8, numbers) give none of it. Nearest real-world variant: an R job's output (.Rout) in a CI
// artifact. Both silent through the bundle of the session's start (/tmp/lead/dist-start).
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { VectorPrints } from './r-vectors.js';
import { has, tool } from './testing.js';

const rand = seededPerTest(1921);
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

async function printsOf(text: Buffer, size: number): Promise<string> {
  const out: Buffer[] = [];
  const r = new VectorPrints(() => ({ write: (b) => void out.push(Buffer.from(b), Buffer.from('\n')), end: () => undefined }));
  for (let i = 0; i < text.length; i += size) await r.push(text.subarray(i, i + size));
  await r.end();
  return Buffer.concat(out).toString('utf8');
}

const READ = 's <- readLines("v", warn = FALSE, encoding = "UTF-8"); ';
const cases: Array<[string, string, boolean]> = [
  ['print(as.hexmode(utf8ToInt(s)))', 'print(as.hexmode(utf8ToInt(s)))', true],
  ['print(rawToBits(charToRaw(s)))', 'print(rawToBits(charToRaw(s)))', true],
];

describe(`round 19: R's hexmode and rawToBits prints, by Rscript (seed ${rand.seed})`, () => {
  it.each(cases)('%s: read back whole in every chunking; the clean twin gives none of it', async (_name, expr, wide) => {
    if (!has('Rscript')) return;
    const value = () => `k${rand.chars(LETTERS, 5)}+/=${rand.chars(LETTERS, 3)}&<>%"\\${rand.chars(LETTERS, 4)}${wide ? '€' : 'q'}${rand.chars(LETTERS, 4)}Z`;
    const v = value();
    const run = (x: string) => tool('Rscript', ['-e', READ + expr], { v: x });
    const text = Buffer.concat([Buffer.from('> job started\n'), run(v), Buffer.from('> done\n')]);
    const twin = run(value());
    for (const size of [1, 7, 64, rand.int(2, 300), text.length]) {
      expect((await printsOf(text, size)).includes(v), `${text.toString('latin1').slice(0, 160)} in chunks of ${size}`).toBe(true);
      expect((await printsOf(twin, size)).includes(v), `twin, chunks of ${size}`).toBe(false);
    }
  });

  it('look-alikes give no print: quoted words, bits not a multiple of 8, short prints', async () => {
    const text = [
      ' [1] "alpha" "beta"  "gamma" "delta" "eps"   "zeta"  "eta"   "theta" "iota"',
      ' [1] 01 00 00 01 01 01 00 00 00 01 00 00 00 00 01 00 01',
      ' [1] "4a" "4b"',
      '',
    ].join('\n');
    for (const size of [1, 7, 64, text.length]) expect(await printsOf(Buffer.from(text), size), `chunks of ${size}`).toBe('');
  });
});
