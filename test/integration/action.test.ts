// The action as a GitHub runner runs it: node dist/index.js with INPUT_* variables, against the
// lab's dockerd (BuildKit) and registries, checked afterwards with skopeo and docker.
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lab, leaks, leftovers, password, run, runAction, skopeoDigest, toolEnv, uniqueRepo } from './lab.js';

const SECRET = `hoist-secret-${Math.random().toString(36).slice(2)}-value`;

async function workspaceWith(dockerfile: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-ws-'));
  await writeFile(join(dir, 'Dockerfile'), dockerfile);
  return dir;
}

// BuildKit caches a secret-mount step whatever the secret's value, so each run gets its own
// preceding step: the secret step then really runs with this run's secret.
const secretDockerfile = (base: string) => `FROM ${base}
RUN echo ${Math.random().toString(36).slice(2)} > /build-nonce
RUN --mount=type=secret,id=token sh -c 'test -s /run/secrets/token && echo "token bytes: $(wc -c < /run/secrets/token)" > /token-size'
CMD ["cat", "/token-size"]
`;

describe('a tagged release, built with a secret and pushed', () => {
  const plain = () => lab().registries.plain.host;
  let repo: string;
  let result: Awaited<ReturnType<typeof runAction>>;

  beforeAll(async () => {
    repo = `${plain()}/${uniqueRepo('release/app')}`;
    const ws = await workspaceWith(secretDockerfile(`${plain()}/lab/busybox:1.36`));
    // The runner's env and event payload for a tag push, as recorded.
    const recorded = JSON.parse(await readFile(join(import.meta.dirname, '../fixtures/contexts/github-push-tag.json'), 'utf8')) as {
      env: Record<string, string>;
      event: unknown;
    };
    const eventPath = join(ws, 'event.json');
    await writeFile(eventPath, JSON.stringify(recorded.event));
    result = await runAction({
      workspace: ws,
      post: true,
      env: { ...recorded.env, GITHUB_EVENT_PATH: eventPath },
      inputs: { images: repo, secrets: `token=${SECRET}`, 'insecure-registries': plain() },
    });
  });

  it('succeeds and outputs the digest, image id and tags', () => {
    expect(result.errors).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.outputs.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(result.outputs.imageid).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(result.outputs.version).toBe('2.1.106');
    expect(result.outputs.tags?.split('\n')).toEqual(['2.1.106', '2.1', '2', 'latest', 'sha-8f3c2a1'].map((t) => `${repo}:${t}`));
  });

  it('labels the image from the event payload, and writes the job summary', () => {
    expect(result.outputs.labels?.split('\n')).toEqual([
      'org.opencontainers.image.title=app',
      "org.opencontainers.image.description=Acme's app",
      'org.opencontainers.image.url=https://github.com/acme/app',
      'org.opencontainers.image.source=https://github.com/acme/app',
      'org.opencontainers.image.version=2.1.106',
      'org.opencontainers.image.revision=8f3c2a1b9d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a',
      'org.opencontainers.image.created=2026-11-20T08:30:00Z',
      'org.opencontainers.image.licenses=Apache-2.0',
      `org.opencontainers.image.base.name=${plain()}/lab/busybox:1.36`,
    ]);
    const summary = result.summary.split('\n');
    expect(summary[0]).toBe(`### Hoist: \`${result.outputs.digest}\` (version 2.1.106)`);
    expect(summary.filter((l) => l.startsWith('| ') && l.includes('✅'))).toHaveLength(1);
    expect(summary).toContain('| repository | tag | moved | why |');
    expect(summary).toContainEqual(expect.stringMatching(/^\| \S+ \| `latest` \| yes \| first release \|$/));
    expect(summary).toContainEqual(expect.stringMatching(/^\*\*Audit\*\* \(fail\): \d+ layers, .* — ✅ no secret found$/));
    expect(leaks(result.summary, SECRET)).toBe(false);
  });

  it('pushed 2.1.106, 2.1, 2 and latest, all at the digest it output (skopeo)', async () => {
    for (const tag of ['2.1.106', '2.1', '2', 'latest']) {
      expect(await skopeoDigest(`${repo}:${tag}`), tag).toBe(result.outputs.digest);
    }
  });

  it('the pushed image pulls and runs, and the build saw the secret through its mount', async () => {
    const env = toolEnv();
    await run(lab().docker.cli, ['pull', '-q', `${repo}@${result.outputs.digest}`], env);
    const out = await run(lab().docker.cli, ['run', '--rm', `${repo}@${result.outputs.digest}`], env);
    expect(out.trim()).toBe(`token bytes: ${SECRET.length}`);
  });

  it('never printed the secret, and left no temporary files behind', async () => {
    expect(result.masked).toContain(SECRET); // masked the moment it was read
    expect(leaks(result.log, SECRET)).toBe(false);
    expect(leaks(JSON.stringify(result.outputs), SECRET)).toBe(false);
    expect(await leftovers(result.runnerTemp)).toEqual([]);
  });
});

