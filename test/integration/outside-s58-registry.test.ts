// Registry answers and references nobody had named, through the bundle (HOIST_TEST_CLI for a private one),
// against a registry written here (test/support/memory-registry) and an OCI layout skopeo copied from the
// lab's plain registry:
// - a manifest HEAD refused as unauthorised (401, no challenge, no reason) where GET is served: asked by GET;
// - a digest after a registry with a port is no login.
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryRegistry } from '../support/memory-registry.js';
import { hoist, lab } from './lab.js';

const execFileAsync = promisify(execFile);
let layout = '';

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-s58-reg-'));
  layout = join(dir, 'layout');
  const plain = lab().registries.plain.host;
  await execFileAsync('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${plain}/lab/busybox:1.36`, `oci:${layout}:1`]);
}, 60_000);

describe('a manifest HEAD refused where GET is served', () => {
  /**
   * Property: a HEAD answered 401 without a challenge (HEAD has no body, so no reason) where GET is
   * served is asked by GET, as crane does: the push and its tags go through. It failed: 'HEAD … answered
   * 401 — add the registry to HOIST_REGISTRY_AUTH'. Nearest real variant: an access proxy (a Nexus or
   * Artifactory rule, a CDN's) in front of a registry, checking HEAD against a rule GET passes.
   */
  it('push: exit 0, every tag in place', async () => {
    await using registry = await MemoryRegistry.start({
      fault: (r) => (r.method === 'HEAD' && r.path.includes('/manifests/') ? { status: 401 } : undefined),
    });
    const dir = await mkdtemp(join(tmpdir(), 'hoist-s58-reg-'));
    const r = await hoist(
      [
        'push',
        layout,
        '--images',
        `${registry.host}/team/app`,
        '--version',
        '1.2.3',
        '--audit',
        'off',
        '--insecure-registries',
        registry.host,
        '--retries',
        '0',
      ],
      { cwd: dir, env: { DOCKER_CONFIG: dir } },
    );
    expect({ code: r.code, tags: [...(registry.repos.get('team/app')?.tags.keys() ?? [])].sort() }).toEqual({
      code: 0,
      tags: ['1', '1.2', '1.2.3', 'latest'],
    });
  }, 60_000);
});

describe('a digest after a registry with a port', () => {
  /**
   * Property: `host:port/repo@sha256:…` is a name and a digest, not a login: the message names the digest.
   * It said "'***@sha256:0123': a reference holds no login — write sha256:0123". Nearest real variant: a
   * reference copied from `docker images --digests` of a localhost:5000 registry, cut short.
   */
  it('tags list localhost:5000/app@sha256:0123: exit 2 naming the digest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-s58-reg-'));
    const r = await hoist(['tags', 'list', 'localhost:5000/app@sha256:0123'], { cwd: dir, env: { DOCKER_CONFIG: dir } });
    expect({
      code: r.code,
      named: r.stderr.includes("'localhost:5000/app@sha256:0123': 'sha256:0123' is not a sha256 digest"),
      login: r.stderr.includes('login'),
    }).toEqual({
      code: 2,
      named: true,
      login: false,
    });
  }, 60_000);
});
