// buildah pulling a base from a loopback registry, with no insecure-registries, on the shipped
// dist/cli.js: one that answers in plain HTTP is reached over HTTP (as Docker and Hoist's own client
// do; before, buildah failed with "server gave HTTP response to HTTPS client" whenever the base was
// not in its storage already), one that speaks TLS keeps TLS with its CA. Each base is copied to a
// repository of its own first, so buildah's storage cannot hold it and the pull is real.
// Nearest real-world variant: a CI job with a registry:2 service on localhost:5000 holding the bases.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hoist, lab, password, run, uniqueRepo } from './lab.js';

async function project(base: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-buildah-loopback-'));
  await writeFile(join(dir, 'Dockerfile'), `FROM ${base}\nRUN echo built > /built\n`);
  return dir;
}

describe('buildah and loopback registries', () => {
  it('a base on a plain-HTTP loopback registry is pulled over HTTP, and the log says so', async () => {
    const plain = lab().registries.plain.host;
    const base = `${plain}/${uniqueRepo('buildah-loopback/base')}:1.36`;
    await run('skopeo', ['copy', '-q', '--src-tls-verify=false', '--dest-tls-verify=false', `docker://${plain}/lab/busybox:1.36`, `docker://${base}`]);
    const dir = await project(base);
    try {
      const r = await hoist(
        ['build', '--builder', 'buildah', '--images', `${plain}/${uniqueRepo('buildah-loopback/app')}`, '--version', '1.0.0', '--push', 'false'],
        {
          cwd: dir,
        },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`${plain}: a loopback registry that answers in plain HTTP: buildah pulls from it over HTTP, as Docker does`);
      expect(r.stderr).not.toMatch(/HTTP response to HTTPS client/);
    } finally {
      await run('buildah', ['rmi', base]).catch(() => '');
    }
  }, 180_000);

  it('a base on a TLS loopback registry keeps TLS: pulled with its CA and login, never listed as plain', async () => {
    const tls = lab().registries.tls;
    const base = `${tls.host}/lab/busybox:1.36`;
    const dir = await project(base);
    const r = await hoist(
      [
        'build',
        '--builder',
        'buildah',
        '--images',
        `${tls.host}/${uniqueRepo('buildah-loopback/tls')}`,
        '--version',
        '1.0.0',
        '--push',
        'false',
        '--pull',
        'true',
        '--registry-ca',
        `${tls.host}=${tls.ca}`,
      ],
      { cwd: dir, env: { HOIST_REGISTRY_AUTH: `${tls.host}=${tls.username}:${password(tls.passwordFile)}` } },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('answers in plain HTTP');
  }, 180_000);
});
