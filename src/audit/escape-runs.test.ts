import { describe, expect, it } from 'vitest';
import { compile } from './audit.js';
import { EscapeScan, type EscapedMatch } from './escapes.js';

const VALUE = 'Kp7+vQ/9zW=xR2sT';
const { automaton, families, span } = compile([{ name: 'secret', value: VALUE }]);

/**
 * The escapes of what the scan finds in `text`, and the CPU time it took (ms): CPU, not wall time,
 * since the suite runs beside builds on a shared machine, where a preempted scan's wall time tripled.
 */
function scan(text: string): { found: string[]; ms: number } {
  const found: string[] = [];
  const s = new EscapeScan(automaton, families, span, (m: EscapedMatch<{ kind: string }>) => {
    if (m.tag.kind === 'secret') found.push(m.escapes ?? 'as it is');
  });
  const bytes = Buffer.from(text);
  const start = process.cpuUsage();
  s.write(bytes);
  const used = process.cpuUsage(start);
  return { found, ms: (used.user + used.system) / 1000 };
}

const run = (unit: string, n: number) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

/** Each family's lead bytes alone, doubled, and mixed with what its escapes are made of. */
const UNITS = ['%', '\\', '&', '=', '$', "'", '"', '`', '^', '+', '%%41', '%25', '&amp;', '\\\\u0041', '=41', '$$', '%%%41', '&#', '\\x'];

describe('runs of an escape lead byte', () => {
  // Before: 1 KiB of `%` took 9.3 s and 16 KiB minutes (each `%` began a reading with second rounds
  // of its own, a percent reading never idle in the run kept to its allowance). The 1 KiB time is
  // floored at 0.5 ms: below it the timer and a collection are the noise. Linear is 16×, quadratic 256×.
  it.each(UNITS)(
    '16 KiB of %j scans in time proportional to 1 KiB',
    (unit) => {
      scan(run(unit, 1024)); // optimised before it is timed
      // The best of three of each: a collection or a neighbour's burst lands in one run, not in all.
      const one = Math.min(...[0, 1, 2].map(() => scan(run(unit, 1024)).ms));
      const big = Math.min(...[0, 1, 2].map(() => scan(run(unit, 16 * 1024)).ms));
      expect(big).toBeLessThan(40 * Math.max(one, 0.5));
    },
    60_000,
  );

  const spelled: Array<[string, string]> = [
    ['%', '%4Bp7%2BvQ/9zW=xR2sT'],
    ['\\', '\\u004Bp7+vQ/9zW=xR2sT'],
    ['&', '&#75;p7+vQ/9zW=xR2sT'],
    ['=', '=4Bp7+vQ/9zW=3DxR2sT'],
    ['$', '%4Bp7%2BvQ/9zW=xR2sT'],
    ["'", '%4Bp7%2BvQ/9zW=xR2sT'],
    ['%25', '%4Bp7%2BvQ/9zW=xR2sT'],
    ['&amp;', '&#75;p7+vQ/9zW=xR2sT'],
  ];
  // Both parities of the run: a doubled `%%` or `\\` pairs the run's bytes from its first.
  it.each(spelled.flatMap(([u, v]) => [[u, v, 16 * 1024] as const, [u, v, 16 * 1024 - 1] as const]))(
    'a value escaped after and inside a run of %j is found (%s, %d bytes)',
    (unit, value, n) => {
      const { found } = scan(`${run(unit, n)}${value}${run(unit, n)}`);
      expect(found.filter((e) => e !== 'as it is').length).toBeGreaterThan(0);
    },
    60_000,
  );

  it.each(spelled.map(([u]) => u))(
    'a run of %j with the value nowhere: nothing found',
    (unit) => {
      const { found } = scan(`${run(unit, 16 * 1024)}Kp7+vQ/9zW=xR2s${run(unit, 16 * 1024)}`);
      expect(found).toEqual([]);
    },
    60_000,
  );
});
