// Small writes gathered into pieces: the same bytes in the same order, fewer writes; and through a layer's routes, the
// lines a base64 run decodes reach the gzip stream under it as pieces, the value inside still found (its clean twin silent).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { seeded, seededPerTest, testSeed } from '../../test/support/random.js';
import { coalescing, PIECE } from './coalesce.js';
import { auditFiles, SECRET } from './decoders/testing.js';
import { DEFAULT_LIMITS, LayerRoutes, type ContentRouter } from './nested.js';

const random = seededPerTest(28);

/** A sink that keeps a copy of each write, as it was when written. */
function recorder() {
  const writes: Buffer[] = [];
  let ended = 0;
  return { writes, ended: () => ended, sink: { write: (b: Uint8Array) => void writes.push(Buffer.from(b)), end: () => void ended++ } };
}

describe('coalescing', () => {
  it(`hands on the same bytes in order, small writes gathered into pieces (seed ${random.seed})`, async () => {
    for (let round = 0; round < 20; round++) {
      const r = recorder();
      const sink = coalescing(r.sink);
      const parts: Buffer[] = [];
      const count = random.int(1, 400);
      for (let i = 0; i < count; i++) {
        const part = random.bytes(random.pick([0, 1, 57, 76, 1000, 16 * 1024 - 1, 16 * 1024, 100_000, PIECE + 3]));
        parts.push(Buffer.from(part));
        await sink.write(part);
        part.fill(0); // the caller's buffer reused: what was handed on is unchanged
      }
      await sink.end();
      expect(Buffer.concat(r.writes).equals(Buffer.concat(parts))).toBe(true);
      expect(r.ended()).toBe(1);
      const small = parts.filter((p) => p.length < 16 * 1024).reduce((n, p) => n + p.length, 0);
      const large = parts.filter((p) => p.length >= 16 * 1024).length;
      // Each large write goes on alone, at most one gathered piece cut short before it; the rest full pieces.
      expect(r.writes.length).toBeLessThanOrEqual(2 * large + Math.ceil(small / PIECE) + 1);
    }
  });

  it('passes an empty content on as an end alone', async () => {
    const r = recorder();
    const sink = coalescing(r.sink);
    await sink.end();
    expect([r.writes.length, r.ended()]).toEqual([0, 1]);
  });
});

describe('a layer routes decoded lines as pieces', () => {
  // A gzip'd file as base64 wrapped at 76 columns: the run decodes a line (57 bytes) at a time.
  const words = seeded(testSeed(29));
  const lines = Array.from({ length: 4000 }, (_, i) => `2026-12-04 INFO request ${words.bytes(16).toString('hex')} served in ${i} ms\n`).join('');
  const text = (secret: string) => `${lines}token=${secret}\n${lines}`;
  const b64 = (content: string) => execFileSync('bash', ['-c', 'gzip -6 -c | base64 -w 76'], { input: content });

  it('the gzip stream under a base64 run is written pieces, not lines', async () => {
    const writes: Array<{ path: string; size: number }> = [];
    const routes: LayerRoutes = new LayerRoutes({
      limits: DEFAULT_LIMITS,
      limit: () => undefined,
      open: (path, depth, route) => {
        const router: ContentRouter = route(path, depth);
        return {
          write: (bytes) => {
            writes.push({ path, size: bytes.length });
            return router.push(bytes);
          },
          end: () => router.end(),
        };
      },
    });
    const file = routes.file('payload.gz.b64');
    const content = b64(text('x'));
    for (let at = 0; at < content.length; at += 65536) await file.push(content.subarray(at, at + 65536));
    await file.end();
    const run = writes.filter((w) => w.path.endsWith('!(base64 at 0)'));
    expect(run.length).toBeGreaterThan(0);
    expect(run.reduce((n, w) => n + w.size, 0)).toBeGreaterThan(PIECE);
    // Every write but the last is a whole piece (the lines were 57 bytes each).
    expect(run.slice(0, -1).every((w) => w.size === PIECE)).toBe(true);
  });

  it('finds the value inside, and its clean twin nothing', async () => {
    const leaky = await auditFiles({ 'var/payload.gz.b64': b64(text(SECRET)) });
    expect(leaky.filter((f) => f.severity === 'leak').map((f) => f.path)).toEqual([expect.stringMatching(/^var\/payload\.gz\.b64!\(base64 at 0\)!/)]);
    expect(await auditFiles({ 'var/payload.gz.b64': b64(text('x'.repeat(SECRET.length))) })).toEqual([]);
  });
});
