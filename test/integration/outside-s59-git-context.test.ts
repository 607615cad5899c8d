// A git repository as the build context in BuildKit's query form (`URL?ref=…&subdir=…`, `?tag=`,
// `?commit=`), through the CLI bundle (HOIST_TEST_CLI for a private one), against a repository on the
// lab's sshd: cloned at the ref it names and built from the subdirectory, as `docker buildx build`
// reads the same URL. Before, the whole URL with its query went to `git fetch` and the build failed.
// A query BuildKit would refuse is an input error naming `context`, before anything is cloned.
// The ssh key goes in HOIST_SSH_KEY only, never in argv or output.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { hoist, lab, leaks, toolEnv, uniqueRepo } from './lab.js';

/** Every blob of a docker archive, gunzipped where it is gzip, as text: what the image holds. */
function imageText(archive: string): string {
  const names = execFileSync('tar', ['-tf', archive], { encoding: 'utf8' })
    .split('\n')
    .filter((n) => n.startsWith('blobs/'));
  return names
    .map((n) => {
      const blob = execFileSync('tar', ['-xOf', archive, n], { maxBuffer: 1 << 26 });
      return (blob[0] === 0x1f && blob[1] === 0x8b ? gunzipSync(blob) : blob).toString('latin1');
    })
    .join('\n');
}

describe('a git context in the query form', () => {
  const { plain } = lab().registries;
  const name = uniqueRepo('s59-query');
  const bare = join(lab().dir, 'git', `${name}.git`);
  const url = `ssh://${lab().ssh.user}@127.0.0.1:${lab().ssh.port}${bare}`;
  const marker = `from-the-release-branch-${name}`;
  let commit = '';

  beforeAll(async () => {
    const src = await mkdtemp(join(tmpdir(), 'hoist-s59-src-'));
    await writeFile(join(src, 'Dockerfile'), 'FROM scratch\nCOPY wrong.txt /wrong.txt\n');
    await writeFile(join(src, 'wrong.txt'), 'the root is not the context\n');
    await mkdir(join(src, 'docker'));
    await writeFile(join(src, 'docker', 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\n');
    await writeFile(join(src, 'docker', 'hello.txt'), `${marker}\n`);
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=ci@acme.test', '-c', 'user.name=ci', ...args], { cwd: src, env: toolEnv(), encoding: 'utf8' });
    git('init', '-q', '-b', 'release');
    git('add', '-A');
    git('commit', '-qm', 'the image');
    git('tag', 'v1.4.0');
    commit = git('rev-parse', 'HEAD').trim();
    execFileSync('git', ['clone', '-q', '--bare', src, bare], { env: toolEnv() });
    execFileSync('chown', ['-R', lab().ssh.user, bare]);
  }, 30_000);

  const build = async (context: string) => {
    const ws = await mkdtemp(join(tmpdir(), 'hoist-s59-ws-'));
    const key = await readFile(lab().ssh.privateKeyFile, 'utf8');
    const out = join(ws, 'image.tar');
    const flags = ['--images', `${plain.host}/${name}/app`, '--tags', 't', '--builder', 'buildah', '--push=false', '--outputs', `type=docker,dest=${out}`];
    const knownHosts = await readFile(lab().ssh.knownHostsFile, 'utf8');
    const r = await hoist(['build', '--context', context, ...flags, '--ssh-known-hosts', knownHosts], { cwd: ws, env: { HOIST_SSH_KEY: key } });
    const image = r.code === 0 ? imageText(out) : '';
    return { r, image, leaked: leaks(r.stdout + r.stderr, key.split('\n')[1]!) };
  };

  /**
   * Property: `?ref=` and `?subdir=` are the ref and subdirectory, as `#ref:subdir` is. Nearest real
   * variant: buildx's docs' `docker buildx build 'https://github.com/user/myrepo.git?ref=main&subdir=docker'`.
   */
  it('?ref=release&subdir=docker: cloned at the branch, built from the subdirectory', async () => {
    const { r, image, leaked } = await build(`${url}?ref=release&subdir=docker`);
    expect({ code: r.code, cloned: r.stderr.includes(`cloned at ${commit}`), built: image.includes(marker), leaked }).toEqual({
      code: 0,
      cloned: true,
      built: true,
      leaked: false,
    });
  }, 50_000);
  /**
   * Property: `?tag=` and `?commit=` name what is fetched (refs/tags/…, the commit itself). Nearest real
   * variant: a release job pinning `…/app.git?tag=v1.4.0&subdir=docker`, a reproducible one `?commit=<sha>`.
   */
  it.each([
    ['?tag=v1.4.0&subdir=docker', 'refs/tags/v1.4.0'],
    ['?commit=COMMIT&subdir=docker', 'COMMIT'],
  ])(
    '%s: fetched by its name and built from the subdirectory',
    async (query, shown) => {
      const { r, image } = await build(`${url}${query.replace('COMMIT', commit)}`);
      expect({
        code: r.code,
        from: r.stderr.includes(`#${shown.replace('COMMIT', commit)} (docker) cloned at ${commit}`),
        built: image.includes(marker),
      }).toEqual({
        code: 0,
        from: true,
        built: true,
      });
    },
    50_000,
  );

  /**
   * Property: a query BuildKit would refuse (an unknown key, two refs that disagree) is exit 2 naming
   * `context`, before anything is cloned. Nearest real variant: `?branch=main&tag=v1` or a typo `?reff=main`.
   */
  it('?reff=release and ?branch=a&tag=b: exit 2 naming context, nothing cloned', async () => {
    const typo = await build(`${url}?reff=release`);
    const both = await build(`${url}?branch=release&tag=v1.4.0`);
    expect({
      codes: [typo.r.code, both.r.code],
      named: [/context: .*'reff' is not one BuildKit reads/.test(typo.r.stderr), /context: .*a tag or a branch, not both/.test(both.r.stderr)],
      cloned: /cloned at/.test(typo.r.stderr + both.r.stderr),
    }).toEqual({ codes: [2, 2], named: [true, true], cloned: false });
  }, 30_000);
});
