// Which docker CLI builds. Docker 23 moved BuildKit builds out of the CLI into the buildx plugin, so
// on a machine whose PATH starts with a new static CLI and has no buildx (the machines this project
// runs on: Docker 28's CLI in /usr/local/bin, Debian's docker.io 20.10 in /usr/bin), `DOCKER_BUILDKIT=1
// docker build` fails. Property: without buildx, Hoist builds with a docker CLI that has BuildKit of
// its own, saying which; when none has, the docker builder is refused before anything runs.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliHasBuildKit } from '../../src/builders/builders.js';
import { hoist, lab, skopeoDigest, uniqueRepo } from './lab.js';

const NEW_CLI = '/usr/local/bin/docker';

/** The client version of a docker CLI (it asks the lab's daemon too, which answers). */
function clientVersion(cli: string): string {
  return execFileSync(cli, ['version', '--format', '{{.Client.Version}}'], { env: { DOCKER_HOST: lab().docker.host }, encoding: 'utf8' }).trim();
}

/** A Docker 23+ CLI without buildx ahead of the distribution's: present on this project's machines, not made by the lab. */
const newCli = existsSync(NEW_CLI) && !cliHasBuildKit(clientVersion(NEW_CLI)) ? NEW_CLI : undefined;
if (!newCli) console.warn(`docker-cli.test.ts: no Docker 23+ CLI at ${NEW_CLI} on this machine: the tests that need one are skipped`);

async function app(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-docker-cli-'));
  await writeFile(
    join(dir, 'Dockerfile'),
    `FROM ${lab().registries.plain.host}/lab/busybox:1.36\nRUN --mount=type=secret,id=tok test -s /run/secrets/tok && echo ${Math.random()} > /n\n`,
  );
  return dir;
}

describe.skipIf(!newCli)('a docker CLI newer than 23 without buildx first on PATH', () => {
  it('auto: builds with the later 20.10 CLI (BuildKit secret mount and all), names both in the log, pushes', async () => {
    const dir = await app();
    const repo = `${lab().registries.plain.host}/${uniqueRepo('docker-cli/auto')}`;
    const r = await hoist(['build', '--images', repo, '--version', '1.0.0', '--secret-envs', 'tok=TOK', '--insecure-registries', lab().registries.plain.host], {
      cwd: dir,
      env: { PATH: `/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin`, TOK: 'docker-cli-test-value' },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      new RegExp(
        `Builder: docker \\(.*using /usr/bin/docker \\(Docker 20\\.10[^,]*, BuildKit built in\\): ${NEW_CLI} \\(Docker \\d+\\.[^)]*\\), first on PATH, has no buildx plugin`,
      ),
    );
    expect(await skopeoDigest(`${repo}:1.0.0`)).toMatch(/^sha256:/);
  }, 180_000);

  it('docker by name with no older CLI on PATH: refused before anything runs, naming the CLI and the fix', async () => {
    const dir = await app();
    // PATH: the new CLI, and git (the checkout facts) through a directory of its own; no other docker.
    const bin = await mkdtemp(join(tmpdir(), 'hoist-docker-cli-bin-'));
    await symlink('/usr/bin/git', join(bin, 'git'));
    const repo = `${lab().registries.plain.host}/${uniqueRepo('docker-cli/refused')}`;
    const r = await hoist(['build', '--builder', 'docker', '--images', repo, '--version', '1.0.0', '--insecure-registries', lab().registries.plain.host], {
      cwd: dir,
      env: { PATH: `/usr/local/bin:${bin}` },
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(
        `builder docker: the docker CLI on PATH \\(${NEW_CLI}, Docker \\d+\\.[^)]*\\) needs the buildx plugin for BuildKit builds .*install docker-buildx`,
      ),
    );
    expect(r.stderr).not.toMatch(/==> Build|BuildKit is enabled but the buildx component is missing/);
    expect(await skopeoDigest(`${repo}:1.0.0`)).toBeUndefined();
  }, 120_000);
});
