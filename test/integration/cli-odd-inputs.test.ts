// `hoist` given what a hurried user types, on the shipped dist/cli.js against the lab: each answer
// names the input and the fix, with the exit code of the table (cli/exit.ts), and nothing passes
// in silence.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hoist, lab, uniqueRepo } from './lab.js';

let cwd: string;
beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'hoist-odd-'));
});
afterAll(() => rm(cwd, { recursive: true, force: true }));

describe('hoist, given odd input', () => {
  it('tags prune of a repository the registry does not know says so (it ended in silence, exit 0)', async () => {
    const { plain } = lab().registries;
    const repo = `${plain.host}/${uniqueRepo('odd/typo')}`;
    const r = await hoist(['tags', 'prune', repo, '--keep', '2', '--insecure-registries', plain.host], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${repo}: no tags (the registry holds none, or knows no such repository)`);
  }, 60_000);

  it('tags list of a registry alone names it as a registry (it said "names a tag … tags come from version/tags")', async () => {
    const r = await hoist(['tags', 'list', lab().registries.plain.host], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`'${lab().registries.plain.host}' is a registry, not a repository: give REGISTRY/REPOSITORY`);
  }, 60_000);

  it('an empty --images names the CLI flags, not the Action inputs', async () => {
    const r = await hoist(['build', '--images', ''], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: --images: no image given: list at least one repository, e.g. ghcr.io/acme/app (or give full references in --tags)');
  }, 60_000);

  it('hoist push of a path that is not there says so at once, before asking a registry (one that never answers held it 15 s)', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((c) => sockets.push(c)); // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const host = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const started = Date.now();
      const r = await hoist(['push', './not-there', '--images', `${host}/odd/app`, '--version', '1.0.0', '--insecure-registries', host], { cwd });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('./not-there: no such file or directory (give an OCI layout directory or a docker archive)');
      expect(r.stderr).not.toContain('login');
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      for (const c of sockets) c.destroy();
      silent.close();
    }
  }, 60_000);

  it('a value beginning with a dash says how it is written', async () => {
    const r = await hoist(['build', '--images', 'a/b', '--retries', '-1'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--retries: needs a value; one that begins with '-' is written --retries=VALUE");
  }, 60_000);
});
