// A layer of docker save's archive hashed, written and audited as it streams (layer-stream.ts): the
// archive runs ahead of a slower audit, bounded; every byte reaches the audit and the file in order;
// each side's failure is the conversion's, with its own message, and leaves no file behind.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { LayerAudit } from '../core/builder.js';
import { AUDIT_AHEAD, streamAuditedLayer, streamBlob } from './layer-stream.js';
import { blobPath } from './layout.js';

const CHUNK = 65536;
/** `count` pipe-sized chunks, each filled with its own number (so order shows), counting what was pulled. */
function archive(count: number, pulled = { bytes: 0 }, failAt?: number) {
  const chunks = Array.from({ length: count }, (_, i) => Buffer.alloc(CHUNK, i % 251));
  async function* source() {
    for (const [i, c] of chunks.entries()) {
      if (i === failAt) throw new Error('docker save ended early: unexpected end of data');
      pulled.bytes += c.length;
      yield c;
    }
  }
  return { source: source(), whole: Buffer.concat(chunks), pulled };
}

const layoutDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-unit-'));
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  return dir;
};
const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('a layer streamed into the layout and the audit', () => {
  it('runs ahead of a slower audit by its read-ahead and no further; the audit and the file get every byte in order', async () => {
    const { source, whole, pulled } = archive(256); // 16 MiB
    let lead = 0;
    const seen: Buffer[] = [];
    const slow: LayerAudit = {
      async layer(stream, digest) {
        let n = 0;
        for await (const c of stream) {
          seen.push(c);
          n += c.length;
          lead = Math.max(lead, pulled.bytes - n);
          await sleep(1); // slower than the disk: the archive runs ahead into the queue
        }
        expect(await digest).toBe(sha(whole));
      },
    };
    const dir = await layoutDir();
    const blob = await streamAuditedLayer(source, dir, slow);
    expect(blob).toEqual({ digest: sha(whole), size: whole.length });
    expect(Buffer.concat(seen).equals(whole)).toBe(true);
    expect((await readFile(blobPath(dir, blob.digest))).equals(whole)).toBe(true);
    expect(lead).toBeGreaterThan(AUDIT_AHEAD / 2); // docker save is not held chunk by chunk
    expect(lead).toBeLessThan(AUDIT_AHEAD + 256 * 1024); // unbounded, it would reach 16 MiB
  });

  it('a failing audit fails the layer with its own error, stops reading the archive, and leaves no file', async () => {
    const { source, pulled } = archive(256);
    const failing: LayerAudit = {
      async layer(stream) {
        let n = 0;
        for await (const c of stream) if ((n += c.length) > 1024 * 1024) throw new Error('the scanner gave up');
      },
    };
    const dir = await layoutDir();
    await expect(streamAuditedLayer(source, dir, failing)).rejects.toThrow(/^the scanner gave up$/);
    expect(pulled.bytes).toBeLessThan(1024 * 1024 + AUDIT_AHEAD + 256 * 1024);
    expect(await readdir(join(dir, 'blobs'))).toEqual(['sha256']);
  });

  it('an archive that ends early fails the layer with its error, not the audit echo of it, and leaves no file', async () => {
    const { source } = archive(64, undefined, 40);
    let told: unknown;
    const reader: LayerAudit = {
      async layer(stream) {
        try {
          for await (const _ of stream) void _;
        } catch (e) {
          told = e;
          throw new Error('the layer stream ended early');
        }
      },
    };
    const dir = await layoutDir();
    await expect(streamAuditedLayer(source, dir, reader)).rejects.toThrow(/^docker save ended early: unexpected end of data$/);
    expect(String(told)).toMatch(/unexpected end of data/);
    expect(await readdir(join(dir, 'blobs'))).toEqual(['sha256']);
  });

  it('a layer not audited is hashed and written whole', async () => {
    const { source, whole } = archive(40);
    const dir = await layoutDir();
    const blob = await streamBlob(source, dir);
    expect(blob).toEqual({ digest: sha(whole), size: whole.length });
    expect((await readFile(blobPath(dir, blob.digest))).equals(whole)).toBe(true);
  });
});
