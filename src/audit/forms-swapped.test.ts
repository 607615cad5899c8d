// Property: a value inside a string that is base64-encoded with its letters' case swapped — javascript-obfuscator's
// string array (`stringArrayEncoding: ['base64']`, its alphabet lowercase first) — is found at any of the three byte
// alignments it can have in the string (any prefix and suffix), for random values with `+/=&<>%"\`; the same text with
// another value is no finding. Nearest real-world variant: a front-end module obfuscated by javascript-obfuscator 5.8.0
// (test/fixtures/javascript-obfuscator: the token alone and after `Bearer `), and its clean twin. Missed through the
// bundle of the session's start (/tmp/lead/dist-start): round 24's jsobf-base64.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../test/support/random.js';
import { auditFiles, SECRET } from './decoders/testing.js';

const rng = seededPerTest(0x5ca5e);
const CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=&<>%"\\';
const swap = (s: string) => s.replace(/[A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) ^ 0x20));
const obfuscated = (s: string) => swap(Buffer.from(s).toString('base64')).replace(/=+$/, '');
const leaks = async (files: Record<string, string | Uint8Array>) => (await auditFiles(files)).filter((f) => f.severity === 'leak').map((f) => f.path);

describe("base64 with its letters' case swapped (javascript-obfuscator's string array)", () => {
  it('generated: the value inside a string at every alignment, in a string array; another value is no finding', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 12; i++) {
      const prefix = rng.chars(CHARS, i % 3) + rng.pick(['', 'Bearer ', 'https://x.example/?t=']);
      const strings = [obfuscated('load'), obfuscated(`${prefix}${SECRET}${rng.chars(CHARS, rng.int(0, 5))}`), obfuscated('json')];
      files[`app/static/js/main.${i}.js`] = `function a0_0x${i}(){const _0x1=${JSON.stringify(strings)};return _0x1;}\n`;
    }
    const found = await leaks(files);
    expect(Object.keys(files).filter((name) => !found.some((p) => p.includes(name)))).toEqual([]);
    const other = `tok-${rng.chars(CHARS, 24)}`;
    expect(await leaks({ 'app/static/js/clean.js': `const a=${JSON.stringify([obfuscated(other), obfuscated(`Bearer ${other}`)])};\n` })).toEqual([]);
  });

  it('a module javascript-obfuscator 5.8.0 wrote (base64 string array): found; its clean twin is not', async () => {
    const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/javascript-obfuscator/${name}`, import.meta.url));
    expect(fixture('leaky.obfuscated').includes(SECRET)).toBe(false);
    expect(await leaks({ 'srv/public/app.js': fixture('leaky.obfuscated'), 'srv/public/clean.js': fixture('clean.obfuscated') })).toEqual([
      expect.stringContaining('srv/public/app.js'),
    ]);
  });
});
