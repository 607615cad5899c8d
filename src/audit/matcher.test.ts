import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Automaton } from './matcher.js';

/** The text cut at the points given (those inside it), in order. */
const cut = (text: string, cuts: number[]) => {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < text.length))].sort((x, y) => x - y);
  return [0, ...points].map((p, i) => text.slice(p, points[i] ?? text.length));
};

/** The length of the longest end of `text` that begins a pattern: how far back a match to come may begin. */
const begun = (patterns: string[], text: string) => {
  for (let n = Math.min(text.length, Math.max(...patterns.map((p) => p.length))); n > 0; n--) if (patterns.some((p) => p.startsWith(text.slice(-n)))) return n;
  return 0;
};

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

  // The nearest real-world variant: secrets in their encoded forms (none shorter than 8 bytes) in
  // text whose pairs of bytes mostly begin none, so most bytes are skipped a pair at a time.
  it('finds every occurrence however the stream is cut when the root skips pairs of bytes (no pattern shorter than 2)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 5 }),
        fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd', 'x'), maxLength: 80 }),
        fc.array(fc.nat(80)),
        (patterns, text, cuts) => {
          const unique = [...new Set(patterns)];
          const expected: Array<[string, number]> = [];
          for (let end = 1; end <= text.length; end++) for (const p of unique) if (text.slice(0, end).endsWith(p)) expected.push([p, end]);
          const sort = (xs: Array<[string, number]>) => xs.sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0]));
          expect(sort(find(unique, cut(text, cuts)))).toEqual(sort(expected));
        },
      ),
      { numRuns: 300 },
    );
  });

  // A scanner told of no stop (the plain scans') skips stop bytes like any other: the same matches.
  it('finds every occurrence with stops set and no scanner told of them, however the stream is cut', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'b', '%', 'q'), minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 4 }),
        fc.string({ unit: fc.constantFrom('a', 'b', '%', 'q', 'x'), maxLength: 80 }),
        fc.array(fc.nat(80)),
        (patterns, text, cuts) => {
          const unique = [...new Set(patterns)];
          const stops = new Uint8Array(256);
          stops[0x25] = 3;
          stops[0x71] = 1;
          const expected: Array<[string, number]> = [];
          for (let end = 1; end <= text.length; end++) for (const p of unique) if (text.slice(0, end).endsWith(p)) expected.push([p, end]);
          const found: Array<[string, number]> = [];
          const scanner = new Automaton(
            unique.map((p) => ({ bytes: Buffer.from(p), tag: p })),
            stops,
          ).scanner((m) => found.push([m.tag, m.end]));
          for (const c of cut(text, cuts)) scanner.write(Buffer.from(c));
          const sort = (xs: Array<[string, number]>) => xs.sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0]));
          expect(sort(found)).toEqual(sort(expected));
        },
      ),
      { numRuns: 300 },
    );
  });

  // Stops are where the escape scan begins a reading (`\`, `%`, a quote once a pattern has begun): each
  // must be told, with the state then (a skipped pair must not hide a pattern begun before a stop).
  it('tells each stop byte with the state it is read in, as a naive walk has it, filtered by the next byte', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'c', '%', 'q'), minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 4 }),
        fc.string({ unit: fc.constantFrom('a', 'b', 'c', '%', 'q', 'x', '&'), maxLength: 80 }),
        fc.array(fc.nat(80)),
        fc.array(fc.tuple(fc.constantFrom(...'abc%qx&'), fc.constantFrom(...'abc%qx&'), fc.integer({ min: 0, max: 3 })), { maxLength: 12 }),
        (patterns, text, cuts, pairs) => {
          const unique = [...new Set(patterns)];
          // `%` and `&` stopped at everywhere, `q` only where a pattern has begun (as a quote is).
          const stops = new Uint8Array(256);
          stops[0x25] = stops[0x26] = 3;
          stops[0x71] = 1;
          const worth = new Uint8Array(65536).fill(3);
          for (const [b, n, w] of pairs) worth[(b.charCodeAt(0) << 8) | n.charCodeAt(0)] = w;
          const automaton = new Automaton(
            unique.map((p) => ({ bytes: Buffer.from(p), tag: p })),
            stops,
          );
          const told: Array<[number, number]> = [];
          let base = 0;
          let chunkBase = 0;
          const scanner = automaton.scanner(
            () => undefined,
            (i, state) => told.push([chunkBase + i, automaton.depth(state)]),
            worth,
          );
          const chunks = cut(text, cuts);
          const expected: Array<[number, number]> = [];
          for (const chunk of chunks) {
            for (let i = 0; i < chunk.length; i++) {
              const b = chunk.charCodeAt(i);
              const depth = begun(unique, text.slice(0, base + i));
              const stop = stops[b]! === 3 || (stops[b] === 1 && depth > 0);
              const next = i + 1 < chunk.length ? chunk.charCodeAt(i + 1) : -1;
              if (stop && (next < 0 || (worth[(b << 8) | next]! & (depth ? 2 : 1)) !== 0)) expected.push([base + i, depth]);
            }
            chunkBase = base;
            scanner.write(Buffer.from(chunk));
            base += chunk.length;
          }
          expect(told).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
