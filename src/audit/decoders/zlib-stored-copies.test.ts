// Property: a zlib header met by chance inside plain content, followed by a stored block, copies the content's next
// bytes verbatim — bytes that content's own search already reads. Such copies are not read again: a table whose
// records each start such a "stream" is audited once, in bounded time and memory, its value found once, at the file's
// own path; a real stream whose first block is stored still gives what follows that block.
// Nearest real-world variant: /usr/bin/docker (a Go binary, 45 MB) holds a table of 32-bit words whose records read
// `78 01 00 00 ff ff 00 00` (0x178, 0xffff): a zlib header, then a stored block of 65,280 bytes. Each record's copy
// held the next 816 records, each opened again, to the depth bound: 4,200 inflate streams alive at once, 560-800 MiB
// RSS and the file's 20 s bound passed (measured with the bundle of ec1383f).
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../nested.js';
import { auditFiles, SECRET } from './testing.js';
import { seededPerTest } from '../../../test/support/random.js';

/** Generated inputs, from this seed before each test (HOIST_TEST_SEED replaces it). */
const rand = seededPerTest(53);

const env = (value: string) => `DB_HOST=db\nDB_PASSWORD=${value}\n`;

/** After an ELF header's first bytes: `n` records of 80 bytes, each `78 01 00 00 ff ff 00 00` (docker's words 0x178, 0xffff) then 72 seeded bytes. */
const table = (n: number) => Buffer.concat(Array.from({ length: n }, () => Buffer.concat([Buffer.from('78010000ffff0000', 'hex'), rand.bytes(72)])));

describe('zlib stored blocks found inside plain content', () => {
  it(`a table whose every record reads as a zlib stored block: audited once, the value found at the file's path alone (seed ${rand.seed})`, async () => {
    // Bound to 10 s (of 20): before, the copies of copies ran to it (a limit found) and named the value at many paths.
    const elf = Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01', 'latin1'), Buffer.alloc(57)]);
    // The value after the table: within the stored copies of the last 816 records.
    const file = Buffer.concat([elf, table(3200), Buffer.from(env(SECRET))]);
    const started = performance.now();
    const found = await auditFiles({ 'usr/bin/docker': file }, { ...DEFAULT_LIMITS, fileMs: 10_000 });
    expect(found).toEqual([{ severity: 'leak', what: 'token', path: 'usr/bin/docker' }]);
    expect(performance.now() - started).toBeLessThan(10_000);
  }, 60_000);

  it(`a zlib stream whose first block is stored, the value in a compressed block after it: found inside the stream (seed ${rand.seed})`, async () => {
    // A stored block (as zlib writes one for bytes it cannot compress), then the value deflated in the blocks after it,
    // their matches reaching back into the stored block's bytes.
    const stored = rand.bytes(3000);
    const tail = Buffer.concat([stored.subarray(100, 900), Buffer.from(env(SECRET).repeat(3))]);
    const header = Buffer.from([0x78, 0x01, 0x00, stored.length & 0xff, stored.length >> 8, ~stored.length & 0xff, (~stored.length >> 8) & 0xff]);
    // The rest as one raw deflate stream with the stored bytes as its dictionary (their window): its blocks follow the first.
    const rest = deflateRawSync(tail, { dictionary: stored });
    const stream = Buffer.concat([header, stored, rest]);
    const before = rand.bytes(501);
    const found = await auditFiles({ 'opt/res/resources.pak': Buffer.concat([before, stream, rand.bytes(777)]) });
    expect(found).toContainEqual({ severity: 'leak', what: 'token', path: `opt/res/resources.pak@${before.length}!` });
  });
});
