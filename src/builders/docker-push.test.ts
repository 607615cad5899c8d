// The daemon's manifest turned into the layout's (docker-push.ts layoutFromPush).
// Property: every blob the manifest names is the size of the blob the layout holds — a manifest naming a shorter (or
// longer) blob is refused by name, so the run falls back to docker save rather than push an image whose registry would
// read a prefix of a layer. Nearest real variant: dockerd's manifest sized from a PATCH Range that lagged behind the
// audit (bench/run.sh base at load 17: Hoist's final push found another digest for its own 5 MiB layer).
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { tarOf } from '../../test/support/tar.js';
import { openAuditedCache } from '../audit/audited-cache.js';
import { StreamedAudit } from '../audit/streamed.js';
import type { BaseBlobs } from '../core/builder.js';
import { buildByPush, layoutFromPush, preauditBase, type BasePreaudit, type PushRun } from './docker-push.js';
import { startPushSink, type PushSink } from './push-sink.js';

let sink: PushSink | undefined;
let dir: string | undefined;

afterEach(async () => {
  await sink?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  sink = undefined;
  dir = undefined;
});

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const noBase: BasePreaudit = {
  present: async () => new Map(),
  done: async () => undefined,
  fetched: () => ({ layers: 0, bytes: 0, left: 0 }),
  stop: () => undefined,
};

/** A sink that received one layer and its config (monolithic uploads) and a manifest naming the layer at `layerSize`. */
async function pushed(layerSize: (actual: number) => number): Promise<{ layout: string; s: PushSink }> {
  dir = await mkdtemp(join(tmpdir(), 'hoist-docker-push-'));
  const layout = join(dir, 'layout');
  const s = (sink = await startPushSink({
    layoutDir: layout,
    present: async () => new Map(),
    onLayer: async (tar) => {
      for await (const _ of tar);
    },
  }));
  const tar = randomBytes(100_000);
  const layer = gzipSync(tar);
  const config = Buffer.from(JSON.stringify({ rootfs: { type: 'layers', diff_ids: [sha256(tar)] } }));
  for (const blob of [layer, config]) {
    await fetch(`http://${s.host}/v2/${s.repository}/blobs/uploads/?digest=${sha256(blob)}`, { method: 'POST', body: blob });
  }
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: sha256(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: sha256(layer), size: layerSize(layer.length) }],
  };
  await fetch(`http://${s.host}/v2/${s.repository}/manifests/run`, { method: 'PUT', body: JSON.stringify(manifest) });
  return { layout, s };
}

describe("the daemon's manifest against the blobs it sent", () => {
  it('a layer named at its own size: taken', async () => {
    const { layout, s } = await pushed((n) => n);
    const image = await layoutFromPush(layout, s, noBase);
    expect(image.manifest.layers.map((l) => l.size)).toEqual([...s.uploaded.values()].map((u) => u.size).slice(0, 1));
  });

  it('a layer named shorter than its blob: refused, naming both sizes', async () => {
    const { layout, s } = await pushed((n) => n - 4096);
    await expect(layoutFromPush(layout, s, noBase)).rejects.toThrow(/names layer sha256:[0-9a-f]{64} with \d+ bytes, its blob has \d+/);
  });
});

