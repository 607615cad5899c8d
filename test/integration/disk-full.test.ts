// A full disk in the runner's temp directory, for real: a small tmpfs mounted for the test (root
// only; the lab runs as root). Property: a write that runs out of space fails with an error naming
// the directory, what was being written and the free space, and nothing is pushed or tagged.
// Nearest real-world variant: a GitHub-hosted runner whose 14 GB /tmp fills with a large image's
// layout, or a self-hosted runner whose RUNNER_TEMP is a small partition.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DiskFullError } from '../../src/oci/disk.js';
import { initLayout, writeBlobStream } from '../../src/oci/layout.js';
import { lab, run, runAction, uniqueRepo } from './lab.js';

const exec = promisify(execFile);
const mounts: string[] = [];

async function tmpfs(sizeKiB: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-full-'));
  await exec('mount', ['-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=0777`, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

afterAll(async () => {
  for (const dir of mounts) {
    await exec('umount', [dir]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
});

const root = process.getuid?.() === 0;

describe.skipIf(!root)('a full runner temp directory (tmpfs)', () => {
  it('writing a layout blob: the error names the directory, what was written and the free space; no partial file stays', async () => {
    const dir = await tmpfs(1024);
    const layout = join(dir, 'layout');
    await initLayout(layout);
    const e = await writeBlobStream(layout, Readable.from([randomBytes(1024 * 1024), randomBytes(1024 * 1024)])).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DiskFullError);
    expect((e as Error).message).toMatch(
      new RegExp(
        `^no space left in ${layout} while writing a blob of the OCI layout \\(\\d+ bytes written so far\\) \\(device full; [\\d.]+ MiB free of 1\\.0 MiB there\\)`,
      ),
    );
    expect(await readdir(join(layout, 'blobs'))).toEqual(['sha256']); // the temporary file went
  });

  it('a build whose layout does not fit: the step fails naming RUNNER_TEMP’s directory and the free space; nothing pushed (dist)', async () => {
    const temp = await tmpfs(3 * 1024);
    const ws = await mkdtemp(join(tmpdir(), 'hoist-ws-'));
    await writeFile(join(ws, 'Dockerfile'), `FROM ${lab().registries.plain.host}/lab/busybox:1.36\nRUN head -c 6000000 /dev/urandom > /big\n`);
    const repo = `${lab().registries.plain.host}/${uniqueRepo('disk/full')}`;
    const r = await runAction({
      workspace: ws,
      env: { RUNNER_TEMP: temp },
      inputs: { images: repo, version: '1.0.0', builder: 'docker', 'insecure-registries': lab().registries.plain.host },
    });
    expect(r.exitCode).toBe(1);
    const error = r.errors.join('\n');
    expect(error).toMatch(new RegExp(`no space left in ${temp}/\\S+ while writing .*MiB free of 3\\.0 MiB there`));
    expect(error).not.toMatch(/^ENOSPC/m);
    const tags = await run('skopeo', ['list-tags', '--tls-verify=false', `docker://${repo}`]).catch((x: unknown) => String(x));
    expect(tags).not.toContain('1.0.0');
  }, 180_000);

  it('a builder that writes the layout itself (buildah) and runs out of space: its error names the directory and the free space (dist)', async () => {
    const temp = await tmpfs(3 * 1024);
    const ws = await mkdtemp(join(tmpdir(), 'hoist-ws-'));
    await writeFile(join(ws, 'Dockerfile'), `FROM ${lab().registries.plain.host}/lab/busybox:1.36\nRUN head -c 6000000 /dev/urandom > /big\n`);
    const repo = `${lab().registries.plain.host}/${uniqueRepo('disk/buildah')}`;
    const r = await runAction({
      workspace: ws,
      env: { RUNNER_TEMP: temp },
      inputs: { images: repo, version: '1.0.0', builder: 'buildah', 'insecure-registries': lab().registries.plain.host },
    });
    expect(r.exitCode).toBe(1);
    expect(r.errors.join('\n')).toMatch(
      new RegExp(`(buildah ran out of disk space while writing the image into|no space left in) ${temp}/\\S+ .*MiB free of 3\\.0 MiB there`),
    );
    const tags = await run('skopeo', ['list-tags', '--tls-verify=false', `docker://${repo}`]).catch((x: unknown) => String(x));
    expect(tags).not.toContain('1.0.0');
  }, 180_000);
});
