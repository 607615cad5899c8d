// Round 20's backslash escapes no family read alike, each printed by the real tool or as the tool prints it:
// Haskell's show (decimal code points `\233`, `\8364`, `\128512`, `\&` before a digit: made by Python as GHC's show
// prints it, no GHC here), Python's raw_unicode_escape (the real python3: é a raw Latin-1 byte, € as \u20ac, the
// emoji as \U0001f600) and Apple's old-style plist / .strings (`\U00e9`, a surrogate pair `\Ud83d\Ude00`: as plutil
// prints it). Property: the value is found once, named by the escapes read; a JSON-escaped value is still found
// once, by the JSON family alone (no double finding); a clean twin gives nothing. Nearest real-world variant: a
// Haskell service's log of a record, a pickle-0 era dump, a macOS bundle's Localizable.strings. All silent through
// the bundle of the session's start (/tmp/lead/dist-start).
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../test/support/random.js';
import { tool } from './decoders/testing.js';
import { findIn } from './escape-find.testing.js';

const rand = seededPerTest(2021);
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const py = (body: string, v: string) => tool('python3', ['-c', `import sys\ns = open('v', encoding='utf-8').read()\n${body}`], { v });

const HASKELL = String.raw`o = []
for c in s:
    n = ord(c)
    if c in '"\\': o.append('\\' + c)
    elif 32 <= n < 127: o.append(('\\&' if c.isdigit() and o and o[-1][:1] == '\\' and o[-1][-1:].isdigit() else '') + c)
    else: o.append('\\' + str(n))
sys.stdout.write('key = "' + ''.join(o) + '"\n')`;
const APPLE = String.raw`import struct
def esc(c):
    if c in '"\\': return '\\' + c
    if 32 <= ord(c) < 127: return c
    u = c.encode('utf-16-be')
    return ''.join('\\U%04x' % x for x in struct.unpack('>%dH' % (len(u) // 2), u))
sys.stdout.write('"api_key" = "' + ''.join(esc(c) for c in s) + '";\n')`;
const RAW = String.raw`sys.stdout.buffer.write(b'k = ' + s.encode('raw_unicode_escape') + b'\n')`;

const cases: Array<[string, string, string]> = [
  ["Haskell's show", HASKELL, 'plain, decimal-escaped (Haskell \\233)'],
  ['Apple .strings \\UXXXX', APPLE, 'plain, JSON \\u-escaped'],
  ["Python's raw_unicode_escape", RAW, 'plain, raw_unicode_escape (Latin-1 bytes)'],
];

describe(`round 20: decimal, raw_unicode_escape and \\UXXXX escapes (seed ${rand.seed})`, () => {
  it.each(cases)('%s: found once; the clean twin gives nothing', (_name, body, named) => {
    // A digit after a letter and after an emoji (Haskell's \& then), é before the first \u (raw_unicode_escape).
    const value = () => `${rand.chars(LETTERS, 4)}é${rand.chars(LETTERS, 3)}9"\\${rand.chars(LETTERS, 4)}€😀7${rand.chars(LETTERS, 4)}`;
    const v = value();
    expect(findIn(v, py(body, v))).toEqual([named]);
    expect(findIn(v, py(body, value()))).toEqual([]);
  });

  it('a JSON-escaped value is found once, by the JSON family alone; plain UTF-8 once, as plain', () => {
    const v = `${rand.chars(LETTERS, 6)}é€${rand.chars(LETTERS, 6)}`;
    expect(findIn(v, `{"k": ${JSON.stringify(v).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}}`)).toEqual([
      'plain, JSON \\u-escaped',
    ]);
    expect(findIn(v, `k=${v}\n`)).toEqual(['plain']);
  });
});
