// A company network, as Hoist runs in it: a golden base behind a password (the builders pull it
// with the step's own registry-auth, no Docker login on the machine), and a proxy every registry
// request must go through (tinyproxy's log shows them; NO_PROXY exempts; a refusing proxy is named).
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lab, leaks, password, runAction, skopeoDigest, uniqueRepo } from './lab.js';

async function workspace(dockerfile: string): Promise<string> {
  const ws = await mkdtemp(join(tmpdir(), 'hoist-ws-'));
  await writeFile(join(ws, 'Dockerfile'), dockerfile);
  return ws;
}

/** No `docker login` on this machine: an empty Docker config. */
const noLogin = async () => ({ DOCKER_CONFIG: await mkdtemp(join(tmpdir(), 'hoist-noconfig-')) });

describe.each(['docker', 'buildah'])('builder %s: a golden base behind a password', (builder) => {
  // pull: true, so the daemon asks the registry even when it holds the base from an earlier build.
  it("pulls it with the step's registry-auth alone, and leaves nothing of the password", async () => {
    const { plain, token } = lab().registries;
    const secret = password(token.passwordFile);
    const ws = await workspace(`FROM ${token.host}/golden/busybox:1.36\nRUN echo built-on-golden > /marker\n`); // no anonymous pull there
    const image = `${plain.host}/${uniqueRepo(`network/${builder}`)}`;
    const r = await runAction({
      workspace: ws,
      env: await noLogin(),
      inputs: {
        images: image,
        version: '1.0.0',
        builder,
        pull: 'true',
        'registry-auth': `${token.host}=${token.username}:${secret}`,
        'insecure-registries': `${plain.host}, ${token.host}`,
      },
    });
    expect(r.errors).toEqual([]);
    expect(await skopeoDigest(`${image}:1.0.0`)).toBe(r.outputs.digest);
    expect(leaks(r.log + JSON.stringify(r.outputs) + r.summary, secret)).toBe(false);
    expect((await readdir(r.runnerTemp)).filter((f) => f.startsWith('hoist-'))).toEqual([]);
  }, 240_000);
});

/**
 * Property: a login Hoist's own requests find in any of the machine's login files reaches the builder
 * too (it pulls the base itself). Nearest real variants: a GitLab job given the base registry's login
 * in DOCKER_AUTH_CONFIG (docker), a runner where `podman login` wrote REGISTRY_AUTH_FILE (buildah).
 * Before, Hoist's base lookup logged in and the builder's pull went without a login (exit 3).
 */
describe.each([
  ['docker', 'DOCKER_AUTH_CONFIG'],
  ['buildah', 'REGISTRY_AUTH_FILE'],
])('builder %s: a golden base whose login is in %s alone', (builder, source) => {
  it('pulls it with that login, and leaves nothing of the password', async () => {
    const { plain, token } = lab().registries;
    const secret = password(token.passwordFile);
    const ws = await workspace(`FROM ${token.host}/golden/busybox:1.36\nRUN echo ${Math.random()} > /marker\n`);
    const image = `${plain.host}/${uniqueRepo(`network/${builder}-login-file`)}`;
    const logins = JSON.stringify({ auths: { [token.host]: { auth: Buffer.from(`${token.username}:${secret}`).toString('base64') } } });
    const env = await noLogin();
    const file = join(env.DOCKER_CONFIG, 'auth.json');
    await writeFile(file, logins, { mode: 0o600 });
    const r = await runAction({
      workspace: ws,
      env: { ...env, ...(source === 'DOCKER_AUTH_CONFIG' ? { DOCKER_AUTH_CONFIG: logins } : { REGISTRY_AUTH_FILE: file }) },
      inputs: { images: image, version: '1.0.0', builder, pull: 'true', 'insecure-registries': `${plain.host}, ${token.host}` },
    });
    expect(r.errors).toEqual([]);
    expect(await skopeoDigest(`${image}:1.0.0`)).toBe(r.outputs.digest);
    expect(leaks(r.log + JSON.stringify(r.outputs) + r.summary, secret)).toBe(false);
  }, 240_000);
});

