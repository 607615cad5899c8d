// A git repository as the build context, as build-push-action takes it: a private repository on
// the lab's sshd, `URL#ref:subdir`, cloned by Hoist with its own agent (`ssh-key`) and pinned host
// keys, built by the daemon's BuildKit and by buildah from the clone; a ref that is not there fails
// before anything is built, naming the context.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lab, leaks, runAction, toolEnv, uniqueRepo } from './lab.js';

describe('a git repository as the context', () => {
  const { plain } = lab().registries;
  const name = uniqueRepo('context');
  const bare = join(lab().dir, 'git', `${name}.git`);
  const url = `ssh://${lab().ssh.user}@127.0.0.1:${lab().ssh.port}${bare}`;
  const marker = `from-the-repository-${name}`;
  let commit = '';

  beforeAll(async () => {
    const src = await mkdtemp(join(tmpdir(), 'hoist-src-'));
    await mkdir(join(src, 'docker'));
    await writeFile(join(src, 'docker', 'Dockerfile'), `FROM ${plain.host}/lab/busybox:1.36\nCOPY hello.txt /hello.txt\nRUN cat /hello.txt\n`);
    await writeFile(join(src, 'docker', 'hello.txt'), `${marker}\n`);
    const git = (cwd: string, ...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=ci@acme.test', '-c', 'user.name=ci', ...args], { cwd, env: toolEnv(), encoding: 'utf8' });
    git(src, 'init', '-q', '-b', 'release');
    git(src, 'add', '-A');
    git(src, 'commit', '-qm', 'the image');
    commit = git(src, 'rev-parse', 'HEAD').trim();
    execFileSync('git', ['clone', '-q', '--bare', src, bare], { env: toolEnv() });
    execFileSync('chown', ['-R', lab().ssh.user, bare]);
  }, 60_000);

  it.each(['docker', 'buildah'])(
    'builder %s: clones URL#ref:subdir over SSH with ssh-key and pinned host keys, and builds it',
    async (builder) => {
      const ws = await mkdtemp(join(tmpdir(), 'hoist-ws-'));
      const key = execFileSync('cat', [lab().ssh.privateKeyFile], { encoding: 'utf8' });
      const r = await runAction({
        workspace: ws,
        inputs: {
          context: `${url}#release:docker`,
          images: `${plain.host}/${name}/${builder}`,
          tags: 't',
          builder,
          'ssh-key': key,
          'ssh-known-hosts': await readFile(lab().ssh.knownHostsFile, 'utf8'),
          'insecure-registries': plain.host,
        },
      });
      expect(r.errors).toEqual([]);
      expect(r.log).toContain(`Context: ${url}#release (docker) cloned at ${commit}`);
      expect(r.log).toContain(marker); // the RUN step printed the repository's file
      expect(r.outputs.digest).toMatch(/^sha256:/);
      expect(leaks(r.log, key.split('\n')[1]!)).toBe(false);
    },
    180_000,
  );

  it('fails before the build on a ref that is not there, naming the context', async () => {
    const ws = await mkdtemp(join(tmpdir(), 'hoist-ws-'));
    const r = await runAction({
      workspace: ws,
      inputs: {
        context: `${url}#no-such-branch`,
        images: `${plain.host}/${name}/missing`,
        tags: 't',
        'ssh-key': execFileSync('cat', [lab().ssh.privateKeyFile], { encoding: 'utf8' }),
        'ssh-known-hosts': await readFile(lab().ssh.knownHostsFile, 'utf8'),
      },
    });
    expect(r.exitCode).toBe(1);
    expect(r.errors.join('\n')).toMatch(new RegExp(`^context: could not fetch ${url.replace(/[.]/g, '\\.')}#no-such-branch \\(`));
    expect(r.log).not.toMatch(/^Builder: /m);
  }, 60_000);
});
