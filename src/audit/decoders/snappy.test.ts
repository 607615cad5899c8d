// Property: a snappy framed stream (python-snappy's `python -m snappy -c`, the `.sz` format) decodes
// to its input, fed in chunks of 1 byte to whole, so a value anywhere — across the 64 KiB cuts where
// snappy splits its input, which put a chunk header inside it — is found, and its clean twin passes;
// a cut or damaged stream is named as not audited.
// Nearest real-world variants: an event log or a cache dumped by a Python or Go service with snappy
// framing, a LevelDB/Chromium-style export, a Kafka Connect file sink with snappy.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeWith } from './decode.testing.js';
import { snappy, unsnappy } from './snappy.js';
import { auditFiles, SECRET } from './testing.js';
import { seededPerTest } from '../../../test/support/random.js';

/** Generated inputs, from this seed before each test (HOIST_TEST_SEED replaces it); the tests that draw name it. */
const rand = seededPerTest(1);

const PYTHON = '/usr/bin/python3';
// python3-snappy 0.5's framing computes its CRC-32C with a C call Python 3.11 refuses (PY_SSIZE_T_CLEAN):
// that one function is replaced by the same CRC in Python; the compression is the library's.
const FRAMED = `import sys, io, snappy, snappy.snappy as s
T = []
for i in range(256):
    c = i
    for _ in range(8): c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
    T.append(c)
def crc(b):
    c = 0xFFFFFFFF
    for x in b: c = T[(c ^ x) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF
s._crc32c = crc
snappy.stream_compress(sys.stdin.buffer, sys.stdout.buffer)`;
const hasSnappy = (() => {
  try {
    return existsSync(PYTHON) && execFileSync(PYTHON, ['-c', 'import snappy'], { stdio: 'ignore' }) !== undefined;
  } catch {
    return false;
  }
})();
const sz = (input: Uint8Array) => execFileSync(PYTHON, ['-c', FRAMED], { input, maxBuffer: 1 << 28 });
const raw = (input: Uint8Array) =>
  execFileSync(PYTHON, ['-c', 'import sys, snappy; sys.stdout.buffer.write(snappy.compress(sys.stdin.buffer.read()))'], { input });
const log = (n: number) => Buffer.alloc(n, '2026-01-01T00:00:00Z INFO request served in 3 ms\n');
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const value = () => Array.from({ length: 40 }, () => ALNUM[rand.int(ALNUM.length)]).join('');

describe.skipIf(!hasSnappy)('snappy (framing format, .sz)', () => {
  it(`random values at random offsets (near the 64 KiB cuts too), random content: output = input, chunks of 1 byte to whole (seed ${rand.seed})`, async () => {
    for (let round = 0; round < 8; round++) {
      const v = value();
      const body = Buffer.concat([round % 2 ? log(200_000) : Buffer.from(rand.bytes(150_000).toString('base64'))]);
      const at = round < 4 ? 65536 * rand.int(1, 3) - rand.int(1, v.length) : rand.int(0, body.length - 60);
      Buffer.from(`=${v}\n`).copy(body, at);
      const z = sz(body);
      for (const chunk of round === 0 ? [1, 13, 65536, z.length] : [rand.int(1, 100_000), z.length]) {
        const { out, limits } = await decodeWith(snappy, z, { chunk });
        expect(limits).toEqual([]);
        expect(out.equals(body), `round ${round}, chunk ${chunk}`).toBe(true);
      }
    }
  }, 120_000);

  it('a value across the first 64 KiB cut: split in the file, found through the stream; the clean twin passes', async () => {
    const file = (v: string) => {
      const body = log(100_000);
      Buffer.from(`TOKEN=${v}\n`).copy(body, 65536 - 10);
      return sz(body);
    };
    expect(file(SECRET).includes(SECRET)).toBe(false);
    expect(await auditFiles({ 'var/lib/app/events.log.sz': file(SECRET) })).toEqual([{ severity: 'leak', what: 'token', path: 'var/lib/app/events.log.sz!' }]);
    expect(await auditFiles({ 'var/lib/app/events.log.sz': file('clean-value-nothing-here') })).toEqual([]);
  });

  it(`raw blocks with copies (repeats, overlapping copies) decode as the library wrote them (seed ${rand.seed})`, () => {
    for (const input of [Buffer.from('abcabcabcabcabcabc'.repeat(500)), Buffer.alloc(60_000, 'z'), rand.bytes(40_000), log(65_536)]) {
      expect(unsnappy(raw(input), 65536).equals(input)).toBe(true);
    }
  });

  it('a stream cut short, or a chunk damaged, is named as not audited, never thrown', async () => {
    const z = sz(log(150_000));
    expect((await decodeWith(snappy, z.subarray(0, z.length - 7), { chunk: 999 })).limits).toEqual([
      expect.stringMatching(/^a damaged snappy stream \(cut short\)/),
    ]);
    const damaged = Buffer.from(z);
    damaged.fill(0xff, 30, 60);
    expect((await decodeWith(snappy, damaged, { chunk: 999 })).limits).toEqual([expect.stringMatching(/^a damaged snappy stream/)]);
    const huge = Buffer.concat([z.subarray(0, 10), Buffer.from([0x00, 0xff, 0xff, 0xff])]);
    expect((await decodeWith(snappy, huge)).limits).toEqual([expect.stringMatching(/a chunk of 16777215 bytes/)]);
  });
});
