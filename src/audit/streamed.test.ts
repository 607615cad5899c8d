import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { tarOf } from '../../test/support/tar.js';
import type { LayerAudit } from '../core/builder.js';
import { convertDockerSave } from '../oci/docker-save.js';
import { blobPath } from '../oci/layout.js';
import { StreamedAudit } from './streamed.js';
import { both, dockerSave, options, pieces, SECRET, secrets } from './streamed.testing.js';

describe('StreamedAudit', () => {
  it('finds a secret in a base layer as it streams, named as the full audit names it, and reads no layer again', async () => {
    const { dir, streamed, graph, adopted, full, base } = await both(
      await tarOf({ 'etc/npmrc': `//r/:_authToken=${SECRET}\n` }),
      await tarOf({ 'own.txt': 'own' }),
    );
    expect(full.findings.map((f) => f.where)).toEqual([`layer ${base.digest} (ADD file:base in /), etc/npmrc`]);
    // The layers' files are gone: finish can only have its streamed reading of them.
    const manifest = JSON.parse(graph.root.bytes.toString('utf8')) as { layers: Array<{ digest: string }> };
    for (const l of manifest.layers) await rm(blobPath(dir, adopted.get(l.digest)?.standIn.digest ?? l.digest), { force: true });
    const result = await streamed.finish(graph, adopted);
    expect(result.findings).toEqual(full.findings);
    expect(result.layers).toBe(full.layers);
    expect(result.bytes).toBe(full.bytes);
    // Once finished it covers nothing more: a second graph of the layout (signed provenance) gets a full audit of its own.
    expect(streamed.covers(dir, secrets)).toBe(false);
    await expect(streamed.finish(graph, adopted)).rejects.toThrow(/finished once/);
  });

  it("finds a secret in the image's own (compressed) layer under its compressed digest; the clean twin finds none", async () => {
    const leaky = await both(await tarOf({ 'bin/sh': 'base' }), await tarOf({ 'app/.env': `TOKEN=${Buffer.from(SECRET).toString('base64')}\n` }));
    expect(leaky.full.findings).toHaveLength(1);
    expect(leaky.full.findings[0]!.where).toMatch(/^layer sha256:[a-f0-9]{64} \(echo own > \/own\.txt\), app\/\.env!\(base64 at 6\)$/);
    const result = await leaky.streamed.finish(leaky.graph, leaky.adopted);
    expect(result.findings).toEqual(leaky.full.findings);
    expect(result.layers).toBe(2);

    const clean = await both(await tarOf({ 'bin/sh': 'base' }), await tarOf({ 'app/.env': 'TOKEN=nothing-secret-here\n' }));
    const none = await clean.streamed.finish(clean.graph, clean.adopted);
    expect(none.findings).toEqual([]);
    expect(none.layers).toBe(2);
    expect(none.bytes).toBe(clean.full.bytes);
  });

  it('reads an own layer again whose times were clamped (its bytes are not what streamed), and still finds the secret', async () => {
    const pack = tar.pack();
    pack.entry({ name: 'app/.env', mtime: new Date() }, `TOKEN=${SECRET}\n`); // later than the epoch: clamped
    pack.finalize();
    const own: Buffer[] = [];
    for await (const c of pack as unknown as AsyncIterable<Buffer>) own.push(c);
    const { streamed, graph, adopted, full } = await both(await tarOf({ 'bin/sh': 'base' }), Buffer.concat(own), { epoch: 1_000_000 });
    expect(full.findings).toHaveLength(1);
    const result = await streamed.finish(graph, adopted);
    expect(result.findings).toEqual(full.findings);
    // The clamped layer was scanned twice (streamed, then from the layout); the base once.
    expect(result.layers).toBe(3);
  });

  it('covers only its own layout and the secrets it was made with: one added to the catalog later means a full audit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-unit-'));
    const catalog = [...secrets];
    const streamed = new StreamedAudit(dir, catalog, options);
    expect(streamed.covers(dir, catalog)).toBe(true);
    expect(streamed.covers(`${dir}-other`, catalog)).toBe(false);
    catalog.push({ name: 'registry-auth for r.example', value: 'another-secret-value' });
    expect(streamed.covers(dir, catalog)).toBe(false);
  });

  it('a failing audit fails the conversion instead of leaving docker save blocked', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-unit-'));
    const failing: LayerAudit = {
      async layer(stream) {
        for await (const _ of stream) throw new Error('scanner broke');
      },
    };
    const archive = await dockerSave([await tarOf({ big: Buffer.alloc(1024 * 1024, 1) })], ['x']);
    await expect(convertDockerSave(pieces(archive), dir, { audit: failing })).rejects.toThrow(/scanner broke/);
  });
});
