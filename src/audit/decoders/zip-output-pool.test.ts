// Property: what a zip member or a `.gz` file inflates to at once is written into a buffer used again for the next
// content once the one it was written to has ended — so jars read one after another (a layer full of them) make no new
// output buffers after the first — and never before: a jar inside a jar, a .gz inside a jar, and members after them
// are each found whole, under their own paths, while the outer content's buffer is still being read.
// Nearest real-world variants: a layer of Maven dependencies (jars by `zip`/`jar`, sizes in their local headers), a
// Spring Boot fat jar (BOOT-INF/lib/*.jar inside it) with a rotated log (`gzip`) beside its classes.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { auditFiles, has, SECRET, tool } from './testing.js';
import { largeAllocations, walkZip } from './zip.testing.js';
import { seededPerTest } from '../../../test/support/random.js';

/** Generated inputs, from this seed before each test (HOIST_TEST_SEED replaces it). */
const rand = seededPerTest(541);

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

afterEach(() => vi.restoreAllMocks());

describe(`inflated output buffers used again (seed ${rand.seed})`, () => {
  it.skipIf(!has('zip'))(
    '8 jars read one after another: every member byte for byte, output buffers made for no more than the first two',
    async () => {
      const jars = Array.from({ length: 8 }, () => {
        const files = {
          'a/App.class': rand.bytes(100_000 + rand.int(28_000)),
          'a/app.properties': Buffer.from(`k=${rand.chars('abcdefghijklmnopqrstuvwxyz0123456789', 20)}\n`.repeat(3000)),
        };
        return { files, jar: tool('zip', ['-q', '-6', 'out.jar', ...Object.keys(files)], files, 'out.jar') };
      });
      const perJar: number[] = [];
      for (const { files, jar } of jars) {
        let walked: Awaited<ReturnType<typeof walkZip>> | undefined;
        perJar.push(
          await largeAllocations(
            ['/zip-inflate.ts', '/zip-output-pool.ts'],
            ['allocUnsafe', 'allocUnsafeSlow', 'alloc', 'concat'],
            async () => (walked = await walkZip(jar, { keep: false })),
          ),
        );
        expect(walked!.limits).toEqual([]);
        for (const [name, content] of Object.entries(files)) expect(walked!.digests.get(name), name).toBe(sha(content));
      }
      // Each jar's two members want two buffers of the same class at most; the first jars may make them.
      const one = Math.max(...perJar.slice(0, 2));
      expect(perJar.slice(2), `bytes of output buffers made per jar: ${perJar.join(', ')}`).toEqual(perJar.slice(2).map(() => 0));
      expect(one).toBeLessThanOrEqual(2 * (128 * 1024 + 64) + 64 * 1024);
    },
    60_000,
  );

  it.skipIf(!has('zip') || !has('gzip'))(
    'a jar inside a jar, a .gz inside a jar, and members after them: each value found at its own path',
    async () => {
      // Every content below is inflated at once into a leased buffer while the content around it is still being read.
      const files = {
        // 16 letters at random: deflate halves it, so its output, leased from the class of the inner jar's own, covers
        // the whole of the inner jar's bytes — the member after it among them — if that buffer were given back early.
        'inner/a/App.class': Buffer.from(rand.bytes(120_000).map((b) => 0x41 + (b & 15))),
        'inner/a/secret.properties': `db.password=${SECRET}\n${'x=1\n'.repeat(5000)}`,
        'log.txt': `${'GET /health 200\n'.repeat(4000)}token=${SECRET}\n`,
      };
      const inner = tool('zip', ['-q', '-6', '-r', 'inner.jar', 'inner'], files, 'inner.jar');
      const gz = tool('gzip', ['-c', '-6', 'log.txt'], files);
      const outer = tool(
        'zip',
        ['-q', '-6', 'app.jar', 'lib/inner.jar', 'logs/app.log.gz', 'lib/after.bin', 'conf/after.properties'],
        {
          'lib/inner.jar': inner,
          'logs/app.log.gz': gz,
          'lib/after.bin': rand.bytes(120_000),
          'conf/after.properties': `${'y=2\n'.repeat(6000)}api.key=${SECRET}\n`,
        },
        'app.jar',
      );
      const found = await auditFiles({ 'app/app.jar': outer, 'app/second.jar': outer });
      const leaks = found.filter((f) => f.severity === 'leak').map((f) => f.path);
      for (const jar of ['app/app.jar', 'app/second.jar'])
        for (const at of ['!/lib/inner.jar!/inner/a/secret.properties', '!/logs/app.log.gz!', '!/conf/after.properties'])
          expect(leaks, `${jar}${at}`).toContain(`${jar}${at}`);
      expect(found.filter((f) => f.severity !== 'leak')).toEqual([]);
    },
    60_000,
  );
});
