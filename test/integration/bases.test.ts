// Same content, same digest. A base image made and compressed by another tool (skopeo, gzip level
// 9) sits in the plain registry and, copied there by skopeo, in the TLS and token registries. Built
// on it with the Docker daemon's BuildKit (whose `docker save` hands back every layer uncompressed)
// and with buildah, the image names the base's own blobs: a registry holding the base is sent only
// the image's own layers and config, a second repository mounts everything, and a promotion to
// another registry holding the base sends exactly the image's own bytes (figured from skopeo's view
// by diff id). And two builds of one commit — the second without the cache — give one digest.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { lab, password, ROOT, run, runAction, toolEnv, uniqueRepo } from './lab.js';

const exec = promisify(execFile);

interface Manifest {
  config: { digest: string; size: number };
  layers: Array<{ digest: string; size: number }>;
}

/** skopeo's view: the manifest (raw) and the config's diff ids. */
async function skopeoImage(reference: string, auth: string[]): Promise<{ manifest: Manifest; diffIds: string[] }> {
  const manifest = JSON.parse(await run('skopeo', ['inspect', '--raw', ...auth, `docker://${reference}`])) as Manifest;
  const config = JSON.parse(await run('skopeo', ['inspect', '--config', '--raw', ...auth, `docker://${reference}`])) as { rootfs: { diff_ids: string[] } };
  return { manifest, diffIds: config.rootfs.diff_ids };
}

interface Transfer {
  blobsUploaded: number;
  blobsMounted: number;
  blobsSkipped: number;
  bytesSent: number;
}

const transfers = (outputs: Record<string, string>) =>
  (JSON.parse(outputs.metadata!) as { images: Array<{ repository: string; transfer: Transfer }> }).images.map((i) => i.transfer);

async function gitWorkspace(dockerfile: string): Promise<string> {
  const ws = await mkdtemp(join(tmpdir(), 'hoist-ws-'));
  await writeFile(join(ws, 'Dockerfile'), dockerfile);
  await writeFile(join(ws, 'app.txt'), 'the application\n');
  const git = (...args: string[]) =>
    exec('git', args, { cwd: ws, env: { ...toolEnv(), GIT_AUTHOR_DATE: '2026-11-20T09:30:00Z', GIT_COMMITTER_DATE: '2026-11-20T09:30:00Z' } });
  await git('init', '-q');
  await git('add', '-A');
  await git('-c', 'user.email=ci@acme.test', '-c', 'user.name=ci', 'commit', '-qm', 'app');
  return ws;
}

