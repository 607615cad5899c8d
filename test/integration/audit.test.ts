// The pre-push audit on real builds in the lab: leaky Dockerfiles, each of which must fail with the
// right finding and push nothing, and clean ones that must pass without a false alarm. Findings
// never print the secret.
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lab, leaks, runAction, skopeoDigest, uniqueRepo } from './lab.js';

const TOKEN = `tok-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
const nonce = () => Math.random().toString(36).slice(2);

interface Case {
  name: string;
  dockerfile: (base: string) => string;
  files?: Record<string, string>;
  inputs?: Record<string, string>;
  /** What the one-line finding must say (input name, encoding, place). */
  finding: RegExp;
}

const cases: Case[] = [
  {
    // A secret given in build-args is refused before the build (the inputs test); one written into
    // the Dockerfile as an ARG default still lands in the history of every RUN after it.
    name: 'a secret as an ARG default in the Dockerfile (kept in the history)',
    dockerfile: (b) => `FROM ${b}\nARG TOKEN=${TOKEN}\nRUN echo ${nonce()} > /n && test -n "$TOKEN"\n`,
    inputs: { 'audit-values': TOKEN },
    finding: /audit-values line 1 \[sha256 [0-9a-f]{12}…\] in image config sha256:[0-9a-f]+ history\[\d+\]\.created_by/,
  },
  {
    name: 'a secret in ENV',
    dockerfile: (b) => `FROM ${b}\nENV API_KEY=${TOKEN}\nRUN echo ${nonce()} > /n\n`,
    inputs: { 'audit-values': TOKEN },
    finding: /audit-values line 1 .* in image config sha256:[0-9a-f]+ config\.Env\[\d+\]/,
  },
  {
    name: 'COPY .env, then RUN rm .env (the lower layer still ships it)',
    dockerfile: (b) => `FROM ${b}\nCOPY .env /app/.env\nRUN rm /app/.env && echo ${nonce()} > /n\n`,
    files: { '.env': `API_TOKEN=${TOKEN}\n` },
    inputs: { secrets: `token=${TOKEN}` },
    finding: /secret 'token' \(secrets\) .* in layer sha256:[0-9a-f]+ \(COPY .env \/app\/.env[^)]*\), app\/.env/,
  },
  {
    name: 'a secret mount copied into a file',
    dockerfile: (b) => `FROM ${b}\nRUN --mount=type=secret,id=token cp /run/secrets/token /root/.npmrc && echo ${nonce()} > /n\n`,
    inputs: { secrets: `token=${TOKEN}` },
    finding: /secret 'token' \(secrets\) .* in layer sha256:[0-9a-f]+ \(RUN .*cp \/run\/secrets\/token \/root\/.npmrc.*\), root\/.npmrc/,
  },
  {
    name: 'a base64-encoded secret in a config file',
    dockerfile: (b) => `FROM ${b}\nRUN --mount=type=secret,id=token sh -c 'echo "auth=$(base64 /run/secrets/token)" > /etc/app.conf' && echo ${nonce()} > /n\n`,
    inputs: { secrets: `token=${TOKEN}` },
    // Named as the encoded form, or as the file's base64 run decoded (`etc/app.conf!(base64 at 5)`): either way the file and base64.
    finding: /secret 'token' \(secrets\)(, base64 .* etc\/app\.conf| .* etc\/app\.conf!\(base64 at \d+\))/,
  },
  {
    name: 'a secret in a label',
    dockerfile: (b) => `FROM ${b}\nLABEL deploy.token=${TOKEN}\nRUN echo ${nonce()} > /n\n`,
    inputs: { 'audit-values': TOKEN },
    finding: /audit-values line 1 .* in image config sha256:[0-9a-f]+ config\.Labels\["deploy\.token"\]/,
  },
  {
    name: 'a secret in a file a later layer overwrote',
    dockerfile: (b) => `FROM ${b}\nRUN --mount=type=secret,id=token cp /run/secrets/token /cfg && echo ${nonce()} > /n\nRUN echo clean > /cfg\n`,
    inputs: { secrets: `token=${TOKEN}` },
    finding: /secret 'token' \(secrets\) .* in layer sha256:[0-9a-f]+ \(RUN .*cp \/run\/secrets\/token \/cfg.*\), cfg/,
  },
  {
    name: 'the SSH key handed to the build, copied into ~/.ssh',
    dockerfile: (b) => `FROM ${b}\nCOPY deploy_key /root/.ssh/id_ed25519\nRUN echo ${nonce()} > /n\n`,
    files: { deploy_key: 'KEY' },
    inputs: { 'ssh-key': 'KEY' },
    finding:
      /the private key handed to this build \(ssh-key, SHA256:[A-Za-z0-9+/]+\) in layer sha256:[0-9a-f]+ \(COPY deploy_key \/root\/.ssh\/id_ed25519[^)]*\), root\/.ssh\/id_ed25519/,
  },
];

async function workspace(dockerfile: string, files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-ws-'));
  await writeFile(join(dir, 'Dockerfile'), dockerfile);
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content, { mode: 0o600 });
  return dir;
}

describe('leaky images fail the audit, naming the place, and nothing is pushed', () => {
  it.each(cases)(
    '$name',
    async (c) => {
      const { plain } = lab().registries;
      const key = await readFile(lab().ssh.privateKeyFile, 'utf8');
      const fill = (v: string) => (v === 'KEY' ? key : v);
      const repo = `${plain.host}/${uniqueRepo('audit/app')}`;
      const ws = await workspace(
        c.dockerfile(`${plain.host}/lab/busybox:1.36`),
        Object.fromEntries(Object.entries(c.files ?? {}).map(([k, v]) => [k, fill(v)])),
      );
      const r = await runAction({
        workspace: ws,
        inputs: {
          images: repo,
          version: '1.0.0',
          'insecure-registries': plain.host,
          ...Object.fromEntries(Object.entries(c.inputs ?? {}).map(([k, v]) => [k, fill(v)])),
        },
      });
      expect(r.exitCode).toBe(1);
      const message = r.errors.join('\n');
      expect(message).toMatch(/the audit found (a secret|\d+ secrets) in the image; nothing was pushed/);
      expect(message).toMatch(c.finding);
      expect(leaks(r.log, TOKEN)).toBe(false);
      for (const line of key.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))) expect(leaks(r.log, line)).toBe(false);
      expect(await skopeoDigest(`${repo}:1.0.0`)).toBeUndefined();
    },
    60_000,
  );
});

describe('clean images pass without a false alarm', () => {
  it('a secret used through its mount only, a hash of it kept, an ssh client in the image', async () => {
    const { plain } = lab().registries;
    const repo = `${plain.host}/${uniqueRepo('audit-clean/app')}`;
    const ws = await workspace(
      `FROM ${plain.host}/lab/git:1
