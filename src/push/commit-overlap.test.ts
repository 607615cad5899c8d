// A registry's commit of an upload (the closing PUT: distribution fsyncs the whole blob there) is
// waited for outside the upload slots, so the next blob streams meanwhile. The in-memory registry
// behind the fault proxy, which holds every closing PUT as a slow disk would.
import { describe, expect, it } from 'vitest';
import { FaultProxy } from '../../test/support/fault-proxy.js';
import { MemoryRegistry } from '../../test/support/memory-registry.js';
import { testImage } from '../../test/support/images.js';
import { parseRepository } from '../core/reference.js';
import { RegistryClient } from '../registry/client.js';
import { pushGraph } from './engine.js';

const KiB = 1024;
const closing = (r: { method: string; path: string; bytes: number }) => r.method === 'PUT' && r.path.includes('/blobs/uploads/') && r.bytes === 0;

async function push(stallMs: number) {
  await using registry = await MemoryRegistry.start();
  /** When each closing PUT reached the proxy (it is then held `stallMs`). */
  const commits: number[] = [];
  const stall = (req: { method: string; path: string }) => {
    if (req.method !== 'PUT' || !req.path.includes('/blobs/uploads/')) return 0;
    commits.push(performance.now());
    return stallMs;
  };
  await using proxy = await FaultProxy.start(registry.host, { stall });
  // Streamed uploads (POST, PATCH, closing PUT) even for these small blobs.
  const client = new RegistryClient({ host: proxy.host, insecure: true, retries: 0, userAgent: 't', profile: { monolithicUpTo: 0 } });
  const image = testImage([64 * KiB, 64 * KiB]);
  const [report] = await pushGraph(image.graph, image.source, [{ repository: parseRepository(`${proxy.host}/app`), tags: ['1'] }], {
    clientFor: () => client,
    concurrency: 1,
    perHost: 1,
  });
  await client.close();
  return { report: report!, requests: registry.requests.map((r) => ({ ...r })), blobs: image.graph.blobs.length, commits };
}

describe('uploads and their commits', () => {
  it('streams the next blob while the registry commits the last one, on a single slot', async () => {
    const { report, requests, blobs } = await push(1000); // long enough for the next HEAD, POST and PATCH on a loaded machine
    expect(report.error).toBeUndefined();
    expect(report.blobsUploaded).toBe(blobs);
    const firstCommit = requests.findIndex(closing);
    const patches = requests.slice(0, firstCommit).filter((r) => r.method === 'PATCH');
    // Before: one slot held each upload to its commit — one PATCH, then the held PUT, then the next.
    expect(patches.length).toBeGreaterThan(1);
    expect(requests.filter(closing)).toHaveLength(blobs); // every blob committed, once
  });

  it('waits on no more commits at once than it has slots: one slot, one commit in flight', async () => {
    const { report, commits } = await push(1000);
    expect(report.error).toBeUndefined();
    expect(commits).toHaveLength(3);
    // Unbounded, the second and third commits were sent while the first was held (ms apart).
    for (let i = 1; i < commits.length; i++) expect(commits[i]! - commits[i - 1]!).toBeGreaterThan(900);
  });

  it('a registry that commits at once: each upload is still committed before the manifest goes', async () => {
    const { report, requests } = await push(0);
    expect(report.error).toBeUndefined();
    const manifest = requests.findIndex((r) => r.method === 'PUT' && r.path.includes('/manifests/'));
    expect(requests.slice(manifest).filter(closing)).toEqual([]);
    expect(report.references).toHaveLength(1);
  });
});
