// Property: the needles of every text notation are found where a Buffer.indexOf per needle finds them — each search
// shared by several needles (a rare byte, a pair of common ones) checked at its hits — from any start to any limit,
// at the text's first and last bytes, in text and in random bytes.
import { describe, expect, it } from 'vitest';
import { Triggers } from './text-triggers.js';
import { notations } from './runs.js';
import { seededPerTest } from '../../../test/support/random.js';

const rand = seededPerTest(1);

/** The notations RewrittenText reads, as runs.ts makes them for a text. */
const NOTATIONS = notations();

/** By notation, where a search per needle finds one, from `from` to before `limit`. */
const bySearch = (needles: Buffer[][], b: Buffer, from: number, limit: number) =>
  needles.map((list) => {
    const at = new Set<number>();
    for (const n of list) for (let i = b.indexOf(n, from); i >= 0 && i < limit; i = b.indexOf(n, i + 1)) at.add(i);
    return [...at].sort((x, y) => x - y);
  });

describe('text triggers', () => {
  it(`every notation's needles, planted anywhere in text or random bytes, as a search per needle finds them (seed ${rand.seed})`, () => {
    const needles = NOTATIONS.map((n) => n.needles);
    const all = needles.flat();
    const triggers = new Triggers(needles);
    const differ: string[] = [];
    for (let round = 0; round < 1500; round++) {
      const length = rand.int(1, 64) + (round % 5 === 0 ? 2000 : 0);
      const b = round % 3 === 0 ? rand.bytes(length) : Buffer.from(rand.chars('ab \n\r\t"\'\\{}[]-+~@*0x=M.c', length), 'latin1');
      // Planted at the ends, anywhere, over one another; the read's start and limit at one of them too.
      const planted = [0];
      for (let n = rand.int(0, 6); n > 0; n--) {
        const needle = rand.pick(all);
        const where = rand.pick([0, 1, length - needle.length, length - needle.length + 1, length - 1, rand.int(length)]);
        if (where >= 0 && where < length) planted.push(where);
        if (where >= 0 && where < length) needle.copy(b, where, 0, Math.min(needle.length, length - where));
      }
      const from = rand.pick([0, rand.pick(planted), rand.int(length)]);
      const limit = Math.max(from, rand.pick([length, rand.pick(planted), rand.pick(planted) + 1, rand.int(from, length + 1)]));
      const got = triggers.find(b, from, limit);
      const want = bySearch(needles, b, from, limit);
      if (JSON.stringify(got) !== JSON.stringify(want))
        differ.push(`${b.toString('hex')} [${from}, ${limit}): ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`);
    }
    expect(differ.slice(0, 3)).toEqual([]);
  });
  // Property: a read of 2 KiB or more is searched in one pass (`candidateMask`: the one-byte searches' bytes, and the
  // pairs' first bytes before their second's), every candidate then checked as a hit of each search with its first
  // byte — and it finds what a search per needle finds, needles planted at the read's start and limit and just past
  // it, across the pass's 32-byte words, in text dense with the needles' bytes and in random bytes (Ã, a search of a
  // byte from 0x80 on, is searched natively beside it). Nearest real-world variant: a man page's roff and a C source's
  // quotes and braces, read 64 KiB at a time by RewrittenText.
  it(`long reads, searched in one pass, find what a search per needle finds (seed ${rand.seed})`, () => {
    const needles = NOTATIONS.map((n) => n.needles);
    const all = needles.flat();
    const triggers = new Triggers(needles);
    const differ: string[] = [];
    for (let round = 0; round < 120; round++) {
      const length = rand.int(2048, 70_000);
      const b = round % 4 === 0 ? rand.bytes(length) : Buffer.from(rand.chars('ab \n\r\t"\'\\{}[]-+~@*0x=M.cU(rRwW$Ã', length), 'latin1');
      const from = rand.pick([0, rand.int(0, 40), rand.int(length - 2048)]);
      const limit = rand.pick([length, length - rand.int(0, 8), rand.int(from + 2048, length + 1)]);
      for (let n = rand.int(20, 200); n > 0; n--) {
        const needle = rand.pick(all);
        const where = rand.pick([from, from - 1, from + 31, from + 32, limit - 1, limit, limit + 1, limit + 2, rand.int(length)]);
        if (where >= 0 && where < length) needle.copy(b, where, 0, Math.min(needle.length, length - where));
      }
      const got = triggers.find(b, from, limit);
      const want = bySearch(needles, b, from, limit);
      if (JSON.stringify(got) !== JSON.stringify(want)) differ.push(`round ${round} [${from}, ${limit}) of ${length}`);
    }
    expect(differ.slice(0, 3)).toEqual([]);
  });
  // Property: the pass lets through where a search's bytes are and (nearly) nowhere else — a pair's first byte passes
  // before its own pairs' second bytes, not before every pair's (with one set of first bytes and one of second bytes,
  // `{` of `{}` before the blank of `" `, `"` before the `,` of `',`: each a candidate JavaScript then dropped). On the
  // bench's line of JavaScript and on JSON as JSON.stringify writes it (a `",` ends every line, a `["` opens every list)
  // every candidate is a search's place. Nearest real-world variant: package.json files and a bundle's JavaScript, read
  // by RewrittenText 64 KiB at a time.
  it("the pass gives the searches' places as candidates, not the pairs' first bytes before any second byte", () => {
    const triggers = new Triggers(NOTATIONS.map((n) => n.needles));
    const line = 'const value = require("module"); function handler(event) { return event.body; } // config: enabled=true\n';
    const texts = {
      bench: Buffer.from(line.repeat(40)),
      json: Buffer.from(
        JSON.stringify(
          Array.from({ length: 200 }, (_, i) => ({ name: `n${i}`, tags: ['a', 'b'], on: i % 2 === 0 })),
          null,
          2,
        ),
      ),
    };
    const stray: Record<string, string[]> = {};
    for (const [name, b] of Object.entries(texts)) {
      const places = triggers.passCandidates(b);
      expect(places, 'the pass runs here').toBeDefined();
      stray[name] = [...new Set(places!.filter((p) => !triggers.passHolds(b, p)).map((p) => b.toString('latin1', p, p + 2)))];
    }
    expect(stray).toEqual({ bench: [], json: [] });
  });
});
