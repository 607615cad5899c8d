// The automaton tells a stop whose every reading makes a byte as it is — a shell quote, opening or closing, before the
// byte after it (`Families.readsOn`); raw_unicode_escape's Latin-1 byte 0x80-0xBF, made C2 and the byte itself
// (`Families.leads`) — only where that byte goes on with a pattern begun before it. A state of depth 1 after the byte
// is a pattern that begins with it, which the automaton reaches there itself, reading the bytes as they are: the bench's
// plain layers told 645,691 such quotes in 128 MiB (`require("module")` where one of the 20 values' ASCII85 forms
// begins with `)`) and 640,000 such Latin-1 bytes (a binary value's first byte, on binary content). Property: over
// source text and binary bytes, each pattern's first byte after a quote and as a Latin-1 byte, no stop is told where
// the byte made leads to a state of depth 1 or less, and every value split by a quote or written by Python's
// raw_unicode_escape is still found. Nearest real-world variant: the bench's layers (bench/audit.ts), a JS bundle
// beside a binary in one image with a CI's twenty tokens and passwords.
import { describe, expect, it } from 'vitest';
import { seeded, testSeed, type Seeded } from '../../test/support/random.js';
import { compile, type AuditSecret } from './audit.js';
import { tool } from './decoders/testing.js';
import { findIn } from './escape-find.testing.js';
import { MATCH, STATE } from './matcher.js';

const SEED = testSeed(2861);
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Twenty values in the bench's mix (base64 tokens, ghp_ tokens, passwords with symbols) and a binary one. */
function secrets(rand: Seeded): AuditSecret[] {
  const values = Array.from({ length: 20 }, (_, i) =>
    i < 10 ? rand.bytes(24).toString('base64') : i < 15 ? `ghp_${rand.chars(ALNUM, 36)}` : `${rand.chars(ALNUM, 10)}!@#${rand.chars(ALNUM, 6)}`,
  );
  const raw = Buffer.concat([Buffer.of(0x80 + rand.int(64)), rand.bytes(23)]);
  return [...values.map((value, i) => ({ name: `s${i}`, value })), { name: 'binary', value: raw.toString('latin1'), bytes: raw }];
}

/** Source text with every pattern's first byte after a closing quote, then binary bytes with each Latin-1 first byte. */
function content(rand: Seeded, begins: number[]): Buffer {
  const parts: Buffer[] = [];
  for (let round = 0; round < 20; round++) {
    for (const b of begins.filter((c) => c > 0x20 && c < 0x7f)) {
      const c = String.fromCharCode(b);
      parts.push(Buffer.from(`  const value = require("module")${c}; handler('event'${c}x); run("${rand.chars(ALNUM, 6)}"${c})\n`));
    }
    for (const b of begins.filter((c) => c >= 0x80 && c < 0xc0)) parts.push(rand.bytes(rand.int(40)), Buffer.of(b), rand.bytes(3));
  }
  return Buffer.concat(parts);
}

describe(`stops whose reading makes a byte as it is (seed ${SEED})`, () => {
  it('are told only where that byte goes on with a pattern begun before the stop byte', () => {
    const rand = seeded(SEED);
    const { automaton: a, families } = compile(secrets(rand));
    const begins = Array.from({ length: 256 }, (_, b) => b).filter((b) => (a.step(0, b) & STATE) !== 0);
    const text = content(rand, begins);
    const told: number[] = [];
    const scanner = a.scanner(
      () => {},
      (i, state) => told.push(i, state),
      families.worth,
      families.readsOn,
      families.leads,
    );
    scanner.write(text);
    const needless: string[] = [];
    for (let k = 0; k < told.length; k += 2) {
      const [i, r] = [told[k]!, told[k + 1]!];
      const [b, next] = [text[i]!, text[i + 1]!];
      if (i === text.length - 1) continue;
      const deepens = (s: number, c: number) => a.depth(a.step(s, c) & STATE) >= 2;
      const lead = families.leads[b]!;
      const v = lead >= 0 ? a.step(r, lead) : 0;
      if (families.readsOn[(b << 8) | next] === 1 && !deepens(r, next)) needless.push(`${i}: ${JSON.stringify(String.fromCharCode(b, next))}`);
      else if (lead >= 0 && families.leads[256 + b] === b && (v & MATCH) === 0 && !deepens(v & STATE, b)) needless.push(`${i}: Latin-1 0x${b.toString(16)}`);
    }
    expect(told.length).toBeGreaterThan(0);
    expect(needless.slice(0, 5), `${needless.length} needless of ${told.length / 2} told`).toEqual([]);
  });

  it('still finds a value split by an opening quote at each place, and raw_unicode_escape Latin-1 bytes within it (a € beside: no Latin-1 form)', () => {
    const rand = seeded(SEED);
    const value = `${rand.chars(ALNUM, 6)})${rand.chars(ALNUM, 6)}`;
    for (let k = 1; k < value.length; k++) expect(findIn(value, `X=${value.slice(0, k)}"${value.slice(k)}"\n`), `split at ${k}`).not.toEqual([]);
    for (const v of [
      `${rand.chars(ALNUM, 3)}§${rand.chars(ALNUM, 8)}€`,
      `${rand.chars(ALNUM, 5)}¤${rand.chars(ALNUM, 5)}€`,
      `${rand.chars(ALNUM, 4)}\u0085©${rand.chars(ALNUM, 5)}€`,
    ]) {
      const out = tool('python3', ['-c', "import sys\nsys.stdout.buffer.write(b'k = ' + open('v', encoding='utf-8').read().encode('raw_unicode_escape'))"], {
        v,
      });
      expect(findIn(v, out)).toContain('plain, raw_unicode_escape (Latin-1 bytes)');
    }
  });
});
