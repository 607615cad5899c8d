// A reference written as people paste it is refused before anything is built or read, exit 2, naming
// the input and the reference to write — by every verb that takes references. Real-world variants:
// `images: ghcr.io/${{ github.repository }}` (GitHub keeps the owner's capitals, Octo-Org; docker/
// metadata-action lowercases them), a registry URL pasted from the browser, a variable joined with a
// trailing slash. Before, the parser's reason alone ("'Octo-Org' must be lower case", "'https:' is not
// a valid registry host", "'' is not a valid repository name component").
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hoist } from './lab.js';

describe('references pasted as URLs, in capitals, with a trailing slash', () => {
  it.each([
    [
      'build',
      ['build', '--images', 'ghcr.io/Octo-Org/App', '--push=false', '--version', '1.0.0'],
      "--images: 'ghcr.io/Octo-Org/App': 'Octo-Org' must be lower case: write ghcr.io/octo-org/app",
    ],
    [
      'stale',
      ['stale', '--images', 'https://registry.acme/team/app:2'],
      "--images: 'https://registry.acme/team/app:2': 'https:' is not a valid registry host: a reference has no https:// — write registry.acme/team/app:2",
    ],
    [
      'promote',
      ['promote', '--source', 'registry.acme/team/app:2', '--destinations', 'registry.acme/prod/app/'],
      "--destinations: 'registry.acme/prod/app/': '' is not a valid repository name component (a trailing /): write registry.acme/prod/app",
    ],
    [
      'inspect',
      ['inspect', 'https://ghcr.io/acme/app:1'],
      "inspect: 'https://ghcr.io/acme/app:1': 'https:' is not a valid registry host: a reference has no https:// — write ghcr.io/acme/app:1",
    ],
    [
      'verify',
      ['verify', 'ghcr.io/Octo-Org/app:1', '--key', 'cosign.pub'],
      "verify: 'ghcr.io/Octo-Org/app:1': 'Octo-Org' must be lower case: write ghcr.io/octo-org/app:1",
    ],
  ])('%s: exit 2 with the reference to write', async (_verb, args, message) => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-refhint-'));
    await writeFile(join(dir, 'Dockerfile'), 'FROM scratch\n');
    const r = await hoist(args, { cwd: dir, env: { DOCKER_CONFIG: dir } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  // A login written into the reference (https://user:token@host/…, a git remote's habit) is never
  // echoed: the error quoted the whole line, token and all.
  it.each([
    ['build', ['build', '--images', 'https://bob:ghp_S3cretToken0123@ghcr.io/acme/app', '--push=false']],
    ['promote', ['promote', '--source', 'bob:ghp_S3cretToken0123@registry.acme/team/app:2', '--destinations', 'registry.acme/prod/app']],
    ['tags list', ['tags', 'list', 'https://bob:ghp_S3cretToken0123@ghcr.io/acme/app']],
    ['audit', ['audit', 'bob:ghp_S3cretToken0123@ghcr.io/acme/app:1']],
  ])('%s: a login in the reference is named, never printed', async (_verb, args) => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-refhint-'));
    await writeFile(join(dir, 'Dockerfile'), 'FROM scratch\n');
    const r = await hoist(args, { cwd: dir, env: { DOCKER_CONFIG: dir } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('a reference holds no login (give it in HOIST_REGISTRY_AUTH or --registry-auth-file)');
    expect(r.stdout + r.stderr).not.toContain('S3cretToken');
  });
});
