// A layout whose root is an index (what buildx and buildctl write for several platforms): its graph,
// Hoist's annotations on the root, and reads of a blob range through the reused buffers.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testIndex } from '../../test/support/images.js';
import { annotateLayoutRoot, initLayout, readLayoutRoot, writeBlobBytes, writeIndex } from './layout.js';
import { layoutGraph, layoutSource } from './graph.js';

async function indexLayout() {
  const image = testIndex(300 * 1024);
  const dir = await mkdtemp(join(tmpdir(), 'hoist-layout-'));
  await initLayout(dir);
  for (const bytes of image.blobs.values()) await writeBlobBytes(dir, bytes);
  for (const child of image.graph.children) await writeBlobBytes(dir, child.bytes);
  const root = await writeBlobBytes(dir, image.graph.root.bytes);
  await writeIndex(dir, [{ mediaType: image.graph.root.mediaType, ...root }]);
  return { dir, image };
}

describe('layoutGraph', () => {
  it('reads an index root with every platform manifest and the blobs they share, once', async () => {
    const { dir, image } = await indexLayout();
    const graph = await layoutGraph(dir, await readLayoutRoot(dir));
    expect(graph.root.digest).toBe(image.graph.root.digest);
    expect(graph.children.map((c) => c.digest)).toEqual(image.graph.children.map((c) => c.digest));
    expect(graph.blobs.map((b) => b.digest).sort()).toEqual(image.graph.blobs.map((b) => b.digest).sort());
  });
});

describe('annotateLayoutRoot', () => {
  it('writes a new root with the annotations and points index.json at it, named by the tag', async () => {
    const { dir, image } = await indexLayout();
    const root = await annotateLayoutRoot(dir, [['org.opencontainers.image.version', '1.2.3']], '1.2.3');
    expect(root.descriptor.digest).not.toBe(image.graph.root.digest);
    expect(JSON.parse(root.bytes.toString('utf8')).annotations).toEqual({ 'org.opencontainers.image.version': '1.2.3' });
    const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string; annotations: Record<string, string> }> };
    expect(index.manifests).toEqual([
      expect.objectContaining({ digest: root.descriptor.digest, annotations: { 'org.opencontainers.image.ref.name': '1.2.3' } }),
    ]);
    expect((await layoutGraph(dir, root)).children).toHaveLength(2);
  });

  it('leaves the root as the builder wrote it when there is nothing to add', async () => {
    const { dir, image } = await indexLayout();
    expect((await annotateLayoutRoot(dir, [])).descriptor.digest).toBe(image.graph.root.digest);
  });
});

describe('layoutSource', () => {
  it('yields exactly the bytes of a range, and may reuse its buffers once the next chunk is asked for', async () => {
    const { dir, image } = await indexLayout();
    const [digest, bytes] = [...image.blobs.entries()].find(([, b]) => b.length > 256 * 1024)!;
    const copies: Buffer[] = [];
    for await (const chunk of await layoutSource(dir).open(digest, 1000, bytes.length - 7)) copies.push(Buffer.from(chunk));
    expect(Buffer.concat(copies).equals(bytes.subarray(1000, bytes.length - 7))).toBe(true);
  });
});
