// A git delta whose result is larger than the reader keeps as a base (4 MiB, a quarter of its cache) is written as the
// delta reads from its base — in pieces of its copy and insert instructions — never built whole: a 4 MiB log edited in
// 5 commits was 5 results of 4 MiB (and 5 inflations of their base), freed together, and the audit's RSS rose 20 MiB.
// The object is the same: named by the id git gives it, its bytes the base's and the inserts in order; a damaged delta
// is named as before and nothing is written under an id.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { gitPack } from './gitpack.js';
import { craftedPack, deltaSize } from './gitpack.testing.js';
import { SECRET } from './testing.js';
import type { DecodeEnv } from './types.js';

const MiB = 1024 * 1024;
/** 6 MiB of log lines (compressing well below the 4 MiB a base's stream may take in the cache). */
const BASE = Buffer.from(
  Array.from({ length: 90_000 }, (_, i) => `2026-12-04T17:00:${String(i % 60).padStart(2, '0')}Z GET /items/${i % 9973} 200 user=u${i % 311}\n`).join(''),
).subarray(0, 6 * MiB);

/** Copy instructions of at most 64 KiB (as git writes them) for `[from, to)` of the base. */
function copies(from: number, to: number): Buffer {
  const out: number[] = [];
  for (let at = from; at < to; at += 0x10000) {
    const size = Math.min(0x10000, to - at);
    out.push(0x80 | 0x0f | 0x30, at & 0xff, (at >> 8) & 0xff, (at >> 16) & 0xff, at >>> 24, size & 0xff, (size >> 8) & 0xff);
  }
  return Buffer.from(out);
}

/** A delta against BASE: its first 3 MiB, `inserted`, the rest of it; its header saying `target` (the true size by default). */
function delta(inserted: Buffer, target = BASE.length + inserted.length): Buffer {
  const insert = Buffer.concat([Buffer.from([inserted.length]), inserted]);
  return Buffer.concat([deltaSize(BASE.length), deltaSize(target), copies(0, 3 * MiB), insert, copies(3 * MiB, BASE.length)]);
}

/** The pack decoded with every object's writes recorded by the name it was opened under. */
async function decodeRecorded(pack: Buffer): Promise<{ objects: Map<string, Buffer[]>; limits: string[] }> {
  const objects = new Map<string, Buffer[]>();
  const limits: string[] = [];
  const env: DecodeEnv = {
    path: 'app/.git/objects/pack/pack-1.pack',
    open(name = '') {
      const writes: Buffer[] = [];
      objects.set(name, writes);
      return { write: (b) => void writes.push(Buffer.from(b)), end: () => undefined };
    },
    openAt: () => ({ write: () => undefined, end: () => undefined }),
    allow: () => true,
    limit: (what) => void limits.push(what),
    ratio: 1e6,
    stopped: false,
  };
  const d = gitPack.open(env);
  for (let i = 0; i < pack.length && !d.finished; i += 65536) await d.push(pack.subarray(i, i + 65536));
  await d.end();
  return { objects, limits };
}

const blobId = (content: Buffer) => createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');

describe('git deltas too large to keep are resolved in pieces', () => {
  it('a 6 MiB result: written under its git id, the bytes in order, no write larger than one instruction (64 KiB)', async () => {
    const inserted = Buffer.from(`\nTOKEN=${SECRET}\n`);
    const expected = Buffer.concat([BASE.subarray(0, 3 * MiB), inserted, BASE.subarray(3 * MiB)]);
    const { objects, limits } = await decodeRecorded(craftedPack([{ blob: BASE }, { delta: delta(inserted) }]));
    expect(limits).toEqual([]);
    const writes = objects.get(blobId(expected));
    expect(writes).toBeDefined();
    expect(Buffer.concat(writes!).equals(expected)).toBe(true);
    expect(Math.max(...writes!.map((w) => w.length))).toBeLessThanOrEqual(0x10000); // the old reader wrote it whole: 6 MiB at once
  }, 60_000);

  it('a damaged one (its header says a byte more than its instructions make): named, nothing written under an id', async () => {
    const inserted = Buffer.from('\nTOKEN=x\n');
    const { objects, limits } = await decodeRecorded(craftedPack([{ blob: BASE }, { delta: delta(inserted, BASE.length + inserted.length + 1) }]));
    expect(limits).toEqual(['a damaged git delta (a delta whose result is shorter than it says): its inserted bytes scanned, not the object']);
    expect([...objects.keys()].filter((name) => /^[0-9a-f]{40}$/.test(name))).toEqual([]);
    expect([...objects.keys()].filter((name) => name.endsWith(' (delta)'))).toHaveLength(1);
  }, 60_000);
});
