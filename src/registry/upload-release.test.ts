/**
 * When an upload gives a body's buffers back to its source (`LentChunks.release`, oci/graph.ts).
 *
 * Property: a body is released only once the registry has answered its request with success — so
 * the registry already holds every byte, none can still be queued on a socket — and the body of
 * an attempt that was cut or refused is never released (its last chunk may still sit unflushed in
 * a socket the source cannot see). Checked through monolithic, streamed and chunked uploads, cut
 * and refused, against the in-process registry.
 * Nearest real-world variant: a push of many layers to several registries on a flaky link (the
 * engine's uploads, with the layout source's pool behind them: src/oci/read-pool.test.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryRegistry } from '../../test/support/memory-registry.js';
import { RegistryClient, type ClientOptions } from './client.js';

const MiB = 1024 * 1024;
const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const noSleep = async () => undefined;

interface Lent {
  start: number;
  end: number;
  finished: boolean;
  /** What the registry held when the body was released (undefined: never released). */
  releasedWith?: { requests: number; hasBlob: boolean };
}

/** An opener that lends its chunks and records each body: whether it was read to the end, and when it was released. */
function lender(blob: Buffer, reg: MemoryRegistry) {
  const bodies: Lent[] = [];
  const open = (start: number, end: number) => {
    const body: Lent = { start, end, finished: false };
    bodies.push(body);
    async function* chunks(): AsyncGenerator<Buffer> {
      for (let at = start; at < end; at += 256 * 1024) yield blob.subarray(at, Math.min(end, at + 256 * 1024));
      body.finished = true;
    }
    return Object.assign(chunks(), {
      release: () => {
        expect(body.releasedWith, 'released twice').toBeUndefined();
        body.releasedWith = { requests: reg.requests.length, hasBlob: reg.blobs.has(sha(blob)) };
      },
    });
  };
  return { bodies, open };
}

const clientOf = (reg: MemoryRegistry, o: Partial<ClientOptions> = {}) =>
  new RegistryClient({ host: reg.host, insecure: true, retries: 3, userAgent: 't', sleep: noSleep, ...o });

describe('upload: a body is released only after the registry accepted it', () => {
  it('monolithic: released once the registry holds the blob; a cut attempt never', async () => {
    const blob = randomBytes(2 * MiB + 17);
    let cuts = 0;
    await using reg = await MemoryRegistry.start({ fault: (r) => (r.method === 'PUT' && cuts++ === 0 ? { dropAfterBytes: MiB } : undefined) });
    const c = clientOf(reg, { profile: { mode: 'monolithic' } });
    const { bodies, open } = lender(blob, reg);
    await c.uploadBlob('a/b', { digest: sha(blob), size: blob.length }, open);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]!.releasedWith).toBeUndefined();
    expect(bodies[1]!.releasedWith).toMatchObject({ hasBlob: true });
    await c.close();
  });

  it('streamed PATCH: the cut attempts are never released, the one the registry answered is', async () => {
    const blob = randomBytes(8 * MiB);
    let cuts = 0;
    await using reg = await MemoryRegistry.start({ fault: (r) => (r.method === 'PATCH' && cuts++ < 2 ? { dropAfterBytes: 3 * MiB } : undefined) });
    const c = clientOf(reg);
    const { bodies, open } = lender(blob, reg);
    await c.uploadBlob('a/b', { digest: sha(blob), size: blob.length }, open);
    const released = bodies.filter((b) => b.releasedWith);
    expect(bodies.length).toBeGreaterThanOrEqual(3);
    expect(released).toHaveLength(1);
    expect(released[0]).toBe(bodies.at(-1));
    expect(released[0]!.end).toBe(blob.length);
    await c.close();
  });

  it('chunked: each accepted chunk is released after its answer, a refused (413) one never', async () => {
    const blob = randomBytes(5 * MiB + 123);
    await using reg = await MemoryRegistry.start({ maxChunk: 1.5 * MiB });
    const c = clientOf(reg, { profile: { mode: 'chunked', chunkSize: 4 * MiB } });
    const { bodies, open } = lender(blob, reg);
    await c.uploadBlob('a/b', { digest: sha(blob), size: blob.length }, open);
    const refused = bodies.filter((b) => b.end - b.start > 1.5 * MiB);
    expect(refused.length).toBeGreaterThan(0);
    for (const b of refused) expect(b.releasedWith).toBeUndefined();
    const accepted = bodies.filter((b) => b.end - b.start <= 1.5 * MiB);
    // Together the accepted chunks are the blob, each released once read to its end and answered.
    expect(accepted.reduce((n, b) => n + b.end - b.start, 0)).toBe(blob.length);
    for (const b of accepted) expect(b.finished && b.releasedWith !== undefined).toBe(true);
    await c.close();
  });

  it('a request refused with a server error is sent again; only the accepted one is released', async () => {
    const blob = randomBytes(300 * 1024);
    let refusals = 0;
    await using reg = await MemoryRegistry.start({ fault: (r) => (r.method === 'PUT' && refusals++ === 0 ? { status: 503 } : undefined) });
    const c = clientOf(reg, { profile: { mode: 'monolithic' } });
    const { bodies, open } = lender(blob, reg);
    await c.uploadBlob('a/b', { digest: sha(blob), size: blob.length }, open);
    expect(bodies.filter((b) => b.releasedWith)).toEqual([bodies.at(-1)]);
    expect(bodies.at(-1)!.releasedWith).toMatchObject({ hasBlob: true });
    await c.close();
  });
});
