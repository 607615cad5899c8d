// A token-auth registry on a loopback address reached without insecure-registries: Hoist finds it
// answers plain HTTP and goes on over HTTP, as Docker does for 127.0.0.0/8 and localhost. The
// request's 401 then came from an origin Hoist no longer took for the registry's own (https://…
// against http://…), so the challenge was never answered: `push` said "the login was refused
// before the build … correct the line" for a right password, `tags list` "401 … check the access".
// Through the CLI bundle (HOIST_TEST_CLI for a private one), against the lab's token registry.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hoist, lab, leaks, password, run, skopeoDigest, uniqueRepo } from './lab.js';

let dir = '';

beforeAll(async () => {
  const { plain, token } = lab().registries;
  dir = await mkdtemp(join(tmpdir(), 'hoist-s60-loopback-'));
  await writeFile(join(dir, 'auth'), `${token.host}=${token.username}:${password(token.passwordFile)}\n`, { mode: 0o600 });
  await run('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${plain.host}/lab/busybox:1.36`, `oci:${join(dir, 'layout')}`]);
}, 60_000);

describe('a loopback token registry not named in insecure-registries', () => {
  /**
   * Property: the right login works over the HTTP fallback, for reads and for a push; the password
   * is printed nowhere. Nearest real variant: a local Harbor or GitLab registry on localhost:5000
   * over plain HTTP, with a token service, used from a laptop (`hoist tags list localhost:5000/…`).
   */
  it('tags list of a private repository, and a push: both with the login, nothing printed of it', async () => {
    const { token } = lab().registries;
    const secret = password(token.passwordFile);
    const env = { HOME: dir, DOCKER_CONFIG: dir };
    const listed = await hoist(['tags', 'list', `${token.host}/golden/busybox`, '--registry-auth-file', 'auth'], { cwd: dir, env });
    const repo = `${token.host}/${uniqueRepo('s60/loopback')}`;
    const pushed = await hoist(['push', 'layout', '--images', repo, '--tags', 'edge', '--auto-tags', 'none', '--registry-auth-file', 'auth', '--json'], {
      cwd: dir,
      env,
    });
    const digest = pushed.code === 0 ? (JSON.parse(pushed.stdout) as { outputs: { digest: string } }).outputs.digest : 'none';
    const access = { username: token.username, passwordFile: token.passwordFile };
    expect({
      list: { code: listed.code, has: listed.stdout.split('\n').includes('1.36') },
      push: { code: pushed.code, landed: (await skopeoDigest(`${repo}:edge`, access)) === digest },
      leaked: leaks(listed.stdout + listed.stderr + pushed.stdout + pushed.stderr, secret),
    }).toEqual({ list: { code: 0, has: true }, push: { code: 0, landed: true }, leaked: false });
  }, 60_000);
});
