// Property: PHP's var_export of a value converted to UTF-16LE by the real php (iconv) — the value holding ' " \ é € 😀 —
// is a place of the notation, and its text rewritten holds the value's UTF-16LE bytes whole; the clean twin's holds
// no leaky one; var_export of strings without a NUL (and PHP source joining strings with " . ") is no rewrite. Nearest
// real-world variant: a PHP config cache (var_export) of a password converted for a Windows API (red team round 13,
// variant13-text.ts: php-var-export-utf16). Read here as EncodedRuns reads a notation (its needle found, `at` asked,
// the text rewritten) until runs.ts lists it in notations().
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { PHP_NUL_PIECES } from './php-nul-pieces.js';
import { has, tool } from './testing.js';

const rand = seededPerTest(1314);
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function value(): string {
  let v = 'k';
  for (let n = rand.int(10, 40); n > 0; n--) v += rand.int(3) ? rand.chars(LETTERS, 1) : rand.pick([...`'"\\& é€😀+/=`]);
  return `${v}Z`;
}

function read(text: Buffer): Buffer {
  const [needle] = PHP_NUL_PIECES.needles;
  for (let at = text.indexOf(needle!); at >= 0; at = text.indexOf(needle!, at + 1))
    if (PHP_NUL_PIECES.at(text, at)) return PHP_NUL_PIECES.rewrite(text) ?? Buffer.alloc(0);
  return Buffer.alloc(0);
}

const cache = (v: string) =>
  tool('php', ['-r', `echo "<?php return ", var_export(['password' => iconv('UTF-8', 'UTF-16LE', file_get_contents('v'))], true), ";\\n";`], { v });

describe(`php var_export nul pieces (seed ${rand.seed})`, () => {
  it.skipIf(!has('php'))('var_export of UTF-16LE: the value’s UTF-16LE read back whole; the clean twin holds no leaky one', () => {
    for (let i = 0; i < 6; i++) {
      const [leaky, clean] = [value(), value()];
      const text = cache(leaky);
      expect(text.includes(Buffer.from(leaky, 'utf16le'))).toBe(false);
      expect(read(text).includes(Buffer.from(leaky, 'utf16le'))).toBe(true);
      expect(read(cache(clean)).includes(Buffer.from(leaky, 'utf16le'))).toBe(false);
    }
  });

  it('strings without a NUL, and source joining strings, are no rewrite', () => {
    const text = `<?php return array (\n  'a' => 'x\\'y',\n  'b' => 'p' . 'q' . "r",\n);\n$s = 'a' . "\\n" . 'b';\n`;
    expect(read(Buffer.from(text)).length).toBe(0);
    expect(PHP_NUL_PIECES.rewrite(Buffer.from(text))).toBeUndefined();
  });
});