RUN --mount=type=secret,id=token sha256sum /run/secrets/token > /token.sha256 && echo ${nonce()} > /n
`,
      {},
    );
    const r = await runAction({
      workspace: ws,
      inputs: { images: repo, version: '1.0.0', 'insecure-registries': plain.host, secrets: `token=${TOKEN}\nshort=abc` },
    });
    expect(r.errors).toEqual([]);
    expect(r.log).toMatch(/audit: \d+ layers \([\d.]+ MiB decompressed\), config and annotations checked for 1 values: none found/);
    expect(r.log).toContain("audit: secret 'short' (secrets) is shorter than 8 characters: not looked for");
    expect(r.log).not.toMatch(/audit: .*private key/); // the ssh binary's BEGIN marker is not a key
    expect(await skopeoDigest(`${repo}:1.0.0`)).toBe(r.outputs.digest);
  }, 60_000);

  it('audit: warn reports a leak and pushes', async () => {
    const { plain } = lab().registries;
    const repo = `${plain.host}/${uniqueRepo('audit-warn/app')}`;
    const ws = await workspace(`FROM ${plain.host}/lab/busybox:1.36\nLABEL t=${TOKEN}\nRUN echo ${nonce()} > /n\n`, {});
    const r = await runAction({
      workspace: ws,
      inputs: { images: repo, version: '1.0.0', 'insecure-registries': plain.host, 'audit-values': TOKEN, audit: 'warn' },
    });
    expect(r.errors).toEqual([]);
    expect(r.log).toMatch(/::warning::audit: audit-values line 1 .* config\.Labels\.t\n/);
    expect(JSON.parse(r.outputs.metadata ?? '{}').audit).toMatchObject({ mode: 'warn', leaks: 2 }); // the label, and the LABEL step in the history
    expect(await skopeoDigest(`${repo}:1.0.0`)).toBe(r.outputs.digest);
  }, 60_000);
});

describe('the base-image policy refuses, before anything is built, naming the Dockerfile line', () => {
  const policyCases: Array<{ name: string; dockerfile: (plain: string) => string; inputs: (plain: string) => Record<string, string>; message: RegExp }> = [
    {
      name: 'an untrusted FROM',
      dockerfile: () => 'FROM evil.example/base:1\nRUN true\n',
      inputs: (p) => ({ 'allowed-base-images': `${p}/lab/*` }),
      message: /Dockerfile:1: FROM evil.example\/base:1 is not an allowed base image/,
    },
    {
      name: 'FROM x:latest with require-pinned-base',
      dockerfile: (p) => `FROM ${p}/lab/busybox:latest\n`,
      inputs: (p) => ({ 'allowed-base-images': `${p}/lab/*`, 'require-pinned-base': 'true' }),
      message: /Dockerfile:1: FROM 127.0.0.1:\d+\/lab\/busybox:latest is a floating tag \(latest\)/,
    },
    {
      name: 'FROM $BASE overridden by a build argument',
      dockerfile: (p) => `ARG BASE=${p}/lab/busybox:1.36\nFROM $BASE\n`,
      inputs: (p) => ({ 'allowed-base-images': `${p}/lab/*`, 'build-args': 'BASE=evil.example/base:1' }),
      message: /Dockerfile:2: FROM evil.example\/base:1 is not an allowed base image/,
    },
  ];

  it.each(policyCases)(
    '$name',
    async (c) => {
      const { plain } = lab().registries;
      const ws = await workspace(c.dockerfile(plain.host), {});
      const r = await runAction({
        workspace: ws,
        inputs: { images: `${plain.host}/${uniqueRepo('policy/app')}`, version: '1.0.0', 'insecure-registries': plain.host, ...c.inputs(plain.host) },
      });
      expect(r.exitCode).toBe(1);
      expect(r.errors.join('\n')).toMatch(/the base image policy refused an image the build would use; nothing was built/);
      expect(r.errors.join('\n')).toMatch(c.message);
      expect(r.log).toMatch(/::error (?=[^\n]*file=Dockerfile)(?=[^\n]*line=\d)[^\n]*::base image policy: /); // an annotation on the Dockerfile line
      expect(r.log).not.toContain('Builder:');
    },
    60_000,
  );

  it('passes an allowed, pinned base and records its digest in the labels', async () => {
    const { plain } = lab().registries;
    const digest = (await skopeoDigest(`${plain.host}/lab/busybox:1.36`))!;
    const ws = await workspace(`FROM ${plain.host}/lab/busybox:1.36@${digest}\nRUN echo ${nonce()} > /n\n`, {});
    const r = await runAction({
      workspace: ws,
      inputs: {
        images: `${plain.host}/${uniqueRepo('policy-ok/app')}`,
        version: '1.0.0',
        'insecure-registries': plain.host,
        'allowed-base-images': `${plain.host}/lab/**`,
        'require-pinned-base': 'true',
      },
    });
    expect(r.errors).toEqual([]);
    expect(JSON.parse(r.outputs.metadata ?? '{}').labels).toMatchObject({
      'org.opencontainers.image.base.digest': digest,
      'org.opencontainers.image.base.name': `${plain.host}/lab/busybox:1.36@${digest}`,
    });
  }, 60_000);
});