describe('several registries with their own credentials', () => {
  it('pushes to the TLS registry (lab CA, htpasswd) and the token registry in one run', async () => {
    const { tls, token, plain } = lab().registries;
    const name = uniqueRepo('multi/app');
    const ws = await workspaceWith(`FROM ${plain.host}/lab/busybox:1.36\nRUN echo built > /built\n`);
    const r = await runAction({
      workspace: ws,
      inputs: {
        images: `${tls.host}/${name}\n${token.host}/${name}`,
        version: '1.0.0',
        'registry-auth': `${tls.host}=${tls.username}:${password(tls.passwordFile)}\n${token.host}=${token.username}:${password(token.passwordFile)}`,
        'registry-ca': `${tls.host}=${tls.ca}`,
        'insecure-registries': `${plain.host}, ${token.host}`,
      },
    });
    expect(r.errors).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(leaks(r.log, password(tls.passwordFile))).toBe(false);
    expect(leaks(r.log, password(token.passwordFile))).toBe(false);
    const tlsCreds = { certDir: tls.certDir, username: tls.username, passwordFile: tls.passwordFile };
    const tokenCreds = { username: token.username, passwordFile: token.passwordFile };
    for (const tag of ['1.0.0', '1.0', '1', 'latest']) {
      expect(await skopeoDigest(`${tls.host}/${name}:${tag}`, tlsCreds)).toBe(r.outputs.digest);
      expect(await skopeoDigest(`${token.host}/${name}:${tag}`, tokenCreds)).toBe(r.outputs.digest);
    }
  });

  it('fails with a clear message when the TLS registry CA is not trusted, and pushes nothing there', async () => {
    const { tls, plain } = lab().registries;
    const name = uniqueRepo('untrusted/app');
    const ws = await workspaceWith(`FROM ${plain.host}/lab/busybox:1.36\n`);
    const r = await runAction({
      workspace: ws,
      inputs: {
        images: `${tls.host}/${name}`,
        version: '1.0.0',
        'registry-auth': `${tls.host}=${tls.username}:${password(tls.passwordFile)}`,
        'insecure-registries': plain.host,
      },
    });
    expect(r.exitCode).toBe(1);
    expect(r.errors.join('\n')).toMatch(/certificate/i);
    expect(r.errors.join('\n')).toContain('registry-ca');
    expect(leaks(r.log, password(tls.passwordFile))).toBe(false);
    expect(await skopeoDigest(`${tls.host}/${name}:1.0.0`, { certDir: tls.certDir, username: tls.username, passwordFile: tls.passwordFile })).toBeUndefined();
  });
});

