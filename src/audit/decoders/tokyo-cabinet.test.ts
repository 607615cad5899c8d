// Property: a Tokyo Cabinet hash database made by tchmgr with deflate records (create -td, then importtsv of 300
// records and a config record holding the value) is read as tchdb reads it — header, then record after record, each
// value inflated — fed in random chunk sizes (seed named): the config record's value found (`srv/cache.tch!`); the
// clean twin passes; damaged copies (seed named) never throw. Fails with tokyoCabinet unregistered: no finding (round
// 12's tokyocabinet-deflate, missed by the shipped bundle).
// Nearest real-world variant: a service's Tokyo Cabinet cache or store (.tch) left in an image.
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { damaged, DAMAGE_SEED, decodeWith } from './decode.testing.js';
import { tokyoCabinet } from './tokyo-cabinet.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

const rng = seededPerTest(0x70c4);

function tch(value: string, opts = '-td'): Buffer {
  const rows = Array.from({ length: 300 }, (_, i) => `user:${i}\t{"id":${i},"name":"user-${i}","role":"reader"}`);
  const tsv = `${rows.join('\n')}\nconfig\t{"api_token":"${value}","endpoint":"https://api.example.com","retries":3}\n`;
  return tool('sh', ['-c', `tchmgr create ${opts} cache.tch > /dev/null && tchmgr importtsv cache.tch load.tsv`], { 'load.tsv': tsv }, 'cache.tch');
}

describe.runIf(has('tchmgr'))(`Tokyo Cabinet (seed ${rng.seed})`, () => {
  it('tchmgr create -td: each record inflated, the value found; the clean twin passes', async () => {
    const db = tch(SECRET);
    expect(db.includes(SECRET)).toBe(false);
    const { out, limits } = await decodeWith(tokyoCabinet, db, { chunk: rng.int(1, 100_000) });
    expect(limits).toEqual([]);
    expect(out.includes(`config\t{"api_token":"${SECRET}"`)).toBe(true);
    expect(out.includes('user:299\t{"id":299,"name":"user-299","role":"reader"}\n')).toBe(true);
    expect(await auditFiles({ 'srv/cache.tch': db })).toEqual([expect.objectContaining({ severity: 'leak', path: 'srv/cache.tch!' })]);
    expect(await auditFiles({ 'srv/cache.tch': tch('tok-clean-twin-000000000000000') })).toEqual([]);
  });

  it('an uncompressed database is not claimed (its records are plain)', () => {
    expect(tokyoCabinet.sniff(tch(SECRET, '').subarray(0, 512), 'cache.tch')).toBe(false);
  });

  it(`damaged copies (seed ${DAMAGE_SEED}) never throw`, async () => {
    for (const d of damaged(tch(SECRET), 16)) await expect(decodeWith(tokyoCabinet, d)).resolves.toBeDefined();
  });
});
