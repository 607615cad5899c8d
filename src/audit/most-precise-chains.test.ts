// Property: a value found at several places keeps at least one finding — a place is dropped only for a finding that is
// itself kept. Nearest real-world variant (round 15's text hunt, H6): psql's `\x` wrapped output of a row whose text
// column holds the value plain and whose bytea column its hex, cut over lines: the table's copy joined the hex (found
// there as `hex`), the wrapped-text reader's copy of that copy found both again, and the text's own place was dropped
// for the copy's hex finding while that finding was dropped for its own copy's: the value had no finding at all.
import { describe, expect, it } from 'vitest';
import { mostPrecise, type Finding } from './audit.js';

const leak = (where: string, what = 'token'): Finding => ({ severity: 'leak', what, fingerprint: 'fp', where });
const kept = (...fs: Finding[]) => mostPrecise(fs).map((f) => f.where);

describe('mostPrecise over chains of copies', () => {
  it('the findings psql’s wrapped record gave (copied from the real audit) keep the copy’s hex finding', () => {
    const f = './srv/pg/out.txt';
    expect(
      kept(
        leak(f),
        leak(`${f}!(wrapped text at 0)`),
        leak(`${f}!(table cells at 0)`),
        leak(`${f}!(table cells at 0)`, 'token, hex'),
        leak(`${f}!(table cells at 0)!(wrapped text at 0)`),
        leak(`${f}!(table cells at 0)!(wrapped text at 0)`, 'token, hex'),
      ),
    ).toEqual([`${f}!(table cells at 0)`]);
  });

  it('never leaves a value without a finding, whatever copies and decodings its places are (seeded shapes)', () => {
    const labels = ['wrapped text', 'table cells', 'joined literals', 'base64', 'hex dump'];
    const whats = ['token', 'token, hex', 'token, JSON \\u-escaped'];
    let state = 1515;
    const next = (n: number) => ((state = (state * 1103515245 + 12345) >>> 0) >>> 8) % n;
    for (let round = 0; round < 2000; round++) {
      const fs: Finding[] = [];
      for (let i = 0, n = 1 + next(6); i < n; i++) {
        let where = 'app.env';
        for (let d = next(4); d > 0; d--) where += `!(${labels[next(labels.length)]} at ${next(3)})`;
        fs.push(leak(where, whats[next(whats.length)]));
      }
      expect(mostPrecise(fs).length, JSON.stringify(fs.map((x) => [x.where, x.what]))).toBeGreaterThan(0);
    }
  });
});