describe('an SSH agent forwarded to the build', () => {
  it('reaches RUN --mount=type=ssh as a mounted agent socket (the build fails without the forward)', async () => {
    const { plain } = lab().registries;
    const dir = await mkdtemp(join(tmpdir(), 'hoist-agent-'));
    const sock = join(dir, 'agent.sock');
    const agent = (await run('ssh-agent', ['-a', sock, '-s'])).match(/SSH_AGENT_PID=(\d+)/)?.[1];
    try {
      await run('ssh-add', ['-q', lab().ssh.privateKeyFile], { ...toolEnv(), SSH_AUTH_SOCK: sock });
      const name = uniqueRepo('ssh/app');
      // busybox has no ssh client; the step proves the agent socket is mounted and answers.
      const ws = await workspaceWith(`FROM ${plain.host}/lab/busybox:1.36
RUN --mount=type=ssh sh -c 'test -S "$SSH_AUTH_SOCK" && echo "agent socket mounted at $SSH_AUTH_SOCK" > /ssh-report'
CMD ["cat", "/ssh-report"]
`);
      const r = await runAction({
        workspace: ws,
        env: { SSH_AUTH_SOCK: sock },
        inputs: { images: `${plain.host}/${name}`, version: '1.0.0', ssh: 'default', 'insecure-registries': plain.host },
      });
      expect(r.errors).toEqual([]);
      expect(r.log).toContain('--mount=type=ssh');
      const out = await run(lab().docker.cli, ['run', '--rm', `${plain.host}/${name}@${r.outputs.digest}`]);
      expect(out).toMatch(/^agent socket mounted at \//);
    } finally {
      if (agent) process.kill(Number(agent));
    }
  });
});

describe('bad inputs fail with one line naming the input, and push nothing', () => {
  const cases: Array<{ name: string; input: string; inputs: Record<string, string>; env?: Record<string, string>; noDockerfile?: boolean }> = [
    { name: 'an empty images', input: 'images', inputs: { images: '' } },
    { name: 'a malformed secrets line', input: 'secrets', inputs: { secrets: `token=${SECRET}\nthis line has no equals sign` } },
    { name: 'an unparsable version', input: 'version', inputs: { version: '2.x' } },
    { name: 'an unparsable git tag', input: 'version', inputs: { version: '' }, env: { GITHUB_REF: 'refs/tags/release-two' } },
    { name: 'a missing Dockerfile', input: 'file', inputs: {}, noDockerfile: true },
  ];
  it.each(cases)('$name', async (c) => {
    const plain = lab().registries.plain.host;
    const repo = `${plain}/${uniqueRepo('bad/app')}`;
    const ws = c.noDockerfile ? await mkdtemp(join(tmpdir(), 'hoist-ws-')) : await workspaceWith(`FROM ${plain}/lab/busybox:1.36\n`);
    if (c.noDockerfile) await mkdir(join(ws, 'src'));
    const r = await runAction({
      workspace: ws,
      env: c.env,
      inputs: { images: repo, version: '3.0.0', 'insecure-registries': plain, ...c.inputs },
    });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(new RegExp(`^Input '${c.input}': `));
    expect(r.errors[0]).not.toContain('\n');
    expect(r.log).not.toMatch(/\n\s+at /); // no stack trace
    expect(leaks(r.log, SECRET)).toBe(false);
    expect(await skopeoDigest(`${repo}:3.0.0`)).toBeUndefined();
    expect(await leftovers(r.runnerTemp)).toEqual([]);
  });
});

describe('load and outputs', () => {
  it('puts a buildah-built image into the Docker daemon and writes it as a Docker archive and an OCI layout', async () => {
    const { plain } = lab().registries;
    const repo = `${plain.host}/${uniqueRepo('load/app')}`;
    const ws = await workspaceWith(
      `FROM ${plain.host}/lab/busybox:1.36\nRUN echo loaded-${Math.random().toString(36).slice(2)} > /what\nCMD ["cat", "/what"]\n`,
    );
    const r = await runAction({
      workspace: ws,
      inputs: {
        images: repo,
        version: '1.0.0',
        'insecure-registries': plain.host,
        builder: 'buildah',
        push: 'false',
        load: 'true',
        outputs: 'type=docker,dest=out/image.tar\ntype=oci,dest=out/layout',
      },
    });
    expect(r.errors).toEqual([]);
    const env = toolEnv();
    expect((await run(lab().docker.cli, ['run', '--rm', `${repo}:1.0.0`], env)).trim()).toMatch(/^loaded-/);
    const archive = (await run('skopeo', ['inspect', '--format', '{{.Layers}}', `docker-archive:${join(ws, 'out/image.tar')}`])).trim();
    expect(archive).toMatch(/^\[sha256:/);
    expect((await run('skopeo', ['inspect', '--format', '{{.Digest}}', `oci:${join(ws, 'out/layout')}`])).trim()).toBe(r.outputs.digest);
  }, 120_000);
});