describe('a golden base in a TLS registry of the company’s own CA, behind a password', () => {
  it('buildah pulls it with registry-auth and registry-ca alone; the docker builder is told where its daemon wants the CA', async () => {
    const { plain, tls } = lab().registries;
    const secret = password(tls.passwordFile);
    const ws = await workspace(`FROM ${tls.host}/lab/busybox:1.36\nRUN echo on-tls-golden > /marker\n`);
    const inputs = {
      version: '1.0.0',
      pull: 'true',
      'registry-auth': `${tls.host}=${tls.username}:${secret}`,
      'registry-ca': `${tls.host}=${tls.ca}`,
      'insecure-registries': plain.host,
    };
    const image = `${plain.host}/${uniqueRepo('network/tls-golden')}`;
    const r = await runAction({ workspace: ws, env: await noLogin(), inputs: { ...inputs, images: image, builder: 'buildah' } });
    expect(r.errors).toEqual([]);
    expect(await skopeoDigest(`${image}:1.0.0`)).toBe(r.outputs.digest);
    expect(leaks(r.log, secret)).toBe(false);
    const d = await runAction({ workspace: ws, env: await noLogin(), inputs: { ...inputs, images: `${image}-docker`, builder: 'docker' } });
    expect(d.log).toContain(`registry-ca: the Docker daemon checks ${tls.host} with its own trust store`);
  }, 240_000);
});

describe('behind a proxy', () => {
  const proxied = (extra: Record<string, string> = {}) => ({ HTTPS_PROXY: lab().proxy.url, HTTP_PROXY: lab().proxy.url, ...extra });

  it('pushes to a plain and a TLS registry through it; NO_PROXY exempts a registry', async () => {
    const { plain, tls } = lab().registries;
    const ws = await workspace(`FROM ${plain.host}/lab/busybox:1.36\nRUN echo ${Math.random()} > /n\n`);
    const repo = uniqueRepo('network/proxied');
    const before = (await readFile(lab().proxy.log, 'utf8')).length;
    const inputs = {
      images: `${plain.host}/${repo}\n${tls.host}/${repo}`,
      version: '1.0.0',
      'registry-auth': `${tls.host}=${tls.username}:${password(tls.passwordFile)}`,
      'registry-ca': `${tls.host}=${tls.ca}`,
      'insecure-registries': plain.host,
    };
    const r = await runAction({ workspace: ws, env: proxied(), inputs });
    expect(r.errors).toEqual([]);
    const log = (await readFile(lab().proxy.log, 'utf8')).slice(before);
    expect(log).toContain(`http://${plain.host}/v2/`); // a plain-HTTP registry's requests sent whole, as curl and Go send them
    expect(log).toMatch(new RegExp(`CONNECT ${tls.host.replace('.', '\\.')}`));

    const mark = (await readFile(lab().proxy.log, 'utf8')).length;
    const again = await runAction({
      workspace: ws,
      env: proxied({ NO_PROXY: plain.host }),
      inputs: { ...inputs, images: `${plain.host}/${repo}-direct`, 'registry-ca': '' },
    });
    expect(again.errors).toEqual([]);
    expect((await readFile(lab().proxy.log, 'utf8')).slice(mark)).not.toContain(`http://${plain.host}/`);
  }, 240_000);

  it('reaches a token registry and its token service through it', async () => {
    const { plain, token } = lab().registries;
    const ws = await workspace(`FROM ${plain.host}/lab/busybox:1.36\nRUN echo ${Math.random()} > /n\n`);
    const before = (await readFile(lab().proxy.log, 'utf8')).length;
    const image = `${token.host}/${uniqueRepo('network/token-proxied')}`;
    const r = await runAction({
      workspace: ws,
      env: proxied(),
      inputs: {
        images: image,
        version: '1.0.0',
        'registry-auth': `${token.host}=${token.username}:${password(token.passwordFile)}`,
        'insecure-registries': `${plain.host}, ${token.host}`,
      },
    });
    expect(r.errors).toEqual([]);
    const log = (await readFile(lab().proxy.log, 'utf8')).slice(before);
    expect(log).toContain(`http://${token.host}/v2/`);
    expect(log).toContain(`http://${new URL(token.realm).host}/`); // the token service, too
    expect(await skopeoDigest(`${image}:1.0.0`, { username: token.username, passwordFile: token.passwordFile })).toBe(r.outputs.digest);
  }, 120_000);

  it('names the proxy that refuses, not the registry', async () => {
    const { plain } = lab().registries;
    const ws = await workspace(`FROM ${plain.host}/lab/busybox:1.36\n`);
    const r = await runAction({
      workspace: ws,
      env: { HTTP_PROXY: lab().proxy.denyUrl, HTTPS_PROXY: lab().proxy.denyUrl },
      inputs: { images: `${plain.host}/${uniqueRepo('network/denied')}`, version: '1.0.0', 'insecure-registries': plain.host, retries: '0' },
    });
    expect(r.exitCode).toBe(1);
    expect(r.errors.join('\n')).toContain(`through the proxy ${lab().proxy.denyUrl} (the proxy refused: check its rules, HTTPS_PROXY and NO_PROXY)`);
  }, 120_000);
});
