// The command line when what it is given names nothing — a tag, an image, a platform, a layout, or
// values too short to look for — on the shipped dist/cli.js against the lab registry: exit 2 (an
// input error, found before anything changed), one line naming the input, never a Node error text
// (ENOENT …) or a clean "none found". Each case has a twin that names something and works.
// Nearest real-world variants: a typo in a cleanup job's tag, `hoist audit` scheduled with a
// placeholder value, a promotion job run before its build pushed.
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hoist, lab, run, uniqueRepo } from './lab.js';

const cwd = tmpdir();
const plain = () => lab().registries.plain.host;
const base = () => `${plain()}/lab/busybox:1.36`;
const noNodeText = (text: string) => {
  expect(text).not.toMatch(/^\s+at |ENOENT: no such file|undefined|\[object Object\]|NaN/m);
};

describe('a reference that names nothing: exit 2, nothing changed', () => {
  it('tags delete of a tag that is not there; its twin deletes', async () => {
    const repo = `${plain()}/${uniqueRepo('names-nothing/tags')}`;
    await run('skopeo', ['copy', '-q', '--src-tls-verify=false', '--dest-tls-verify=false', `docker://${base()}`, `docker://${repo}:1.0.0`]);
    const r = await hoist(['tags', 'delete', `${repo}:9.9.9`], { cwd });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`${repo}:9.9.9: no such tag (nothing was deleted)`);
    noNodeText(r.stderr);
    const ok = await hoist(['tags', 'delete', `${repo}:1.0.0`], { cwd });
    expect(ok.code, ok.stderr).toBe(0);
  }, 120_000);

  it('promote, audit and merge of a tag that is not there; promote of one that is', async () => {
    const missing = `${plain()}/${uniqueRepo('names-nothing/src')}:none`;
    const dest = `${plain()}/${uniqueRepo('names-nothing/dest')}`;
    const cases = [
      ['promote', '--source', missing, '--destinations', dest, '--tags', '1.0.0'],
      ['audit', missing],
      ['merge', '--sources', missing, '--images', dest, '--version', '1.0.0'],
    ];
    for (const args of cases) {
      const r = await hoist(args, { cwd, env: { HOIST_AUDIT_VALUES: 'a-value-to-look-for' } });
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/no manifest none: no such image in its registry/);
      noNodeText(r.stderr);
    }
    expect(await run('skopeo', ['list-tags', '--tls-verify=false', `docker://${dest}`]).catch(() => 'none')).toBe('none');
    const ok = await hoist(['promote', '--source', base(), '--destinations', dest, '--tags', '1.0.0'], { cwd });
    expect(ok.code, ok.stderr).toBe(0);
  }, 120_000);

  it('inspect --platform naming another platform than a one-platform image’s; its own platform works', async () => {
    const r = await hoist(['inspect', base(), '--platform', 'linux/s390x'], { cwd });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--platform: .*has no linux\/s390x image: it is one image, of linux\/amd64/);
    expect(r.stdout).toBe('');
    const ok = await hoist(['inspect', base(), '--platform', 'linux/amd64', '--json'], { cwd });
    expect(ok.code, ok.stderr).toBe(0);
    expect((JSON.parse(ok.stdout) as { image: { platform: string } }).image.platform).toBe('linux/amd64');
  }, 60_000);
});

describe('hoist audit with nothing it can look for, or nothing to look in: exit 2', () => {
  it('values all shorter than 8 characters are refused, not a clean "none found"; a long one audits', async () => {
    const short = await hoist(['audit', base()], { cwd, env: { HOIST_AUDIT_VALUES: 'abc12' } });
    expect(short.code, short.stderr).toBe(2);
    expect(short.stderr).toMatch(/HOIST_AUDIT_VALUES line 1 is shorter than 8 characters/);
    expect(short.stderr).not.toContain('none found');
    const envOnly = await hoist(['audit', base(), '--secret-envs', 'tok=TOK'], { cwd, env: { TOK: 'abc12' } });
    expect(envOnly.code, envOnly.stderr).toBe(2);
    expect(envOnly.stderr).toMatch(/no values to look for \(every value given is shorter than 8 characters\)/);
    const ok = await hoist(['audit', base()], { cwd, env: { HOIST_AUDIT_VALUES: 'abc12-long-enough' } });
    expect(ok.code, ok.stderr).toBe(0);
  }, 120_000);

  it('a layout directory that is not there, or holds no layout; a real one audits', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-names-nothing-'));
    await mkdir(join(dir, 'empty'));
    for (const target of [join(dir, 'missing'), join(dir, 'empty')]) {
      const r = await hoist(['audit', target], { cwd, env: { HOIST_AUDIT_VALUES: 'a-value-to-look-for' } });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`audit: ${target} is no OCI layout directory (it has no index.json)`);
      noNodeText(r.stderr);
    }
    // Two images in one layout: what was given (exit 2, as hoist push says), not a registry failing (was 3).
    await run('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${base()}`, `oci:${join(dir, 'two')}:a`]);
    await run('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${plain()}/lab/git:1`, `oci:${join(dir, 'two')}:b`]);
    const two = await hoist(['audit', join(dir, 'two')], { cwd, env: { HOIST_AUDIT_VALUES: 'a-value-to-look-for' } });
    expect(two.code, two.stderr).toBe(2);
    expect(two.stderr).toMatch(/index\.json names 2 images; expected exactly one/);
    await run('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${base()}`, `oci:${join(dir, 'layout')}`]);
    const ok = await hoist(['audit', join(dir, 'layout')], { cwd, env: { HOIST_AUDIT_VALUES: 'a-value-to-look-for' } });
    expect(ok.code, ok.stderr).toBe(0);
    // Written without ./, a directory holding a layout is still one (it was fetched as docker.io/library/layout).
    const bare = await hoist(['audit', 'layout'], { cwd: dir, env: { HOIST_AUDIT_VALUES: 'a-value-to-look-for' } });
    expect(bare.code, bare.stderr).toBe(0);
    expect(bare.stderr).not.toContain('docker.io');
  }, 120_000);
});
