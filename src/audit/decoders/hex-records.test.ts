// Property: firmware hex records — Intel HEX and Motorola S-records as objcopy writes them — are
// read back into the bytes they carry, so a value cut by a record's header at every line (16 bytes
// a record) is found; the output is the image objcopy reads back, whatever the chunking; a clean twin
// passes; text that is not records is not claimed. Real-world variants beside: objcopy -O ihex and
// -O srec of a device's config blob, a gcc-built ELF's .hex (addresses, an extended address record).
// Red team round 7 (ihex, srec) missed both before this decoder.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { decodeWith } from './decode.testing.js';
import { hexRecords, sniffHexRecords } from './hex-records.js';
import { auditFiles, has, SECRET, tool } from './testing.js';
import { mulberry32, testSeed } from '../../../test/support/random.js';

const config = (value: string) => `DEVICE=edge-01\nMQTT_HOST=mqtt.example.com\nAPI_TOKEN=${value}\nINTERVAL=30\n`;
const objcopy = (format: string, blob: string | Buffer, more: string[] = []) =>
  tool('sh', ['-c', `objcopy -I binary -O ${format} ${more.join(' ')} cfg.bin out && cat out`], { 'cfg.bin': blob });
const SEED = testSeed(717171);
const rand = mulberry32(SEED);

describe.skipIf(!has('objcopy'))('hex records (Intel HEX, S-records)', () => {
  it.each([
    ['ihex', 'Intel HEX', 'config.hex'],
    ['srec', 'S-records', 'config.srec'],
    // Round 17: Tektronix extended hex, silent before (a gap of variant17-text.ts).
    ['tekhex', 'Tektronix hex', 'config.tek'],
  ])('objcopy -O %s of a config blob: found under the file, the clean twin passes', async (format, kind, name) => {
    const leaky = objcopy(format, config(SECRET));
    expect(leaky.includes(SECRET)).toBe(false);
    expect(sniffHexRecords(leaky)).toBe(kind);
    expect(await auditFiles({ [`opt/fw/${name}`]: leaky })).toEqual([{ severity: 'leak', what: 'token', path: `opt/fw/${name} (as ${kind})` }]);
    expect(await auditFiles({ [`opt/fw/${name}`]: objcopy(format, config('clean-value-nothing-here')) })).toEqual([]);
  });

  it.each(['ihex', 'srec', 'tekhex'])(
    '%s: 2 KB of random bytes at an address, S3/extended records: the image back, in chunks of 1, 7, 43 and whole',
    async (format) => {
      const blob = Buffer.from(Array.from({ length: 2048 }, () => Math.floor(rand() * 256)));
      const records = objcopy(format, blob, ['--change-addresses=0x12340000']);
      for (const chunk of [1, 7, 43, records.length]) {
        const { out, limits } = await decodeWith(hexRecords, records, { chunk });
        expect(limits).toEqual([]);
        expect(out.subarray(out.length - blob.length).equals(blob), `seed ${SEED}, chunk ${chunk}`).toBe(true);
      }
    },
  );

  it.skipIf(!has('gcc'))('a gcc-built ELF as Intel HEX (sections at their addresses, a gap between them): its string constant found', async () => {
    const hex = tool('sh', ['-c', 'gcc -O1 -o a a.c && objcopy -O ihex a a.hex && cat a.hex'], {
      'a.c': `const char *key = "${SECRET}";\nint main(void) { return key[0]; }\n`,
    });
    expect(hex.includes(SECRET)).toBe(false);
    expect((await auditFiles({ 'opt/fw/app.hex': hex })).map((f) => f.path)).toContain('opt/fw/app.hex (as Intel HEX)');
  });

  it('text that is not records is not claimed: colons, S-words, a wrong checksum, random heads', () => {
    const good = objcopy('ihex', config(SECRET)).toString();
    const [first, second] = good.split('\n');
    const bad = (l: string) => l.slice(0, -2) + ((parseInt(l.slice(-2), 16) + 1) % 256).toString(16).padStart(2, '0').toUpperCase();
    expect(sniffHexRecords(Buffer.from(`${first}\n${bad(second!)}\n`))).toBeUndefined();
    expect(sniffHexRecords(Buffer.from(':10 minutes past\n:20 more\n'))).toBeUndefined();
    expect(sniffHexRecords(Buffer.from('S1 is the first step\nS2 the second\n'))).toBeUndefined();
    for (let i = 0; i < 2000; i++) {
      const head = Buffer.from(
        Array.from({ length: 512 }, () => (i % 2 ? Math.floor(rand() * 256) : ':0123456789ABCDEF\nS'.charCodeAt(Math.floor(rand() * 19)))),
      );
      expect(sniffHexRecords(head), `seed ${SEED}, head ${i}`).toBeUndefined();
    }
  });

  it('a damaged line is passed over, the records after it read', async () => {
    const lines = objcopy('ihex', config(SECRET)).toString().split('\n');
    lines.splice(2, 0, '; a comment a hand left', ':10ZZ');
    const { out, limits } = await decodeWith(hexRecords, Buffer.from(lines.join('\n')), { chunk: 5 });
    expect(limits).toEqual([]);
    expect(out.toString()).toBe(config(SECRET));
    expect(execFileSync('objcopy', ['--version']).length).toBeGreaterThan(0);
  });
});
