// Secrets and SSH handed to real builds (dockerd's BuildKit), as a runner runs the action: a
// private repository cloned over SSH with Hoist's own agent and pinned host keys, a token read
// through a secret mount — and afterwards none of them anywhere in the pushed image, no agent
// left running, no file left behind; the same when the job is cancelled mid-build.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { lab, leaks, leftovers, run, runAction, uniqueRepo, type ActionRun } from './lab.js';

const TOKEN = `hoist-token-${Math.random().toString(36).slice(2)}-value`;

async function workspaceWith(dockerfile: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-ws-'));
  await writeFile(join(dir, 'Dockerfile'), dockerfile);
  return dir;
}

/** ssh-agent processes serving a socket under `dir` (Hoist's own agents put theirs in RUNNER_TEMP). */
function agentsUnder(dir: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes('ssh-agent') && l.includes(dir));
}

/** Which of `values` occur anywhere in the image: every layer (decompressed), the config, the manifest. */
async function foundInImage(reference: string, values: Record<string, string>): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-image-'));
  await run('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${reference}`, `dir:${dir}`]);
  const found = new Set<string>();
  for (const name of await readdir(dir)) {
    let bytes = await readFile(join(dir, name));
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
    for (const [what, value] of Object.entries(values)) {
      for (const form of [value, Buffer.from(value).toString('base64')]) if (bytes.includes(form)) found.add(what);
    }
  }
  return [...found];
}

describe.each(['docker', 'buildah'])('builder %s: a private repository cloned over SSH with ssh-key and pinned host keys, and a secret token', (builder) => {
  let r: ActionRun;
  let repo: string;
  const key = () => execFileSync('cat', [lab().ssh.privateKeyFile], { encoding: 'utf8' });

  beforeAll(async () => {
    const { plain } = lab().registries;
    repo = `${plain.host}/${uniqueRepo('ssh-clone/app')}`;
    const ws = await workspaceWith(`FROM ${plain.host}/lab/git:1
RUN echo ${Math.random().toString(36).slice(2)} > /build-nonce
RUN --mount=type=secret,id=known_hosts,target=/root/.ssh/known_hosts \\
    --mount=type=ssh \\
    --mount=type=secret,id=token \\
    test -s /run/secrets/token && git clone -q ${lab().ssh.repoUrl} /src/private-lib
CMD ["cat", "/src/private-lib/index.js"]
`);
    r = await runAction({
      workspace: ws,
      post: true,
      inputs: {
        images: repo,
        version: '1.0.0',
        network: 'host',
        'insecure-registries': plain.host,
        builder,
        'ssh-key': key(),
        'ssh-known-hosts': await readFile(lab().ssh.knownHostsFile, 'utf8'),
        secrets: `token=${TOKEN}`,
      },
    });
  }, 120_000);

  it('builds, and the image holds the cloned repository', async () => {
    expect(r.errors).toEqual([]);
    expect(r.log).toContain(`Builder: ${builder} (asked for)`);
    expect(r.log).toContain("ssh-key loaded into Hoist's own ssh-agent");
    const out = await run(lab().docker.cli, ['run', '--rm', `${repo}@${r.outputs.digest}`]);
    expect(out).toContain('private-lib: the secret sauce');
  });

  it('left the key and the token out of every layer, the config and its history', async () => {
    const privateKeyBody = key()
      .split('\n')
      .filter((l) => l && !l.startsWith('-----'))
      .join('\n');
    expect(await foundInImage(`${repo}@${r.outputs.digest}`, { token: TOKEN, key: privateKeyBody })).toEqual([]);
  });

  it('never printed them, stopped its agent, and left no file behind', async () => {
    for (const line of key()
      .split('\n')
      .filter((l) => l.length > 20 && !l.startsWith('-----')))
      expect(leaks(r.log, line)).toBe(false);
    expect(leaks(r.log, TOKEN)).toBe(false);
    expect(agentsUnder(r.runnerTemp)).toEqual([]);
    expect(await leftovers(r.runnerTemp)).toEqual([]);
  });
});

describe('an encrypted ssh-key', () => {
  const ws = () =>
    workspaceWith(`FROM ${lab().registries.plain.host}/lab/busybox:1.36
RUN --mount=type=ssh sh -c 'test -S "$SSH_AUTH_SOCK"'
`);
  const keyWith = async (passphrase: string) => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-key-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'test', '-f', join(dir, 'id')]);
    return readFile(join(dir, 'id'), 'utf8');
  };
  const inputs = (key: string, passphrase: string) => ({
    images: `${lab().registries.plain.host}/${uniqueRepo('ssh-enc/app')}`,
    version: '1.0.0',
    'insecure-registries': lab().registries.plain.host,
    'ssh-key': key,
    'ssh-key-passphrase': passphrase,
    push: 'false',
  });

  it('loads with its passphrase', async () => {
    const passphrase = `pass-${Math.random().toString(36).slice(2)}`;
    const r = await runAction({ workspace: await ws(), inputs: inputs(await keyWith(passphrase), passphrase) });
    expect(r.errors).toEqual([]);
    expect(leaks(r.log, passphrase)).toBe(false);
    expect(agentsUnder(r.runnerTemp)).toEqual([]);
  }, 60_000);

  it('fails clearly with a wrong passphrase, before building', async () => {
    const passphrase = `pass-${Math.random().toString(36).slice(2)}`;
    const r = await runAction({ workspace: await ws(), inputs: inputs(await keyWith(passphrase), 'wrong-passphrase') });
    expect(r.exitCode).toBe(1);
    expect(r.errors.join('\n')).toMatch(/ssh-key could not be loaded into ssh-agent: .*ssh-key-passphrase/);
    expect(r.log).not.toContain('#1 ');
    expect(leaks(r.log, 'wrong-passphrase')).toBe(false);
    expect(agentsUnder(r.runnerTemp)).toEqual([]);
  }, 60_000);
});

