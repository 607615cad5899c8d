// The docker builder leaves nothing of a build in the daemon unless load is asked for: the tags
// `docker build` made are removed once the image is saved into the OCI layout; with --load they
// stay. Nearest real-world variants:
// a shared Jenkins agent whose disk fills with every build's tags; `--load` to run tests on the image.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hoist, lab, run, uniqueRepo } from './lab.js';

const inDaemon = (ref: string) =>
  run('docker', ['image', 'inspect', '--format', '{{.Id}}', ref]).then(
    (id) => id.trim(),
    () => undefined,
  );

async function app(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-local-tags-'));
  await writeFile(join(dir, 'Dockerfile'), `FROM ${lab().registries.plain.host}/lab/busybox:1.36\nRUN echo ${Math.random()} > /n\n`);
  return dir;
}

describe('docker builder: the daemon keeps the tags only with load', () => {
  it('without load: pushed, and the tags it made are gone from the daemon (said in the log)', async () => {
    const dir = await app();
    const repo = `${lab().registries.plain.host}/${uniqueRepo('local/noload')}`;
    const r = await hoist(['build', '--builder', 'docker', '--images', repo, '--version', '1.2.3', '--insecure-registries', lab().registries.plain.host], {
      cwd: dir,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`removed the tags it made from the Docker daemon (load is false): ${repo}:1.2.3`);
    for (const t of ['1.2.3', '1.2', '1', 'latest']) expect(await inDaemon(`${repo}:${t}`)).toBeUndefined();
  }, 180_000);

  it('with --load: the tags stay in the daemon', async () => {
    const dir = await app();
    const repo = `${lab().registries.plain.host}/${uniqueRepo('local/load')}`;
    const r = await hoist(
      ['build', '--builder', 'docker', '--images', repo, '--version', '1.2.3', '--load', '--insecure-registries', lab().registries.plain.host],
      {
        cwd: dir,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('removed the tags it made');
    expect(await inDaemon(`${repo}:1.2.3`)).toMatch(/^sha256:/);
    await run('docker', ['image', 'rm', `${repo}:1.2.3`]).catch(() => undefined);
  }, 180_000);
});

// Progress of the long phases without a bar, as periodic lines in a CI log (the period shortened
// so a small image shows it). Nearest real-world variant: a 300 MiB image that used to spend 15 s
// converting docker save output with nothing printed.
describe('progress lines for the docker-save conversion and the audit', () => {
  it('names the phase and the bytes so far', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-progress-'));
    await writeFile(join(dir, 'Dockerfile'), `FROM ${lab().registries.plain.host}/lab/busybox:1.36\nRUN head -c 48000000 /dev/urandom > /blob\n`);
    const repo = `${lab().registries.plain.host}/${uniqueRepo('local/progress')}`;
    const r = await hoist(['build', '--builder', 'docker', '--images', repo, '--version', '1.0.0', '--insecure-registries', lab().registries.plain.host], {
      cwd: dir,
      env: { HOIST_PROGRESS_INTERVAL_MS: '20' },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^docker save → OCI layout: \d+\.\d MiB read \(\d+ s\)$/m);
    expect(r.stderr).toMatch(/^audit: \d+ layers, \d+\.\d MiB decompressed so far \(\d+ s\)$/m);
  }, 180_000);
});
