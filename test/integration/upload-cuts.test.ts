// What the lab's distribution 2.8 keeps of an upload whose connection was cut, and what the client
// does about it: each branch of upload.ts's recovery, against the real registry, behind a proxy
// written here that cuts a chosen PATCH either before any of its body reaches the registry or
// part-way through it.
//
// Distribution 2.8 signs the upload's offset into the `_state` of every Location it answers. A PATCH
// cut part-way leaves more bytes in the upload than the last `_state` says, so any request on that
// URL — the client's GET for `Range` included — is refused (404 BLOB_UPLOAD_INVALID): the session is
// lost, with every chunk accepted before the cut. A PATCH cut before its body reached the registry
// leaves the sizes equal: the GET answers `Range` and the upload resumes there.
import { createHash } from 'node:crypto';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { RegistryClient } from '../../src/registry/client.js';
import type { UploadProfile } from '../../src/registry/profiles.js';
import { seeded, testSeed } from '../support/random.js';
import { lab, uniqueRepo } from './lab.js';

const MiB = 1024 * 1024;

type Cut = 'before-body' | 'mid-body';

/** A proxy in front of the lab's plain registry that cuts the PATCHes `cuts` names (1 = the first PATCH). */
async function cuttingProxy(cuts: Map<number, Cut>) {
  const upstream = lab().registries.plain.host;
  const seen = { patches: 0, forwardedBodyBytes: 0, answers: [] as Array<{ method: string; status: number; code?: string }> };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const cut = req.method === 'PATCH' ? cuts.get(++seen.patches) : undefined;
    if (cut === 'before-body') {
      // Read a little of the body (the client is sending), forward nothing, then cut.
      req.once('data', () => setTimeout(() => req.socket.destroy(), 10));
      return;
    }
    const [hostname, port] = upstream.split(':');
    const up = request({ hostname, port: Number(port), method: req.method, path: req.url, headers: req.headers }, (r) => {
      const parts: Buffer[] = [];
      r.on('data', (c: Buffer) => parts.push(c));
      r.on('end', () => {
        const code = /"code":"([A-Z_]+)"/.exec(Buffer.concat(parts).toString())?.[1];
        seen.answers.push({ method: req.method ?? '', status: r.statusCode ?? 0, ...(code ? { code } : {}) });
      });
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    let passed = 0;
    const limit = cut === 'mid-body' ? Math.floor(Number(req.headers['content-length']) / 2) : Infinity;
    req.on('data', (chunk: Buffer) => {
      const keep = chunk.subarray(0, Math.max(0, limit - passed));
      passed += keep.length;
      seen.forwardedBodyBytes += keep.length;
      up.write(keep);
      if (passed >= limit) {
        req.pause();
        // Let the registry write what it got, then cut both sides.
        setTimeout(() => (up.destroy(), req.socket.destroy()), 50);
      }
    });
    req.on('end', () => passed < limit && up.end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    seen,
    [Symbol.asyncDispose]: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Uploads `size` seeded bytes through `proxyHost` with `profile`; the stats, events and the blob's digest. */
async function upload(proxyHost: string, size: number, seed: number, profile: Partial<UploadProfile>) {
  const bytes = seeded(seed).bytes(size);
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const repo = uniqueRepo('upload-cuts/blob');
  const client = new RegistryClient({ host: proxyHost, insecure: true, retries: 4, userAgent: 'hoist-test', sleep: async () => {}, profile });
  const events: string[] = [];
  // The blob in 256 KiB chunks, as a layout source gives it.
  const open = async function* (start: number, end: number) {
    for (let at = start; at < end; at += 256 * 1024) yield bytes.subarray(at, Math.min(end, at + 256 * 1024));
  };
  try {
    const stats = await client.uploadBlob(repo, { digest, size }, open, { onEvent: (e) => events.push(e) });
    // What the registry holds under that digest, read back and hashed.
    const stored = await client.fetchBlob(repo, digest);
    const hash = createHash('sha256');
    for await (const c of stored) hash.update(c as Buffer);
    return { stats, events, digest, storedDigest: `sha256:${hash.digest('hex')}` };
  } finally {
    await client.close();
  }
}

const chunked: Partial<UploadProfile> = { name: 'distribution', mode: 'chunked', chunkSize: 1 * MiB, monolithicUpTo: 0, trustRange: true };
const streamed: Partial<UploadProfile> = { name: 'distribution', mode: 'stream', monolithicUpTo: 0, trustRange: true };

describe('an upload cut on its way to distribution 2.8', () => {
  const seed = testSeed(36);
  const size = 5 * MiB + 12345;

  it(`clean twin: through the same proxy without cuts, one session, every byte once (seed ${seed})`, async () => {
    await using proxy = await cuttingProxy(new Map());
    const r = await upload(proxy.host, size, seed, chunked);
    expect(r.storedDigest).toBe(r.digest);
    expect(r.stats).toEqual({ bytesSent: size, resumed: 0, restarted: 0 });
  });

  it(`resumes from the registry's Range when the cut PATCH delivered nothing: identical digest, nothing sent twice but the cut body (seed ${seed})`, async () => {
    await using proxy = await cuttingProxy(new Map([[3, 'before-body']]));
    const r = await upload(proxy.host, size, seed, chunked);
    expect(r.storedDigest).toBe(r.digest);
    expect(r.stats.resumed).toBe(1);
    expect(r.stats.restarted).toBe(0);
    expect(r.events.join('\n')).toMatch(new RegExp(`resuming at byte ${2 * MiB} of ${size}`));
    // The registry got each byte once: the cut PATCH's body never reached it.
    expect(proxy.seen.forwardedBodyBytes).toBe(size);
    expect(r.stats.bytesSent).toBeLessThanOrEqual(size + 1 * MiB);
    expect(proxy.seen.answers.find((a) => a.method === 'GET')).toEqual({ method: 'GET', status: 204 });
  });

  it(`starts a session lost to a PATCH cut part-way over, and the blob still lands whole (chunked: the chunks before the cut are lost too) (seed ${seed})`, async () => {
    await using proxy = await cuttingProxy(new Map([[3, 'mid-body']]));
    const r = await upload(proxy.host, size, seed, chunked);
    expect(r.storedDigest).toBe(r.digest);
    expect(r.stats.restarted).toBe(1);
    expect(r.stats.resumed).toBe(0);
    // What distribution does with the session: the GET for its Range is refused.
    expect(proxy.seen.answers.find((a) => a.method === 'GET')).toEqual({ method: 'GET', status: 404, code: 'BLOB_UPLOAD_INVALID' });
    // Two chunks accepted and half of the third were sent before the cut, then the whole blob again.
    expect(proxy.seen.forwardedBodyBytes).toBe(2 * MiB + MiB / 2 + size);
  });

  it(`streamed (one PATCH per blob): a cut part-way loses the session likewise, and the blob lands whole (seed ${seed})`, async () => {
    await using proxy = await cuttingProxy(new Map([[1, 'mid-body']]));
    const r = await upload(proxy.host, size, seed, streamed);
    expect(r.storedDigest).toBe(r.digest);
    expect(r.stats).toMatchObject({ resumed: 0, restarted: 1 });
    expect(proxy.seen.answers.find((a) => a.method === 'GET')).toEqual({ method: 'GET', status: 404, code: 'BLOB_UPLOAD_INVALID' });
    expect(proxy.seen.forwardedBodyBytes).toBe(Math.floor(size / 2) + size);
  });
});
