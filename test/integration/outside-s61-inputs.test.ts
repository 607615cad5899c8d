// The machine's own setup and the maintenance verbs' arguments, as people get them wrong, through the
// CLI bundle (HOIST_TEST_CLI for a private one) against the lab's plain registry. Each is an input
// error (exit 2, per the exit table) that names the input and the fix; a helper that ran and failed
// stays exit 3 (could not finish).
// - DOCKER_CONFIG set to the config.json itself (as REGISTRY_AUTH_FILE is a file): exit 3.
// - a Docker config whose credsStore names a helper this runner lacks (a laptop's "desktop" or
//   "osxkeychain" config copied to CI): exit 3, as if the registry had failed.
// - inspect / verify / audit of an image that is not there: the error said `--inspect:`, a flag
//   that does not exist (`--audit:` named build's audit flag), where the usage names it REF.
// - tags prune --match with an unclosed class '[' or a brace list: silently matched no tag.
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hoist, lab, run } from './lab.js';

const plain = () => lab().registries.plain.host;
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hoist-s61-inputs-'));
  await run('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${plain()}/lab/busybox:1.36`, `oci:${join(dir, 'layout')}`]);
  await mkdir(join(dir, 'missing-helper'));
  await writeFile(join(dir, 'missing-helper/config.json'), JSON.stringify({ credsStore: 'desktop' }));
  await mkdir(join(dir, 'failing-helper/bin'), { recursive: true });
  await writeFile(join(dir, 'failing-helper/config.json'), JSON.stringify({ credsStore: 'locked' }));
  await writeFile(join(dir, 'failing-helper/bin/docker-credential-locked'), '#!/bin/sh\necho "error: the keychain is locked" >&2\nexit 1\n');
  await chmod(join(dir, 'failing-helper/bin/docker-credential-locked'), 0o755);
  await writeFile(join(dir, 'values'), 'a-value-to-look-for-0123\n');
}, 60_000);

const cli = (args: string[], env: Record<string, string> = {}) => hoist(args, { cwd: dir, env });

describe('the machine’s login setup: exit 2 naming the fix', () => {
  it.each([
    ['tags list', () => ['tags', 'list', `${plain()}/lab/busybox`]],
    ['push', () => ['push', join(dir, 'layout'), '--images', `${plain()}/outside-s61/inputs`, '--tags', 'x', '--audit', 'off']],
  ])('%s with DOCKER_CONFIG naming config.json itself', async (_verb, args) => {
    await writeFile(join(dir, 'config.json'), '{}');
    const r = await cli(args(), { DOCKER_CONFIG: join(dir, 'config.json') });
    expect({
      code: r.code,
      named: r.stderr.includes(`DOCKER_CONFIG=${join(dir, 'config.json')} names a file`),
      fix: r.stderr.includes(`set DOCKER_CONFIG=${dir}`),
    }).toEqual({
      code: 2,
      named: true,
      fix: true,
    });
  });

  it.each([
    ['tags list', () => ['tags', 'list', `${plain()}/lab/busybox`]],
    ['inspect', () => ['inspect', `${plain()}/lab/busybox:1.36`]],
    ['push --json', () => ['push', join(dir, 'layout'), '--images', `${plain()}/outside-s61/inputs`, '--tags', 'x', '--audit', 'off', '--json']],
  ])('%s with a credsStore helper that is not installed', async (verb, args) => {
    const r = await cli(args(), { DOCKER_CONFIG: join(dir, 'missing-helper') });
    const text = `${r.stdout}${r.stderr}`;
    expect({
      code: r.code,
      named: text.includes('docker-credential-desktop was not found: install it or put it on PATH'),
      fix: text.includes(`take "desktop" out of ${join(dir, 'missing-helper/config.json')}`),
      json: verb.endsWith('--json') ? (JSON.parse(r.stdout) as { exitCode: number }).exitCode : 2,
    }).toEqual({ code: 2, named: true, fix: true, json: 2 });
  });

  // Guard: a helper that runs and fails is the login's failure, not the input's (exit 3).
  it('a helper that runs and fails stays exit 3', async () => {
    const r = await cli(['tags', 'list', `${plain()}/lab/busybox`], {
      DOCKER_CONFIG: join(dir, 'failing-helper'),
      PATH: `${join(dir, 'failing-helper/bin')}:/usr/bin:/bin`,
    });
    expect({ code: r.code, named: r.stderr.includes('the keychain is locked') }).toEqual({ code: 3, named: true });
  });
});

describe('maintenance verbs name their arguments as their usage does', () => {
  it.each([
    ['inspect', () => ['inspect', `${plain()}/outside-s61/nothing-here:1`]],
    ['verify', () => ['verify', `${plain()}/outside-s61/nothing-here:1`, '--key', join(dir, 'cosign.pub')]],
    ['audit', () => ['audit', `${plain()}/outside-s61/nothing-here:1`, '--audit-values-file', join(dir, 'values')]],
  ])('%s of an image that is not there: named as its usage names it (REF), no made-up flag', async (verb, args) => {
    await run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', join(dir, 'cosign.key')]);
    await run('openssl', ['pkey', '-in', join(dir, 'cosign.key'), '-pubout', '-out', join(dir, 'cosign.pub')]);
    const r = await cli(args());
    expect({ code: r.code, named: r.stderr.includes(`${verb} REF: ${plain()}/outside-s61/nothing-here`), flag: r.stderr.includes(`--${verb}:`) }).toEqual({
      code: 2,
      named: true,
      flag: false,
    });
  });

  it.each([
    ['[', "'[' opens a class with '[' at character 1 and never closes it"],
    ['sha-[0-9a-f*', 'never closes it: close it (sha-[0-9a-f]*)'],
    ['{sha,pr}-*', "holds '{', which no tag can hold"],
  ])('tags prune --match %s: exit 2 naming --match, nothing listed or pruned', async (glob, message) => {
    const r = await cli(['tags', 'prune', `${plain()}/lab/busybox`, '--keep', '0', '--match', glob, '--dry-run']);
    expect({ code: r.code, named: r.stderr.includes(`--match: '${glob}'`) && r.stderr.includes(message), listed: r.stderr.includes('not matched') }).toEqual({
      code: 2,
      named: true,
      listed: false,
    });
  });

  // Guard: a class that closes is a glob like the shell's.
  it('tags prune --match with a closed class matches as the shell would', async () => {
    const r = await cli(['tags', 'prune', `${plain()}/lab/busybox`, '--keep', '0', '--match', '1.3[0-9]', '--dry-run', '--unprotect', 'releases']);
    expect({ code: r.code, out: `${r.stdout}${r.stderr}`.includes('1.36') && !`${r.stdout}${r.stderr}`.includes('1.36: not matched') }).toEqual({
      code: 0,
      out: true,
    });
  });
});
