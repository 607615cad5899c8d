// The containers tools' auth file (REGISTRY_AUTH_FILE, as podman, buildah and skopeo read it) with a
// login per namespace, through the CLI bundle (HOIST_TEST_CLI for a private one), against the lab's
// token registry: the most specific key that holds the repository is its login, as skopeo takes it.
// Before, the first key of the registry served whatever its namespace, and a login for another team's
// namespace was sent and refused. The passwords are in the file only, never in argv or output.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hoist, lab, leaks, password } from './lab.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('a login per namespace in REGISTRY_AUTH_FILE', () => {
  /**
   * Property: the key `HOST/lab` serves `HOST/lab/busybox`; `HOST/other-team` (a login that registry
   * refuses here) does not, though it comes first. Nearest real variant: `podman login quay.io/team-a`
   * then `podman login quay.io/team-b` on one runner, each team with its own robot account.
   */
  it('HOST/other-team (wrong for lab/) first, HOST/lab second: tags list of HOST/lab/busybox logs in as lab', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-s59-logins-'));
    const token = lab().registries.token;
    const secret = password(token.passwordFile);
    const auths = {
      [`${token.host}/other-team`]: { auth: b64(`${token.username}:not-the-password-s59`) },
      [`${token.host}/lab`]: { auth: b64(`${token.username}:${secret}`) },
    };
    await writeFile(join(dir, 'auth.json'), JSON.stringify({ auths }));
    const r = await hoist(['tags', 'list', `${token.host}/lab/busybox`, '--insecure-registries', token.host, '--retries', '0'], {
      cwd: dir,
      env: { DOCKER_CONFIG: join(dir, 'docker'), REGISTRY_AUTH_FILE: join(dir, 'auth.json') },
    });
    expect({ code: r.code, listed: r.stdout.split('\n').includes('1.36'), leaked: leaks(r.stdout + r.stderr, secret) }).toEqual({
      code: 0,
      listed: true,
      leaked: false,
    });
  }, 30_000);
});