describe('a job cancelled mid-build', () => {
  it('leaves no secret file and no agent behind (SIGTERM)', async () => {
    const { plain } = lab().registries;
    const ws = await workspaceWith(`FROM ${plain.host}/lab/busybox:1.36
RUN echo ${Math.random().toString(36).slice(2)} > /build-nonce
RUN --mount=type=secret,id=token --mount=type=ssh sh -c 'echo waiting-for-cancel; sleep 30'
`);
    const r = await runAction({
      workspace: ws,
      inputs: {
        images: `${plain.host}/${uniqueRepo('cancel/app')}`,
        version: '1.0.0',
        'insecure-registries': plain.host,
        secrets: `token=${TOKEN}`,
        'ssh-key': execFileSync('cat', [lab().ssh.privateKeyFile], { encoding: 'utf8' }),
      },
      cancel: { when: /#\d+ [\d.]+ waiting-for-cancel/ }, // the step's own output: it is running, the secret mounted
    });
    expect(r.exitCode).toBe(143);
    expect(r.errors.join('\n')).toMatch(/cancelled \(SIGTERM\)/);
    expect(r.outputs.result).toBe('cancelled'); // set on the way out, after the cleanup (main.ts)
    expect(await leftovers(r.runnerTemp)).toEqual([]);
    expect(agentsUnder(r.runnerTemp)).toEqual([]);
  }, 60_000);
});

describe('secret-files', () => {
  it('are masked as soon as read, and a build argument carrying one is refused before the build', async () => {
    const ws = await workspaceWith(`FROM ${lab().registries.plain.host}/lab/busybox:1.36\n`);
    await writeFile(join(ws, 'npmrc'), `${TOKEN}-file\n`, { mode: 0o600 });
    const r = await runAction({
      workspace: ws,
      inputs: {
        images: `${lab().registries.plain.host}/${uniqueRepo('secret-file/app')}`,
        version: '1.0.0',
        'secret-files': 'npmrc=npmrc',
        'build-args': `LEAK=${TOKEN}-file`,
      },
    });
    expect(r.exitCode).toBe(1);
    expect(r.masked).toContain(`${TOKEN}-file`);
    expect(r.errors).toEqual([expect.stringMatching(/^Input 'build-args': LEAK has the value of secret 'npmrc' \(secret-files\)/)]);
    expect(leaks(r.log, `${TOKEN}-file`)).toBe(false);
    expect(r.log).not.toContain('Builder:');
  }, 60_000);
});

describe('a builder that is not there', () => {
  it('fails before anything is written, saying how to get it', async () => {
    const r = await runAction({
      workspace: await workspaceWith(`FROM ${lab().registries.plain.host}/lab/busybox:1.36\n`),
      inputs: { images: `${lab().registries.plain.host}/${uniqueRepo('nobuildx/app')}`, version: '1.0.0', builder: 'buildx', secrets: `token=${TOKEN}` },
    });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toEqual([expect.stringMatching(/^builder buildx: the docker CLI has no working buildx plugin: install it/)]);
    expect(await leftovers(r.runnerTemp)).toEqual([]);
  }, 60_000);
});

describe('secrets never reach argv', () => {
  it('ps during a build shows no secret value', async () => {
    const { plain } = lab().registries;
    const ws = await workspaceWith(`FROM ${plain.host}/lab/busybox:1.36
RUN echo ${Math.random().toString(36).slice(2)} > /build-nonce
RUN --mount=type=secret,id=token sh -c 'echo build-running; sleep 3'
`);
    const seen: string[] = [];
    const watcher = setInterval(() => seen.push(execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' })), 200);
    try {
      const r = await runAction({
        workspace: ws,
        env: { HOIST_NPM: TOKEN },
        inputs: {
          images: `${plain.host}/${uniqueRepo('argv/app')}`,
          version: '1.0.0',
          'insecure-registries': plain.host,
          secrets: `token=${TOKEN}`,
          'secret-envs': 'npm=HOIST_NPM',
          push: 'false',
        },
      });
      expect(r.errors).toEqual([]);
    } finally {
      clearInterval(watcher);
    }
    expect(seen.length).toBeGreaterThan(5);
    expect(seen.some((s) => s.includes('docker build'))).toBe(true); // the watcher saw the build
    expect(seen.some((s) => leaks(s, TOKEN))).toBe(false);
  }, 60_000);
});
