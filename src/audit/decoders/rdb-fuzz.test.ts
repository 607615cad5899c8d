// Property (issue 28): a Redis dump written by the real redis-server (SAVE, rdbcompression on by default: a 10 KB JSON
// value stored LZF-compressed, among 200 small keys, a hash and a list) then damaged (cut, or 1-8 bytes set to 00, 80 or
// FF in its first 4 KiB, within 4 KiB of the value's string, or anywhere; each word of its first 256 bytes set to 2^32-1,
// 2^31 or its own offset), the value's own bytes spared, is read within 5 s and 400 MiB in a child process, never
// throws nor hangs, and either the value is still found or the dump is named as not fully audited: never a silent pass.
// Nearest real-world variant: a dump.rdb in a data directory copied into an image by an interrupted copy, or
// bit-rotted in a cache layer.
// Fails on redis-rdb.ts as at d6ffd52: 236 of 426 copies silent (an LZF string that no longer decodes is skipped as a
// chance 0xC3, nothing said). Passes after: the dump's CRC-64 (written since RDB version 5) checked, one that does not
// hold named.
// Seeded: HOIST_TEST_SEED replaces 0x4d4d; the copies are the same each run.
import { describe, expect, it } from 'vitest';
import { seeded, testSeed } from '../../../test/support/random.js';
import { damagedSparing, isolated, near, readOrNamedFailures, wordCopies } from './fuzz.testing.js';
import { redisRdb } from './redis-rdb.js';
import { has } from './testing.js';
import { steadyTool as tool } from './steady.testing.js';

const MARKER = 'tok-h6-rdbfuzz-2f4a6c8e0b';
const TWIN = 'not-h6-rdbfuzz-0000000000';
const SEED = testSeed(0x4d4d);

/** redis-server on a socket of its own: 200 small keys, a hash, a list and the config value; SAVE; the dump. */
const dump = (value: string) =>
  tool(
    'bash',
    [
      '-c',
      `set -e
redis-server --port 0 --unixsocket "$PWD/s" --dir "$PWD" --save '' --logfile "$PWD/log" &
for i in $(seq 1 100); do [ -S s ] && break; sleep 0.05; done
{ for i in $(seq 1 200); do echo "SET user:$i {\\"id\\":$i,\\"role\\":\\"reader\\"}"; done
  echo "HSET h a 1 b 2 c 3"; echo "RPUSH l x y z"; } | redis-cli -s s > /dev/null
redis-cli -s s -x SET cfg < cfg.json > /dev/null
redis-cli -s s SAVE > /dev/null
redis-cli -s s SHUTDOWN NOSAVE > /dev/null 2>&1 || true`,
    ],
    { 'cfg.json': `{"notes":"${'note of the config '.repeat(600)}","token":"${value}","more":"${'after '.repeat(200)}"}` },
    'dump.rdb',
    'real',
  );

describe.runIf(has('redis-server') && has('redis-cli'))(`damaged Redis dumps (seed ${SEED})`, { timeout: 120_000 }, () => {
  it('SAVE with rdbcompression: each damaged copy read or named, in 5 s and 400 MiB', async () => {
    const file = dump(MARKER);
    const twin = dump(TWIN);
    expect(file.includes(MARKER), 'the value is LZF-compressed').toBe(false);
    const clean = isolated('redis-rdb.ts', 'redisRdb', file, [MARKER]);
    expect([clean.found[0], clean.limits]).toEqual([true, []]);
    const head = (k: number): [number, number] => (k % 3 === 2 ? near(file, twin) : [0, k % 3 === 0 ? file.length : Math.min(file.length, 4096)]);
    const claimed = (copy: Buffer) => redisRdb.sniff(copy.subarray(0, 512), 'dump.rdb');
    const copies = [...damagedSparing(file, twin, seeded(SEED), 60, head, claimed), ...wordCopies(file, 0, 256, claimed)];
    const failures = await readOrNamedFailures('redis-rdb.ts', 'redisRdb', copies, MARKER);
    if (process.env.FUZZ_REPORT) console.log(`rdb: ${failures.length} of ${copies.length}\n  ${failures.join('\n  ')}`);
    expect(failures).toEqual([]);
  });
});
