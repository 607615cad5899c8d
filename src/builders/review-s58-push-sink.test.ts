// Review of s58 (H7): the docker push path's loopback registry (push-sink.ts) answers only the push it was started for.
// Its repository is random per run (`hoist-run-<16 hex>`) so that nothing else is taken for the daemon's push, but
// every route matched `/v2/.+/…`: any repository. Another process on the machine's loopback — a second Hoist run's
// daemon push that reached the wrong port, a curl, another job of a shell runner — could PUT a manifest the run then
// took as the image it built (the last PUT wins: the release pushed would be that one), or be told the sink holds the
// base's blobs. Property: a request naming another repository is refused (404 NAME_UNKNOWN, as distribution answers),
// and neither its manifest nor its HEAD changes what the sink took. Nearest real variant: two `hoist build` runs of a
// shell executor on one machine, with HOIST_DOCKER_TRANSFER=push, and a daemon retrying a push to a stale port.
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPushSink, type PushSink } from './push-sink.js';

const BASE_BLOB = `sha256:${createHash('sha256').update('base layer').digest('hex')}`;
let sink: PushSink | undefined;
let dir: string | undefined;

afterEach(async () => {
  await sink?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  sink = undefined;
  dir = undefined;
});

async function started(): Promise<PushSink> {
  dir = await mkdtemp(join(tmpdir(), 'hoist-review-s58-sink-'));
  sink = await startPushSink({ layoutDir: join(dir, 'layout'), present: async () => new Map([[BASE_BLOB, 10]]) });
  return sink;
}

const manifest = (tag: string) =>
  Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', tag, layers: [] }));

describe('the push sink answers its own repository only', () => {
  it('a manifest PUT to another repository: refused, the sink holds none', async () => {
    const s = await started();
    const r = await fetch(`http://${s.host}/v2/someone-else/app/manifests/latest`, {
      method: 'PUT',
      headers: { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' },
      body: manifest('other'),
    });
    expect({ status: r.status, taken: s.manifest() !== undefined }).toEqual({ status: 404, taken: false });
  });

  it("another repository's manifest PUT after the run's own: the run's manifest kept", async () => {
    const s = await started();
    const own = manifest('own');
    await fetch(`http://${s.host}/v2/${s.repository}/manifests/run`, { method: 'PUT', body: own });
    await fetch(`http://${s.host}/v2/hoist-run-0000000000000000/manifests/run`, { method: 'PUT', body: manifest('other') });
    expect(s.manifest()?.digest).toBe(`sha256:${createHash('sha256').update(own).digest('hex')}`);
  });

  it("a HEAD of the base's blob in another repository: not vouched for", async () => {
    const s = await started();
    const r = await fetch(`http://${s.host}/v2/someone-else/app/blobs/${BASE_BLOB}`, { method: 'HEAD' });
    expect({ status: r.status, vouched: [...s.vouched] }).toEqual({ status: 404, vouched: [] });
  });

  it('a blob upload into another repository: refused', async () => {
    const s = await started();
    const r = await fetch(`http://${s.host}/v2/someone-else/app/blobs/uploads/`, { method: 'POST' });
    expect(r.status).toBe(404);
  });
});
