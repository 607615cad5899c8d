// Property: the reads of what a registry already holds (HEADs of the image's manifest and of each
// tag) go beside the upload slots but never past `concurrency`, the requests in flight across all
// registries: `concurrency: 1` is one request at a time. Nearest real-world variant: a team's own
// registry behind a proxy that revokes a token once used (trust.test), or one that drops a second
// connection — the reason a user sets concurrency to 1.
import { describe, expect, it } from 'vitest';
import { FaultProxy } from '../../test/support/fault-proxy.js';
import { testImage } from '../../test/support/images.js';
import { MemoryRegistry } from '../../test/support/memory-registry.js';
import { parseRepository } from '../core/reference.js';
import { RegistryClient } from '../registry/client.js';
import { pushGraph } from './engine.js';

/** Pushes a small image under four tags, each manifest HEAD held `holdMs`; when each HEAD began. */
async function heads(concurrency: number, holdMs: number) {
  await using registry = await MemoryRegistry.start();
  const began: number[] = [];
  const stall = (req: { method: string; path: string }) => {
    if (req.method !== 'HEAD' || !req.path.includes('/manifests/')) return 0;
    began.push(performance.now());
    return holdMs;
  };
  await using proxy = await FaultProxy.start(registry.host, { stall });
  const client = new RegistryClient({ host: proxy.host, insecure: true, retries: 0, userAgent: 't' });
  const image = testImage([1024]);
  const [report] = await pushGraph(image.graph, image.source, [{ repository: parseRepository(`${proxy.host}/app`), tags: ['1.0.0', '1.0', '1', 'latest'] }], {
    clientFor: () => client,
    concurrency,
    perHost: Math.max(1, Math.ceil(concurrency / 2)),
  });
  await client.close();
  return { report: report!, began: began.sort((a, b) => a - b) };
}

/** The most HEADs that began within `holdMs` of each other: how many were in flight at once. */
const overlapping = (began: number[], holdMs: number) => Math.max(...began.map((t) => began.filter((u) => u >= t && u - t < holdMs * 0.8).length));

describe('presence reads and the concurrency limit', () => {
  it('concurrency 1: one manifest HEAD at a time', async () => {
    const { report, began } = await heads(1, 300);
    expect(report.error).toBeUndefined();
    expect(began.length).toBeGreaterThanOrEqual(5); // the image's manifest and each of the four tags
    expect(overlapping(began, 300)).toBe(1);
  });

  it('concurrency 6 (3 slots a registry): the reads go beside the slots, up to the global limit', async () => {
    const { report, began } = await heads(6, 300);
    expect(report.error).toBeUndefined();
    const most = overlapping(began, 300);
    expect(most).toBeGreaterThan(3);
    expect(most).toBeLessThanOrEqual(6);
  });
});
