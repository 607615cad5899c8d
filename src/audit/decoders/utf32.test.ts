// Property: text written as UTF-32 (iconv -t UTF-32 with its BOM, UTF-32BE, Python's bare utf-32-le)
// is read back as the text it holds, fed in chunks of 1 byte to whole (a unit cut by a chunk boundary),
// so a value in it — beyond ASCII too — is found, and the clean twin passes; binary bytes are not claimed.
// Nearest real-world variants: a settings file converted with iconv for a legacy Windows or ICU tool,
// a test fixture in UTF-32.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeWith } from './decode.testing.js';
import { auditFiles, has, SECRET } from './testing.js';
import { sniffUtf32, utf32 } from './utf32.js';
import { seededPerTest } from '../../../test/support/random.js';

/** Generated inputs, from this seed before each test (HOIST_TEST_SEED replaces it); the tests that draw name it. */
const rand = seededPerTest(1);

const iconv = (text: string, to: string) => execFileSync('iconv', ['-f', 'UTF-8', '-t', to], { input: text });
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789é€😀';
const value = () => Array.from({ length: 30 }, () => [...ALNUM][rand.int([...ALNUM].length)]).join('');

describe.skipIf(!has('iconv'))('UTF-32 text', () => {
  it(`random values at random offsets, BOM LE / BE / bare LE: the text back, chunks of 1 byte to whole (seed ${rand.seed})`, async () => {
    for (let round = 0; round < 12; round++) {
      const v = value();
      const text = `${'config line\r\n'.repeat(rand.int(0, 300))}API_TOKEN=${v}\r\n${'more\n'.repeat(rand.int(0, 300))}`;
      const encoding = ['UTF-32', 'UTF-32BE', 'UTF-32LE'][round % 3]!;
      const bytes = iconv(text, encoding);
      for (const chunk of [1, rand.int(2, 64), bytes.length]) {
        const { out, limits } = await decodeWith(utf32, bytes, { chunk });
        expect(limits).toEqual([]);
        expect(out.toString(), `${encoding}, chunk ${chunk}`).toBe(text);
      }
    }
  });

  it('a settings file by iconv -t UTF-32: found through the text; the clean twin passes', async () => {
    const file = (v: string) => iconv(`[service]\r\napi_token=${v}\r\n`, 'UTF-32');
    expect(await auditFiles({ 'opt/app/settings.ini': file(SECRET) })).toEqual([
      { severity: 'leak', what: 'token', path: 'opt/app/settings.ini!(as UTF-32 text)' },
    ]);
    expect(await auditFiles({ 'opt/app/settings.ini': file('clean-value-nothing-here') })).toEqual([]);
  });

  it('not claimed: UTF-16 with its BOM, binary files, UTF-8 text', () => {
    expect(sniffUtf32(iconv('hello world, a longer line', 'UTF-16'))).toBeUndefined();
    expect(sniffUtf32(readFileSync(process.execPath).subarray(0, 512))).toBeUndefined();
    expect(sniffUtf32(Buffer.from('plain text that is long enough to be looked at'))).toBeUndefined();
  });
});
