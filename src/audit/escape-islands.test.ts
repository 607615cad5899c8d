import { afterEach, describe, expect, it } from 'vitest';
import { seeded, testSeed } from '../../test/support/random.js';
import { compile } from './audit.js';
import { islands } from './escape-islands.js';
import { EscapeScan, type EscapedMatch } from './escapes.js';

// Property: an escape whose run of ASCII text and pattern bytes is shorter than half the shortest
// pattern begins no reading (`escape-islands.ts`), and that changes no finding — the same texts,
// written in the same random chunks, give the same matches with the islands looked at and without.
// The texts are the values' spellings (whole, in parts, escaped by one family or two) between
// bytes no escape or pattern holds, as a value sits in a binary file (a .pyc's constants, an
// SQLite page, a core dump): the nearest real-world variant, a JSON-escaped value with a NUL
// right before and after it, is found with nothing to spare.

const SECRETS = [
  { name: 'short', value: 'k7+Q/9=x' }, // MIN_SECRET_LENGTH: its spellings may fill an island of 4
  { name: 'token', value: 'Kp7+vQ/9zW=xR2sT' },
  { name: 'accents', value: 'pässwörd€<&>%"' }, // UTF-8 bytes of its own are island bytes
];

const spell = (v: string): string[] => [
  v,
  encodeURIComponent(v),
  JSON.stringify(v).slice(1, -1).replace(/\+/g, '\\u002B').replace(/=/g, '\\u003d'),
  v.replace(/[+/=&<>"%]/g, (c) => `&#${c.charCodeAt(0)};`),
  v.replace(/[+/=&<>"%]/g, (c) => `&#x${c.charCodeAt(0).toString(16)};`),
  encodeURIComponent(v).replace(/%/g, '&#37;'), // percent-encoded, then XML-escaped
  v.replace(/[+/=&<>"%]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`),
  `"${v.replace(/"/g, '\\"')}"`,
  `'${v.replace(/'/g, `'"'"'`)}'`,
];

const PIECES = SECRETS.flatMap(({ value }) => spell(value).flatMap((s) => [s, s.slice(0, 5), s.slice(5), s.slice(0, s.length >> 1)]));
const LEADS = ['\\', '%', '&', '=', '$', '"', "'", '`', '&#', '\\u', '%2', 'x', ' '];

type Compiled = ReturnType<typeof compile>;

function matches({ automaton, families, span }: Compiled, text: Buffer, cuts: readonly number[]): { found: string[]; work: number } {
  const found: string[] = [];
  const scan = new EscapeScan(automaton, families, span, (m: EscapedMatch<{ kind: string; name?: string }>) => {
    if (m.tag.kind === 'secret') found.push(`${m.tag.name} ${m.end} ${m.escapes ?? ''}`);
  });
  let at = 0;
  for (const cut of [...cuts, text.length]) {
    scan.write(text.subarray(at, cut));
    at = cut;
  }
  return { found, work: scan.work };
}

/** A text: spellings, their parts and escape leads, between runs of binary bytes (no ASCII text, no pattern byte, or any byte). */
function textOf(random: ReturnType<typeof seeded>): Buffer {
  const parts: Buffer[] = [];
  for (let k = random.int(3, 30); k > 0; k--) {
    const roll = random.int(4);
    if (roll === 0) parts.push(Buffer.from(random.pick(PIECES)));
    else if (roll === 1) parts.push(Buffer.from(random.pick(LEADS)));
    else if (roll === 2) parts.push(Buffer.from(Array.from({ length: random.int(1, 4) }, () => random.pick([0x00, 0x01, 0x1f, 0x7f, 0x80, 0xc3, 0xff]))));
    else parts.push(random.bytes(random.int(1, 12)));
  }
  return Buffer.concat(parts);
}

afterEach(() => {
  islands.on = true;
});

describe('escapes on short islands begin no reading', () => {
  const seed = testSeed(41);
  it(`and every finding stays (seed ${seed})`, () => {
    const random = seeded(seed);
    const compiled = compile(SECRETS);
    let found = 0;
    for (let n = 0; n < 600; n++) {
      const text = textOf(random);
      const cuts = Array.from({ length: random.int(3) }, () => random.int(text.length + 1)).sort((a, b) => a - b);
      const on = matches(compiled, text, cuts);
      islands.on = false;
      const off = matches(compiled, text, cuts);
      islands.on = true;
      expect(on.found, `${JSON.stringify(text.toString('latin1'))} cut at ${cuts.join(',')} (seed ${seed}, text ${n})`).toEqual(off.found);
      found += off.found.length;
    }
    // The texts hold the values in their spellings: a filter that skipped a place that mattered loses some of these.
    expect(found).toBeGreaterThan(400);
  });

  it('a JSON-escaped value with a NUL right before and after it is found (the island is the spelling alone)', () => {
    const compiled = compile([SECRETS[0]!]);
    for (const spelling of ['k7\\u002BQ\\/9\\u003dx', 'k7&#43;Q/9&#61;x', 'k7%2BQ%2F9%3Dx']) {
      const text = Buffer.concat([Buffer.from([0x01, 0x00]), Buffer.from(spelling), Buffer.from([0x00, 0x9c])]);
      expect(matches(compiled, text, []).found, spelling).toHaveLength(1);
    }
  });

  it('on random bytes, most readings are never begun', () => {
    const compiled = compile(SECRETS.slice(1, 2));
    const bytes = seeded(testSeed(42)).bytes(2 * 1024 * 1024);
    const cuts = [512 * 1024, 1024 * 1024, 1536 * 1024];
    const on = matches(compiled, bytes, cuts);
    islands.on = false;
    const off = matches(compiled, bytes, cuts);
    expect(on.found).toEqual(off.found);
    // Measured: the bytes readings and trials read fall to about a quarter.
    expect(on.work).toBeLessThan(off.work / 2);
  });
});
