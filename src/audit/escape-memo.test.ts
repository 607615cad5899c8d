import { afterEach, describe, expect, it } from 'vitest';
import { seeded, testSeed } from '../../test/support/random.js';
import { compile } from './audit.js';
import { EscapeScan, remembered, type EscapedMatch } from './escapes.js';

// The places a trial found over within two bytes are remembered per automaton (`TriedPlaces` in
// escapes.ts) and said again from there: the same texts scanned with the memo and without it, and
// again with the memo warm from the texts before, must find the same, escapes and all.
const VALUE = 'Kp7+vQ/9zW=xR2sT';

/** Pieces texts are made of: the value's parts, as they are and escaped, quotes and escape lead bytes before all kinds of bytes. */
const PIECES = [
  ...[2, 5, 9, 13].flatMap((k) => [VALUE.slice(0, k), VALUE.slice(k)]),
  VALUE,
  `Kp7"+vQ"/9zW=xR2sT`,
  `'Kp7'+vQ/9zW=xR2sT`,
  'Kp7%2BvQ/9zW%3DxR2sT',
  'Kp7\\u002BvQ\\/9zW=xR2sT',
  'Kp7&#43;vQ/9zW&#61;xR2sT',
  'Kp7=2BvQ/9zW=3DxR2sT',
  'Kp7\\"+vQ/9zW=xR2sT',
  // A quote before the value's last character: over within two bytes, told apart only by the state (a match, or nothing).
  'Kp7+vQ/9zW=xR2s"T',
  "Kp7+vQ/9zW=xR2s'T",
  'K"T',
  "K'T",
  '"T',
  '"',
  "'",
  '\\',
  '%',
  '&',
  '=',
  '$',
  '`',
  '^',
  '""',
  "''",
  '$$',
  '%%',
  '\\\\',
  '"+',
  '")',
  '=t',
  "'K",
  '"K',
  '\n',
  ' ',
  'e',
  'x',
  '7',
];

type Compiled = ReturnType<typeof compile>;

function matches({ automaton, families, span }: Compiled, text: Buffer): string[] {
  const found: string[] = [];
  const scan = new EscapeScan(automaton, families, span, (m: EscapedMatch<{ kind: string }>) => {
    if (m.tag.kind === 'secret') found.push(`${m.end} ${m.escapes ?? ''}`);
  });
  scan.write(text);
  return found;
}

afterEach(() => {
  remembered.on = true;
});

describe('places tried out and remembered', () => {
  const seed = testSeed(28);
  it(`find what the trials find (seed ${seed})`, () => {
    const random = seeded(seed);
    const warm = compile([{ name: 'secret', value: VALUE }]);
    let found = 0;
    for (let n = 0; n < 400; n++) {
      const text = Buffer.from(Array.from({ length: random.int(4, 40) }, () => random.pick(PIECES)).join(''));
      const withMemo = matches(warm, text);
      remembered.on = false;
      const without = matches(compile([{ name: 'secret', value: VALUE }]), text);
      remembered.on = true;
      expect(withMemo, `${JSON.stringify(text.toString())} (seed ${seed}, text ${n})`).toEqual(without);
      expect(matches(compile([{ name: 'secret', value: VALUE }]), text)).toEqual(without);
      found += without.length;
    }
    // The texts hold the value in its spellings: a memo that said a place was over where it was not loses some.
    expect(found).toBeGreaterThan(400);
  });
});
