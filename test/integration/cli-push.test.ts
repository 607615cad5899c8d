// `hoist push LAYOUT|ARCHIVE` on the shipped dist/cli.js: build once (`--push=false --outputs
// type=oci`), then push what was built — the same digest — to two registries' repositories with
// the build's forward-only tag fan-out (an older release moves none of latest or its major), a
// docker archive (`docker save`, from any tool) converted and pushed, a leak refused with nothing
// pushed, bad input exit 2. Checked with skopeo. Nearest real-world variants: build-push-action#1016
// and buildx#733 (build, test the image, push that digest without building again).
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hoist, lab, localLayout, ROOT, run, runAction, skopeoDigest, uniqueRepo } from './lab.js';

const plain = () => lab().registries.plain.host;

/** A layout from `hoist build --push=false --outputs type=oci,dest=…`, and its digest. */
async function builtLayout(version: string, content: string): Promise<{ layout: string; digest: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-push-'));
  const { layout, built: r } = await localLayout(dir, `echo ${content} > /content`, ['--version', version, '--json']);
  return { layout, digest: (JSON.parse(r.stdout) as { outputs: { digest: string } }).outputs.digest, dir };
}

describe('hoist push', () => {
  it('pushes the layout it was given, same digest, to every image with forward-only tags', async () => {
    const a = await builtLayout('1.4.2', `a-${Math.random()}`);
    const repos = [`${plain()}/${uniqueRepo('push/one')}`, `${plain()}/${uniqueRepo('push/two')}`];
    const r = await hoist(['push', a.layout, ...repos.flatMap((x) => ['--images', x]), '--version', '1.4.2', '--insecure-registries', plain(), '--json'], {
      cwd: a.dir,
    });
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { command: string; outputs: { digest: string; tags: string[] } };
    expect([j.command, j.outputs.digest]).toEqual(['push', a.digest]);
    for (const repo of repos) for (const t of ['1.4.2', '1.4', '1', 'latest']) expect(await skopeoDigest(`${repo}:${t}`)).toBe(a.digest);
    expect(r.stderr).toMatch(/audit: .*none found/);
    // An older release pushed later moves its own tags only.
    const b = await builtLayout('1.3.0', `b-${Math.random()}`);
    const older = await hoist(['push', b.layout, '--images', repos[0]!, '--version', '1.3.0', '--insecure-registries', plain()], { cwd: b.dir });
    expect(older.code, older.stderr).toBe(0);
    for (const t of ['1.3.0', '1.3']) expect(await skopeoDigest(`${repos[0]}:${t}`)).toBe(b.digest);
    for (const t of ['1', 'latest']) expect(await skopeoDigest(`${repos[0]}:${t}`)).toBe(a.digest);
  }, 300_000);

  it('pushes a docker archive (docker save of an image no Hoist built)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-push-'));
    const archive = join(dir, 'image.tar');
    await run('docker', ['save', '-o', archive, lab().baseImage.local]);
    const repo = `${plain()}/${uniqueRepo('push/archive')}`;
    const r = await hoist(['push', archive, '--images', repo, '--version', '2.0.0', '--insecure-registries', plain(), '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('a docker archive, converted into an OCI layout');
    const digest = (JSON.parse(r.stdout) as { outputs: { digest: string } }).outputs.digest;
    expect(await skopeoDigest(`${repo}:2.0.0`)).toBe(digest);
  }, 180_000);

  it('refuses a layout holding a value of HOIST_AUDIT_VALUES (exit 1), nothing pushed', async () => {
    const value = `push-leak-${Math.random().toString(36).slice(2)}`;
    const a = await builtLayout('1.0.0', value);
    const repo = `${plain()}/${uniqueRepo('push/leak')}`;
    const r = await hoist(['push', a.layout, '--images', repo, '--version', '1.0.0', '--insecure-registries', plain()], {
      cwd: a.dir,
      env: { HOIST_AUDIT_VALUES: value },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the audit found (a secret|\d+ secrets) in the image; nothing was pushed:[^]*set --audit warn to push anyway/);
    expect(r.stdout + r.stderr).not.toContain(value);
    expect(await skopeoDigest(`${repo}:1.0.0`)).toBeUndefined();
  }, 180_000);

  it('runs as the push sub-action (push/action.yml): the tested layout pushed by digest, its outputs set', async () => {
    const a = await builtLayout('3.0.0', `action-${Math.random()}`);
    const repo = `${plain()}/${uniqueRepo('push/action')}`;
    const r = await runAction({
      workspace: a.dir,
      actionFile: join(ROOT, 'push/action.yml'),
      inputs: { artefact: 'out/layout', images: repo, version: '3.0.0', 'insecure-registries': plain() },
    });
    expect(r.errors).toEqual([]);
    expect(r.outputs.digest).toBe(a.digest);
    // The release tags, and the run's own (sha-…) as a build in the same workflow would get.
    expect(r.outputs.tags!.split('\n')).toEqual(expect.arrayContaining(['3', '3.0', '3.0.0', 'latest'].map((t) => `${repo}:${t}`)));
    expect(await skopeoDigest(`${repo}:3.0.0`)).toBe(a.digest);
  }, 180_000);

  it('push/action.yml takes the build inputs it shares word for word from action.yml', async () => {
    const { parse } = await import('yaml');
    const read = async (f: string) => parse(await readFile(join(ROOT, f), 'utf8')) as { inputs: Record<string, unknown> };
    const [build, push] = [await read('action.yml'), await read('push/action.yml')];
    const shared = Object.keys(push.inputs).filter((name) => !['artefact', 'hoist-mode'].includes(name));
    expect(shared.length).toBeGreaterThan(20);
    expect(Object.fromEntries(shared.map((n) => [n, push.inputs[n]]))).toEqual(Object.fromEntries(shared.map((n) => [n, build.inputs[n]])));
  });

  it.each([
    ['no artefact', [], /push takes one OCI layout directory or docker archive/],
    ['a missing path', ['./nowhere'], /LAYOUT\|ARCHIVE: \.\/nowhere: no such file or directory/],
    ['a directory that is no layout', ['./plain-dir'], /plain-dir is no OCI layout/],
    ['a file that is no archive', ['./notes.txt'], /notes\.txt is no docker archive/],
  ])('%s: exit 2, nothing pushed', async (_, args, message) => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-push-'));
    await mkdir(join(dir, 'plain-dir'));
    await writeFile(join(dir, 'notes.txt'), 'hello\n');
    const repo = `${plain()}/${uniqueRepo('push/bad')}`;
    const r = await hoist(['push', ...args, '--images', repo, '--version', '1.0.0', '--insecure-registries', plain()], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(await skopeoDigest(`${repo}:1.0.0`)).toBeUndefined();
  });
});