// The base's pre-audit over the cache of audited layers (audit/audited-cache.ts). Property: a base blob whose digest
// the cache read clean once (inflated to its diff id, audited) is not fetched at all the next time — its registry is not
// asked, the layout does not hold it (oci/adopt.ts: absent; the push mounts it or reads it there, the target checking
// the digest) — and it is counted as audited; under other secrets (another cache) it is fetched, inflated and audited
// again. Nearest real variant: the second build of the day on a self-hosted runner from the same node:22 base (issue 36:
// 200 MiB fetched again for nothing, 2.2 s of the docker path's 4.3 s); the same runner after a secret was added.
describe("the base's pre-audit over the cache of audited layers", () => {
  const TOKEN = 'ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z';
  async function preaudit(cacheDir: string, layer: Buffer, tar: Buffer, token = TOKEN) {
    const layout = join(dir!, `layout-${randomBytes(4).toString('hex')}`);
    const secrets = [{ name: 'token', value: token }];
    const cache = openAuditedCache({ HOIST_AUDIT_CACHE: cacheDir }, [Buffer.from(token)], () => undefined, 'build-1');
    const audit = new StreamedAudit(layout, secrets, { handedKeys: new Map(), redact: (t) => t }, cache);
    let opened = 0;
    const bases: BaseBlobs = {
      layers: new Map([[sha256(tar), { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layer), size: layer.length }]]),
      open: async () => (opened++, Readable.from([layer])),
    };
    const p = preauditBase(layout, Promise.resolve(bases), audit);
    await p.present();
    await p.done(sha256(layer));
    const held = await readFile(join(layout, 'blobs', 'sha256', sha256(layer).slice('sha256:'.length))).then(
      () => true,
      () => false,
    );
    return { opened, held, fromCache: audit.fromCache, fetched: p.fetched() };
  }

  it('read clean once: left in its registry the next time, counted as audited; under another secret: fetched again', async () => {
    dir = await mkdtemp(join(tmpdir(), 'hoist-docker-push-'));
    const tar = await tarOf({ 'etc/app.conf': 'token=none\n', 'bin/app': randomBytes(200_000) });
    const layer = gzipSync(tar);
    const cacheDir = join(dir, 'cache');
    const fetched = { layers: 1, bytes: layer.length, left: 0 };
    const runs = [await preaudit(cacheDir, layer, tar), await preaudit(cacheDir, layer, tar), await preaudit(cacheDir, layer, tar, `${TOKEN}x`)];
    expect(runs).toEqual([
      { opened: 1, held: true, fromCache: 0, fetched },
      { opened: 0, held: false, fromCache: 1, fetched: { layers: 0, bytes: 0, left: 1 } },
      { opened: 1, held: true, fromCache: 0, fetched },
    ]);
  });
});

// The push transfer only where the daemon's 127.0.0.1 is Hoist's. Property: the image is pushed to the sink only after
// the daemon's probe pull arrived there; a daemon whose requests go elsewhere (another network namespace: the host's
// socket mounted into a job container, a rootless dockerd) gets no push — whatever listens on that port of its loopback
// would receive the image before the audit — and the image comes through docker save, said. Nearest real variant: a
// GitLab docker executor with /var/run/docker.sock bound into the job, something on the host listening on that port.
describe("the daemon's probe pull before the push", () => {
  async function byPush(reach: boolean) {
    dir = await mkdtemp(join(tmpdir(), 'hoist-docker-push-'));
    const calls: string[] = [];
    const lines: string[] = [];
    const run: PushRun = {
      socket: '/nonexistent.sock',
      audit: undefined,
      build: async () => `sha256:${'1'.repeat(64)}`,
      removeRunTag: async () => undefined,
      save: async () => void calls.push('save'),
      push: async () => void calls.push('push'),
      probe: async (_socket, name, tag) => {
        if (!reach) return; // the daemon's pull went to another loopback
        const [host, ...path] = name.split('/');
        await fetch(`http://${host}/v2/${path.join('/')}/manifests/${tag}`);
      },
    };
    await buildByPush(run, join(dir, 'layout'), Promise.resolve(undefined), (l) => lines.push(l));
    return { calls, said: lines.some((l) => /probe pull never reached it: the daemon has another 127\.0\.0\.1 .*: it comes through docker save/.test(l)) };
  }

  it('the probe never reached the sink: nothing pushed to it, the image through docker save, said', async () => {
    expect(await byPush(false)).toEqual({ calls: ['save'], said: true });
  });

  it('the probe reached the sink: the daemon pushes', async () => {
    const r = await byPush(true);
    expect(r.calls[0]).toBe('push');
  });
});
