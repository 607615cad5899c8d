import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Automaton } from './matcher.js';

const find = (patterns: string[], chunks: string[]) => {
  const found: Array<[string, number]> = [];
  const scanner = new Automaton(patterns.map((p) => ({ bytes: Buffer.from(p), tag: p }))).scanner((m) => found.push([m.tag, m.end]));
  for (const c of chunks) scanner.write(Buffer.from(c));
  return found;
};

describe('Automaton', () => {
  it('finds overlapping and nested patterns, across chunk boundaries', () => {
    expect(find(['he', 'she', 'his', 'hers'], ['us', 'hers'])).toEqual([
      ['she', 4],
      ['he', 4],
      ['hers', 6],
    ]);
    expect(find(['secret-value'], ['xx secr', 'et-va', 'lue yy'])).toEqual([['secret-value', 15]]);
  });

  it('finds every occurrence a naive search finds, however the stream is cut', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'c'), minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 }),
        fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 60 }),
        fc.array(fc.nat(60)),
        (patterns, text, cuts) => {
          const unique = [...new Set(patterns)];
          const points = [...new Set(cuts.filter((c) => c < text.length))].sort((x, y) => x - y);
          const chunks = [0, ...points].map((p, i) => text.slice(p, points[i] ?? text.length));
          const expected: Array<[string, number]> = [];
          for (let end = 1; end <= text.length; end++) for (const p of unique) if (text.slice(0, end).endsWith(p)) expected.push([p, end]);
          const sort = (xs: Array<[string, number]>) => xs.sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0]));
          expect(sort(find(unique, chunks))).toEqual(sort(expected));
        },
      ),
      { numRuns: 300 },
    );
  });
});
