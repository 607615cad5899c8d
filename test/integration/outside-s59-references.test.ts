// A registry's web page given where an image reference belongs, as people copy it from the browser
// (Docker Hub's hub.docker.com/r/…, /_/…; GitHub's …/pkgs/container/…), through the CLI bundle
// (HOIST_TEST_CLI for a private one): exit 2 naming the reference to write, before any request or build.
// Before, the page was read as a registry at the web site's host: a lookup failed on the network
// (exit 3), an https:// page got "write hub.docker.com/_/busybox" (the same page), and a build went on
// to tag hub.docker.com/r/acme/app.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hoist } from './lab.js';

const workdir = () => mkdtemp(join(tmpdir(), 'hoist-s59-refs-'));

describe("a registry's web page as a reference", () => {
  /**
   * Property: every command that takes a repository or reference names the reference a page stands
   * for. Nearest real variant: `hoist tags list https://hub.docker.com/r/bitnami/redis` pasted from the
   * address bar; `github.com/acme/app/pkgs/container/app` from a repository's Packages link.
   */
  it.each([
    [['tags', 'list', 'hub.docker.com/r/bitnami/redis'], 'docker.io/bitnami/redis'],
    [['inspect', 'https://hub.docker.com/_/busybox'], 'docker.io/library/busybox'],
    [['tags', 'list', 'https://github.com/acme/app/pkgs/container/app'], 'ghcr.io/acme/app'],
    [['inspect', 'https://quay.io/repository/prometheus/node-exporter?tab=tags'], 'quay.io/prometheus/node-exporter'],
    [['promote', '--source', 'hub.docker.com/r/acme/app:1.0', '--destinations', '127.0.0.1:5100/s59/refs'], 'docker.io/acme/app:1.0'],
    [['audit', 'github.com/acme/app/pkgs/container/app:1.0', '--audit-values-file', '/dev/null'], 'ghcr.io/acme/app:1.0'],
  ])(
    'hoist %j: exit 2, write %s',
    async (args, reference) => {
      const r = await hoist([...args, '--retries', '0'], { cwd: await workdir() });
      expect({
        code: r.code,
        named: r.stderr.includes(`web page, not an image reference: write ${reference}`),
        network: /ENOTFOUND|getaddrinfo/.test(r.stderr),
      }).toEqual({
        code: 2,
        named: true,
        network: false,
      });
    },
    30_000,
  );

  it('build --images hub.docker.com/r/acme/app: exit 2 before the build', async () => {
    const dir = await workdir();
    await writeFile(join(dir, 'Dockerfile'), 'FROM scratch\n');
    const r = await hoist(['build', '--images', 'hub.docker.com/r/acme/app', '--push=false'], { cwd: dir });
    expect({ code: r.code, named: r.stderr.includes('write docker.io/acme/app'), built: /STEP|Builder:/.test(r.stderr) }).toEqual({
      code: 2,
      named: true,
      built: false,
    });
  }, 30_000);
});