describe('base layers keep their own blobs', () => {
  const { plain, tls, token } = lab().registries;
  const tlsAuth = `${tls.host}=${tls.username}:${password(tls.passwordFile)}`;
  const tokenAuth = `${token.host}=${token.username}:${password(token.passwordFile)}`;
  const group = uniqueRepo('bases');
  const base = `${group}/base`;
  let authDir = '';
  const skopeoAuth = (host: string) => [
    ...(host === tls.host ? ['--cert-dir', tls.certDir] : ['--tls-verify=false']),
    '--authfile',
    join(authDir, 'auth.json'),
  ];
  let baseView: { manifest: Manifest; diffIds: string[] };

  beforeAll(async () => {
    authDir = await mkdtemp(join(tmpdir(), 'hoist-auth-'));
    const auth = (u: string, f: string) => Buffer.from(`${u}:${password(f)}`).toString('base64');
    await writeFile(
      join(authDir, 'auth.json'),
      JSON.stringify({
        auths: { [tls.host]: { auth: auth(tls.username, tls.passwordFile) }, [token.host]: { auth: auth(token.username, token.passwordFile) } },
      }),
      { mode: 0o600 },
    );
    // The base: two layers, made by docker and compressed by skopeo at gzip level 9 (not how Hoist compresses).
    const ctx = await mkdtemp(join(tmpdir(), 'hoist-base-'));
    await writeFile(join(ctx, 'Dockerfile'), `FROM ${plain.host}/lab/busybox:1.36\nRUN head -c 3000000 /dev/urandom > /base-${group}.bin\n`);
    const local = `hoist-lab/${group}:1`;
    await exec('docker', ['build', '-q', '-t', local, ctx], { env: { ...toolEnv(), DOCKER_BUILDKIT: '1' } });
    const daemon = ['--src-daemon-host', lab().docker.host];
    await run('skopeo', [
      'copy',
      '-q',
      ...daemon,
      '--dest-tls-verify=false',
      '--dest-compress-level',
      '9',
      `docker-daemon:${local}`,
      `docker://${plain.host}/${base}:1`,
    ]);
    await exec('docker', ['rmi', local], { env: toolEnv() });
    // Copied as they are to the registries that will hold it. --preserve-digests: without it skopeo's
    // blob-info cache (/var/lib/containers/cache, grown by every earlier run on the machine) may name
    // another compression of busybox's layer the registry already holds, and the copy's manifest then
    // names that blob, not the base's — the base is no longer mountable under its own digests.
    for (const host of [tls.host, token.host]) {
      const dest = host === tls.host ? ['--dest-cert-dir', tls.certDir] : ['--dest-tls-verify=false'];
      await run('skopeo', [
        'copy',
        '-q',
        '--preserve-digests',
        '--src-tls-verify=false',
        ...dest,
        '--dest-authfile',
        join(authDir, 'auth.json'),
        `docker://${plain.host}/${base}:1`,
        `docker://${host}/${base}:1`,
      ]);
    }
    baseView = await skopeoImage(`${plain.host}/${base}:1`, ['--tls-verify=false']);
    if (baseView.manifest.layers.length !== 2) throw new Error(`the base has ${baseView.manifest.layers.length} layers, not 2`);
  }, 120_000);

  it.each(['docker', 'buildah'])(
    'builder %s: the base is mounted, only the image’s own layer and config are sent; a second repository mounts everything',
    async (builder) => {
      const ws = await gitWorkspace(`FROM ${plain.host}/${base}:1\nCOPY app.txt /app/app.txt\nRUN echo ${builder}-${group} > /app/built\n`);
      const app = `${tls.host}/${group}/app-${builder}`;
      const r = await runAction({
        workspace: ws,
        inputs: {
          images: `${app}\n${app}-mirror`,
          version: '1.0.0',
          builder,
          'registry-auth': tlsAuth,
          'registry-ca': `${tls.host}=${tls.ca}`,
          'insecure-registries': plain.host,
        },
      });
      expect(r.errors).toEqual([]);
      const pushed = await skopeoImage(`${app}:1.0.0`, skopeoAuth(tls.host));
      // The base's layers by the base's own digests (the registry's, not a recompression).
      expect(pushed.manifest.layers.slice(0, 2).map((l) => l.digest)).toEqual(baseView.manifest.layers.map((l) => l.digest));
      const own = pushed.manifest.layers.filter((_, i) => !baseView.diffIds.includes(pushed.diffIds[i]!));
      expect(own.length).toBe(2); // COPY and RUN
      const ownBytes = own.reduce((n, l) => n + l.size, 0) + pushed.manifest.config.size;
      const [t] = transfers(r.outputs);
      // Both repositories are on one registry: one report. The base mounted into the first, the second mounts all four.
      expect(t!.bytesSent).toBe(ownBytes);
      expect(t!.blobsUploaded).toBe(3);
      expect(t!.blobsMounted).toBe(2 + 5);
      expect(r.log).toMatch(/Base .*: 2 layers \([\d.]+ MiB\) known by their registry digests/);
    },
    180_000,
  );

  it('promotion to a registry holding the base sends exactly the image’s own layers and config', async () => {
    const ws = await gitWorkspace(`FROM ${plain.host}/${base}:1\nRUN head -c 400000 /dev/urandom > /private\n`);
    const src = `${plain.host}/${group}/staging`;
    const built = await runAction({ workspace: ws, inputs: { images: src, version: '2.0.0', builder: 'docker', 'insecure-registries': plain.host } });
    expect(built.errors).toEqual([]);
    const image = await skopeoImage(`${src}@${built.outputs.digest}`, ['--tls-verify=false']);
    const own = image.manifest.layers.filter((_, i) => !baseView.diffIds.includes(image.diffIds[i]!));
    expect(own.length).toBe(1);
    const dest = `${token.host}/${group}/production`;
    const r = await runAction({
      workspace: ws,
      actionFile: join(ROOT, 'promote/action.yml'),
      inputs: {
        source: `${src}@${built.outputs.digest}`,
        destinations: dest,
        tags: '2.0.0',
        'registry-auth': tokenAuth,
        'insecure-registries': `${plain.host}, ${token.host}`,
      },
    });
    expect(r.errors).toEqual([]);
    expect(Number(r.outputs['bytes-sent'])).toBe(own[0]!.size + image.manifest.config.size);
    expect(Number(r.outputs['bytes-shared'])).toBe(baseView.manifest.layers.reduce((n, l) => n + l.size, 0));
    expect(r.summary).toMatch(/MiB \(the image's own\); [\d.]+ MiB shared with what the destinations had/);
  }, 180_000);

  it.each(['docker', 'buildah'])(
    'builder %s, reproducible: a rebuild of the commit without the cache, seconds later, gives the same digest',
    async (builder) => {
      const ws = await gitWorkspace(
        `FROM ${plain.host}/${base}:1\nCOPY app.txt /app/app.txt\nRUN mkdir -p /var/app && echo ${builder}-${group} > /var/app/state\n`,
      );
      const image = `${plain.host}/${group}/repro-${builder}`;
      const build = (noCache: boolean) =>
        runAction({
          workspace: ws,
          inputs: { images: image, tags: 'r', builder, reproducible: 'true', 'no-cache': String(noCache), 'insecure-registries': plain.host },
        });
      const first = await build(false);
      expect(first.errors).toEqual([]);
      expect(first.log).toContain("Created 2026-11-20T09:30:00Z (from the checkout's commit time (git)): reproducible");
      await new Promise((done) => setTimeout(done, 2000));
      const second = await build(true);
      expect(second.errors).toEqual([]);
      expect(second.outputs.digest).toBe(first.outputs.digest);
    },
    240_000,
  );

  it('without reproducible, two cached builds of one commit outside any event payload give one digest', async () => {
    const ws = await gitWorkspace(`FROM ${plain.host}/${base}:1\nCOPY app.txt /app/app.txt\n`);
    const build = () =>
      runAction({ workspace: ws, inputs: { images: `${plain.host}/${group}/cached`, tags: 'c', builder: 'docker', 'insecure-registries': plain.host } });
    const first = await build();
    expect(first.errors).toEqual([]);
    await new Promise((done) => setTimeout(done, 1500));
    const second = await build();
    expect(second.outputs.digest).toBe(first.outputs.digest);
    expect(JSON.parse(second.outputs.metadata!).created).toEqual({ created: '2026-11-20T09:30:00Z', from: "the checkout's commit time (git)" });
  }, 180_000);
});
