// The builders' Docker config holds every login Hoist's own requests would use, in the same order:
// a base behind a `podman login` (REGISTRY_AUTH_FILE or the containers auth file) or GitLab's
// DOCKER_AUTH_CONFIG was found by Hoist's base lookup but pulled by docker/buildah without it.
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TransferSettings } from '../inputs/registries.js';
import { writeBuilderAccess } from './registry-access.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const HUB = 'https://index.docker.io/v1/';
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hoist-builder-access-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function transfer(logins: Record<string, [string, string]> = {}): TransferSettings {
  const registries = new Map(Object.entries(logins).map(([host, [username, password]]) => [host, { username, password, insecure: false }]));
  return { registries, retries: 0, concurrency: 1 };
}

async function builderConfig(env: Record<string, string>, logins?: Record<string, [string, string]>) {
  const step = join(dir, 'step');
  await mkdir(step);
  const access = await writeBuilderAccess(step, transfer(logins), env);
  return JSON.parse(await readFile(access.authFile, 'utf8')) as { auths: Record<string, { auth: string }>; credHelpers?: Record<string, string> };
}

async function json(path: string, value: unknown): Promise<string> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, JSON.stringify(value));
  return path;
}

describe("the builders' Docker config", () => {
  /**
   * Property: a login in any of the machine's login files reaches the builders, with the precedence
   * Hoist's own lookup gives it (REGISTRY_AUTH_FILE, DOCKER_AUTH_CONFIG, the Docker config, the
   * containers auth files), the step's own logins above all. Nearest real variant: a GitLab job whose
   * golden base sits in a registry DOCKER_AUTH_CONFIG logs in to, on a runner where `podman login`
   * wrote the containers auth file for another.
   */
  it('holds the logins of REGISTRY_AUTH_FILE, DOCKER_AUTH_CONFIG and the containers auth file, in their order', async () => {
    const home = join(dir, 'home');
    await json(join(home, '.docker/config.json'), { auths: { 'bases.acme:5000': { auth: b64('docker:cfg') }, 'shared.acme': { auth: b64('docker:shared') } } });
    await json(join(home, '.config/containers/auth.json'), {
      auths: { 'podman.acme': { auth: b64('podman:def') }, 'shared.acme': { auth: b64('podman:shared') }, 'docker.io': { auth: b64('hub:user') } },
    });
    const env = {
      HOME: home,
      DOCKER_AUTH_CONFIG: JSON.stringify({ auths: { 'bases.acme:5000': { auth: b64('gitlab:job') } }, credHelpers: { 'ecr.acme': 'ecr-login' } }),
    };
    const config = await builderConfig(env, { 'push.acme': ['step', 'input'] });
    expect(config.auths['bases.acme:5000']).toEqual({ auth: b64('gitlab:job') });
    expect(config.auths['shared.acme']).toEqual({ auth: b64('docker:shared') });
    expect(config.auths['podman.acme']).toEqual({ auth: b64('podman:def') });
    expect(config.auths[HUB]).toEqual({ auth: b64('hub:user') });
    expect(config.auths['push.acme']).toEqual({ auth: b64('step:input') });
    expect(config.credHelpers).toEqual({ 'ecr.acme': 'ecr-login' });
  });

  it('takes REGISTRY_AUTH_FILE above the Docker config, and then not the default containers auth file', async () => {
    const home = join(dir, 'home');
    await json(join(home, '.docker/config.json'), { auths: { 'bases.acme:5000': { auth: b64('docker:cfg') } } });
    await json(join(home, '.config/containers/auth.json'), { auths: { 'podman.acme': { auth: b64('podman:def') } } });
    const authFile = await json(join(dir, 'run/auth.json'), { auths: { 'bases.acme:5000': { auth: b64('podman:login') } } });
    const config = await builderConfig({ HOME: home, REGISTRY_AUTH_FILE: authFile });
    expect(config.auths).toEqual({ 'bases.acme:5000': { auth: b64('podman:login') } });
  });

  it('is the Docker config alone when no other login file is there (a missing one adds nothing)', async () => {
    const home = join(dir, 'home');
    await json(join(home, '.docker/config.json'), { auths: { 'bases.acme:5000': { auth: b64('docker:cfg') } }, credsStore: 'pass' });
    const config = await builderConfig({ HOME: home, XDG_RUNTIME_DIR: join(dir, 'no-runtime') });
    expect(config).toEqual({ auths: { 'bases.acme:5000': { auth: b64('docker:cfg') } }, credsStore: 'pass' });
  });
});
