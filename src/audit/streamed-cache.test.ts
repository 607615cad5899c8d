// The streamed audit with the cache of audited layers, through the docker save conversion the docker path runs.
// Properties: a base layer read clean once is not read again by the same code for the same secret values (counted as
// audited, nothing found); a leak is still found once the values change (a token that was no secret becomes one); a
// layer with any finding is never recorded; another build of the code reads it again; a layer whose size matches a
// cached one but whose bytes differ is read after all (the cache stands only for bytes whose digest matched as they
// streamed). Nearest real variants: two builds on one self-hosted runner of the same node:22 base, a CI variable added
// between them, an image rebuilt after a Hoist upgrade, a base re-tagged to other bytes of the same length.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tarOf } from '../../test/support/tar.js';
import { adoptBaseLayers } from '../oci/adopt.js';
import { convertDockerSave } from '../oci/docker-save.js';
import { layoutGraph } from '../oci/graph.js';
import { MediaType } from '../oci/layout.js';
import { openAuditedCache } from './audited-cache.js';
import { StreamedAudit } from './streamed.js';
import { dockerSave, options, pieces, sha } from './streamed.testing.js';

const TOKEN = 'ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z';
const OTHER = 'npm_4f9Qz7LmW2xVb8KcT1rYd3HsJ6uEa0NpGq5';
const named = (...values: string[]) => values.map((value, i) => ({ name: `secret ${i}`, value }));
let root: string | undefined;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});

/** One docker save of [base, own] converted with a streamed audit over the cache in `cacheDir`; its result and how many layers the cache stood for. */
async function run(cacheDir: string, base: Buffer, own: Buffer, values: string[], code = 'build-1', expected = [sha(base)]) {
  const dir = await mkdtemp(join(root!, 'layout-'));
  const secrets = named(...values);
  const cache = openAuditedCache(
    { HOIST_AUDIT_CACHE: cacheDir },
    values.map((v) => Buffer.from(v)),
    () => undefined,
    code,
  );
  const streamed = new StreamedAudit(dir, secrets, options, cache);
  streamed.expect(Promise.resolve(expected));
  const bases = new Map([
    [sha(base), { descriptor: { mediaType: MediaType.ociLayerGzip, digest: `sha256:${'b'.repeat(64)}`, size: 1 }, origin: { host: 'r', path: 'b' } }],
  ]);
  const archive = await dockerSave([base, own], ['/bin/sh -c #(nop) ADD file:base in /', '/bin/sh -c echo own']);
  await convertDockerSave(pieces(archive), dir, { audit: streamed, keepUncompressed: async (ids) => new Set(ids.filter((d) => bases.has(d))) });
  const { root: layoutRoot, adopted } = await adoptBaseLayers(dir, bases);
  const result = await streamed.finish(await layoutGraph(dir, layoutRoot), adopted);
  return {
    fromCache: streamed.fromCache,
    leaks: result.findings.filter((f) => f.severity === 'leak').map((f) => f.where.replace(/sha256:\w+/, 'L')),
    layers: result.layers,
  };
}

describe('the streamed audit over the cache of audited layers', () => {
  it('read clean once: not read again for the same values; read again, and the leak found, once the token is a secret', async () => {
    root = await mkdtemp(join(tmpdir(), 'hoist-streamed-cache-'));
    const cacheDir = join(root, 'cache');
    const base = await tarOf({ 'etc/app.conf': `token=${TOKEN}\n`, 'bin/sh': 'x'.repeat(5000) });
    const own = await tarOf({ 'own.txt': 'own' });
    const cold = await run(cacheDir, base, own, [OTHER]);
    const warm = await run(cacheDir, base, own, [OTHER]);
    const rotated = await run(cacheDir, base, own, [OTHER, TOKEN]);
    const upgraded = await run(cacheDir, base, own, [OTHER], 'build-2');
    expect({ cold, warm, rotated, upgraded }).toEqual({
      cold: { fromCache: 0, leaks: [], layers: 2 },
      warm: { fromCache: 1, leaks: [], layers: 2 },
      rotated: { fromCache: 0, leaks: ['layer L (ADD file:base in /), etc/app.conf'], layers: 2 },
      upgraded: { fromCache: 0, leaks: [], layers: 2 },
    });
  });

  it('a layer with a leak is never recorded: found on every run', async () => {
    root = await mkdtemp(join(tmpdir(), 'hoist-streamed-cache-'));
    const cacheDir = join(root, 'cache');
    const base = await tarOf({ 'etc/app.conf': `token=${TOKEN}\n` });
    const own = await tarOf({ 'own.txt': 'own' });
    const runs = [await run(cacheDir, base, own, [TOKEN]), await run(cacheDir, base, own, [TOKEN])];
    expect(runs.map((r) => [r.fromCache, r.leaks.length])).toEqual([
      [0, 1],
      [0, 1],
    ]);
  });

  it('other bytes of the same size as a cached base layer: read from the layout after all, the leak found', async () => {
    root = await mkdtemp(join(tmpdir(), 'hoist-streamed-cache-'));
    const cacheDir = join(root, 'cache');
    const clean = await tarOf({ 'etc/app.conf': `token=${'x'.repeat(TOKEN.length)}\n` });
    const leaky = await tarOf({ 'etc/app.conf': `token=${TOKEN}\n` });
    const own = await tarOf({ 'own.txt': 'own' });
    await run(cacheDir, clean, own, [TOKEN]);
    // The base's registry names the clean layer; the daemon's save holds the leaky one of the same length.
    const swapped = await run(cacheDir, leaky, own, [TOKEN], 'build-1', [sha(clean)]);
    expect({ sameSize: clean.length === leaky.length, fromCache: swapped.fromCache, leaks: swapped.leaks }).toEqual({
      sameSize: true,
      fromCache: 0,
      leaks: ['layer L (ADD file:base in /), etc/app.conf'],
    });
  });
});
