// Property: `hoist audit REF` and promote read what a registry sends within bounds — a blob no
// larger than its manifest declares, an image no larger than the fetch limit, a config within the
// listing limit. Real-world variants: a registry (or a proxy in front of it) that streams a layer
// without end, a manifest declaring terabytes of layers, a 1.7 GiB "config" answering promote.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryRegistry } from '../../test/support/memory-registry.js';
import { testImage } from '../../test/support/images.js';
import { recordingPlatform } from '../../test/support/pipeline.js';
import { parseReference } from '../core/reference.js';
import { pushGraph } from '../push/engine.js';
import { RegistryClient } from '../registry/client.js';
import { Redactor } from '../secrets/redact.js';
import { AUDIT_FETCH_LIMIT, auditRegistryImage } from './audit.js';

const registries: MemoryRegistry[] = [];
afterEach(async () => {
  await Promise.all(registries.splice(0).map((r) => r.close()));
});

async function pushed() {
  const reg = await MemoryRegistry.start();
  registries.push(reg);
  const image = testImage([30_000, 10_000]);
  const client = new RegistryClient({ host: reg.host, insecure: true, retries: 0, userAgent: 'test' });
  await pushGraph(image.graph, image.source, [{ repository: { registry: reg.host, host: reg.host, path: 'acme/app' }, tags: ['1'] }], {
    clientFor: () => client,
    concurrency: 2,
    perHost: 2,
  });
  return { reg, image, client };
}

const fx = () => ({ platform: recordingPlatform({}, { workspace: '/tmp', tempDir: '/tmp' }), redactor: new Redactor() });

describe('hoist audit REF: bounded writes', () => {
  it('stops a blob that sends more than its manifest declares, and leaves no partial file', async () => {
    const { reg, image, client } = await pushed();
    const layer = image.graph.blobs.find((b) => b.size === Math.max(...image.graph.blobs.map((x) => x.size)))!;
    reg.blobs.set(layer.digest, Buffer.concat([reg.blobs.get(layer.digest)!, Buffer.alloc(5 * 1024 * 1024)])); // the registry streams on
    const dir = mkdtempSync(join(tmpdir(), 'hoist-audit-'));
    await expect(auditRegistryImage(fx(), client, parseReference(`${reg.host}/acme/app:1`), dir, [])).rejects.toThrow(
      /sent more than the \d+ bytes its manifest declares: refused/,
    );
    expect(readdirSync(join(dir, 'image/blobs')).filter((f) => f.startsWith('.tmp'))).toEqual([]);
    await client.close();
  });

  it('refuses an image whose blobs declare more than the fetch limit, before writing any', async () => {
    const { reg, image, client } = await pushed();
    const total = image.graph.blobs.reduce((n, b) => n + b.size, 0);
    const dir = mkdtempSync(join(tmpdir(), 'hoist-audit-'));
    await expect(auditRegistryImage(fx(), client, parseReference(`${reg.host}/acme/app:1`), dir, [], total - 1)).rejects.toThrow(
      new RegExp(`declare ${total} bytes, more than the ${total - 1} an audit fetches to disk: refused`),
    );
    expect(existsSync(join(dir, 'image'))).toBe(false);
    // At the limit the same image is fetched (its test layers are random bytes, which the audit then cannot decompress).
    const atLimit = await auditRegistryImage(fx(), client, parseReference(`${reg.host}/acme/app:1`), dir, [], total).catch((e: Error) => e.message);
    expect(String(atLimit)).not.toMatch(/refused/);
    expect(readdirSync(join(dir, 'image/blobs/sha256')).length).toBe(image.graph.blobs.length);
    expect(AUDIT_FETCH_LIMIT).toBe(32 * 1024 ** 3);
    await client.close();
  });
});
