// A login found in the Docker config that the registry cannot take is named as tried, with where it
// came from and the fix — not "requires a login: add it to registry-auth", which tells a user who
// did log in that there was no login. The real-world variant: `docker login` against a registry
// whose token service hands out refresh tokens (Azure ACR, Harbor with OIDC, `az acr login`) writes
// `identitytoken` into config.json; the same config used for the company's Basic-auth registry
// (distribution with htpasswd, Nexus, Artifactory) holds that token for it. Here: the lab's TLS
// registry (htpasswd, its own CA), the config written as docker writes it; the `auths` key in the
// form docker login writes for it (`https://HOST/v1/`-style keys read the same) — a password entry
// under it works, the identity token is refused with the config's path named.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hoist, lab, leaks, password, uniqueRepo } from './lab.js';

async function configWith(entry: Record<string, string>, key: (host: string) => string): Promise<{ dir: string; config: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-dockercfg-'));
  const config = join(dir, 'config.json');
  await writeFile(config, JSON.stringify({ auths: { [key(lab().registries.tls.host)]: entry } }, null, '\t'));
  return { dir, config };
}

const tagsList = (dir: string) => {
  const { tls } = lab().registries;
  return hoist(['tags', 'list', `${tls.host}/lab/busybox`, '--registry-ca', `${tls.host}=${tls.ca}`, '--retries', '0'], {
    cwd: dir,
    env: { DOCKER_CONFIG: dir },
  });
};

describe("a Basic-auth registry and the Docker config's login for it", () => {
  it.each([
    ['keyed by host:port', (h: string) => h],
    ['keyed https://HOST/v1/', (h: string) => `https://${h}/v1/`],
  ])('a password login %s is used', async (_what, key) => {
    const { tls } = lab().registries;
    const { dir } = await configWith({ auth: Buffer.from(`${tls.username}:${password(tls.passwordFile)}`).toString('base64') }, key);
    const r = await tagsList(dir);
    expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 0, stderr: expect.not.stringContaining('error') });
    expect(r.stdout.split('\n')).toContain('1.36');
  });

  it('an identity token there is named as the login tried, with the config file and the fix; the token never printed', async () => {
    const token = `eyJhbGciOiJSUzI1NiJ9.${Math.random().toString(36).slice(2)}refresh`;
    const { dir, config } = await configWith({ auth: Buffer.from('00000000-0000-0000-0000-000000000000:').toString('base64'), identitytoken: token }, (h) => h);
    const r = await tagsList(dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(config);
    expect(r.stderr).toMatch(/identity token/);
    expect(r.stderr).toMatch(/docker login|--registry-auth-file|HOIST_REGISTRY_AUTH/);
    expect(leaks(r.stdout + r.stderr, token)).toBe(false);
  });

  // The build's login check, before anything is built: the refusal says why and one fix. It read
  // "(the registry requires a login: add it to … (REGISTRY=USERNAME:PASSWORD)): add it to … (HOST=…)".
  it.each([
    ['no login anywhere', undefined, '(the registry requires a login): add it to HOIST_REGISTRY_AUTH or --registry-auth-file'],
    [
      'an identity token in the config',
      { identitytoken: 'eyJhbGciOiJSUzI1NiJ9.build-check' },
      'is an identity token, which only a token service (Bearer) takes): add it to HOIST_REGISTRY_AUTH',
    ],
  ])("hoist build's login check, %s: exit 2, the fix said once", async (_what, entry, message) => {
    const { tls } = lab().registries;
    const { dir } = entry ? await configWith(entry, (h) => h) : { dir: await mkdtemp(join(tmpdir(), 'hoist-dockercfg-')) };
    await writeFile(join(dir, 'Dockerfile'), 'FROM scratch\n');
    const r = await hoist(['build', '--images', `${tls.host}/${uniqueRepo('cfglogin/none')}`, '--version', '1.0.0', '--registry-ca', `${tls.host}=${tls.ca}`], {
      cwd: dir,
      env: { DOCKER_CONFIG: dir },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr.match(/add it to/g)).toHaveLength(1);
  });

  // DOCKER_CONFIG is the directory holding config.json; set to the file itself (as podman's
  // REGISTRY_AUTH_FILE is) it was a bare "ENOTDIR: not a directory, open …/config.json/config.json".
  it('DOCKER_CONFIG naming config.json itself: the setting named with the directory to give', async () => {
    const { tls } = lab().registries;
    const { dir, config } = await configWith({ auth: Buffer.from(`${tls.username}:${password(tls.passwordFile)}`).toString('base64') }, (h) => h);
    const r = await hoist(['tags', 'list', `${tls.host}/lab/busybox`, '--registry-ca', `${tls.host}=${tls.ca}`, '--retries', '0'], {
      cwd: dir,
      env: { DOCKER_CONFIG: config },
    });
    // The machine's login setup as written is an input error (exit 2, cli/exit.ts; c3f8610), as a bad flag is.
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`DOCKER_CONFIG=${config} names a file: it is the directory that holds config.json — set DOCKER_CONFIG=${dir}`);
    expect(r.stderr).not.toContain('ENOTDIR');
  });
});
