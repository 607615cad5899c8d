// The pre-push audit promise on the docker path: the layers are audited as docker save streams them,
// but nothing is pushed before the audit of the whole image has passed. The leak here is in the LAST
// layer the audit reads (the image's own layer, the last in the archive): the build fails and the
// registry never hears of the repository — no tag, no manifest, no blob uploaded or mounted (the
// base's layers would be mounted from the base's repository first). Its clean twin pushes.
// Nearest real-world variant: a COPY of a .env left in the build context, the Dockerfile's last step.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hoist, lab, leaks, run, skopeoDigest, uniqueRepo } from './lab.js';

const TOKEN = `deploy-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}-token`;
const OTHER = `unrelated-${Math.random().toString(36).slice(2)}-value`;

/** Every repository the registry holds, page by page (distribution lists one once anything was uploaded, mounted or tagged in it). */
async function repositories(host: string): Promise<string[]> {
  const all: string[] = [];
  for (let next: string | undefined = `/v2/_catalog?n=1000`; next;) {
    const r: Response = await fetch(`http://${host}${next}`);
    expect(r.status).toBe(200);
    all.push(...((await r.json()) as { repositories: string[] }).repositories);
    next = /<([^>]+)>;\s*rel="next"/.exec(r.headers.get('link') ?? '')?.[1];
  }
  return all;
}

describe('docker builder: a leak in the last layer the audit reads', () => {
  const { host } = lab().registries.plain;
  const base = `${host}/${uniqueRepo('last-layer/base')}:1`;

  beforeAll(async () => {
    // A base of some size in a registry: the push would mount its layers before sending the own one.
    const ctx = await mkdtemp(join(tmpdir(), 'hoist-last-layer-base-'));
    await writeFile(join(ctx, 'Dockerfile'), `FROM ${host}/lab/busybox:1.36\nRUN head -c 4000000 /dev/urandom > /base.bin\n`);
    await run('docker', ['build', '-q', '-t', base, ctx]);
    await run('docker', ['push', '--quiet', base]);
  }, 180_000);

  async function app(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-last-layer-'));
    await writeFile(join(dir, '.env'), `DEPLOY_TOKEN=${TOKEN}\n`);
    await writeFile(join(dir, 'Dockerfile'), `FROM ${base}\nRUN head -c 2000000 /dev/urandom > /app.bin\nCOPY .env /app/.env\n`);
    return dir;
  }
  const build = (dir: string, repo: string, secret: string) =>
    hoist(['build', '--builder', 'docker', '--images', repo, '--version', '1.0.0', '--insecure-registries', host, '--json'], {
      cwd: dir,
      env: { HOIST_SECRETS: `deploy-token=${secret}` },
    });

  it('fails the build, and nothing of the image reaches the registry', async () => {
    const name = uniqueRepo('last-layer/leak');
    const r = await build(await app(), `${host}/${name}`, TOKEN);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/docker save → OCI layout: .* 4 audited as they streamed/);
    expect(r.stderr).toMatch(/secret 'deploy-token'[^\n]* in layer sha256:[a-f0-9]{64} \(COPY [^\n]*\), app\/\.env\n/);
    expect(leaks(r.stdout + r.stderr, TOKEN)).toBe(false);
    expect(await skopeoDigest(`${host}/${name}:1.0.0`)).toBeUndefined();
    expect(await repositories(host)).not.toContain(name);
  }, 180_000);

  it('its clean twin pushes the same image', async () => {
    const name = uniqueRepo('last-layer/clean');
    const r = await build(await app(), `${host}/${name}`, OTHER);
    expect(r.code, r.stderr).toBe(0);
    const digest = (JSON.parse(r.stdout) as { outputs: { digest: string } }).outputs.digest;
    expect(await skopeoDigest(`${host}/${name}:1.0.0`)).toBe(digest);
    expect(await repositories(host)).toContain(name);
  }, 180_000);
});
