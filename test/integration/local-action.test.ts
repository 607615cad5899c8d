// The action under @github/local-action (GitHub's own harness: it runs the sources' `run()` with
// its @actions/core stand-in, inputs from a .env file), against the lab: it builds with a secret,
// pushes, and its outputs name the digest skopeo sees. A failed run still sets its `result` output,
// the class of cli/exit.ts's table, for a later `if: always()` step: failed-input (a bad input),
// failed (a registry nothing answers on), found (the audit found the build's secret in the image).
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { lab, leaks, ROOT, skopeoDigest, uniqueRepo } from './lab.js';

const exec = promisify(execFile);
const SECRET = `la-secret-${Math.random().toString(36).slice(2)}-value`;

/** local-action on the sources' run() with these inputs and environment; its log, and the outputs it printed. */
async function localAction(dir: string, lines: string[]): Promise<{ out: string; outputs: Record<string, string> }> {
  const path = `${join(ROOT, 'node_modules/.bin')}:/usr/bin:/bin:/usr/sbin:/sbin`;
  const env = [...lines, `DOCKER_HOST=${lab().docker.host}`, `GITHUB_WORKSPACE=${dir}`, `RUNNER_TEMP=${dir}`, `PATH=${path}`];
  await writeFile(join(dir, '.env'), `${env.join('\n')}\n`, { mode: 0o600 });
  const out = await exec(join(ROOT, 'node_modules/.bin/local-action'), ['run', ROOT, 'src/local-action.ts', join(dir, '.env')], {
    cwd: ROOT,
    env: { PATH: path, HOME: process.env.HOME ?? '/root' },
    maxBuffer: 64 << 20,
    timeout: 240_000,
  }).then(
    (r) => r.stdout + r.stderr,
    (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}`,
  );
  // eslint-disable-next-line no-control-regex -- the stand-in colours its lines
  const plain = out.replace(/\u001b\[[0-9;]*m/g, '');
  return { out: plain, outputs: Object.fromEntries([...plain.matchAll(/::set-output name=([\w-]+)::(.*)$/gm)].map((m) => [m[1]!, m[2]!])) };
}

describe('@github/local-action', () => {
  it('runs the action: build with a secret, push, outputs', async () => {
    const { plain } = lab().registries;
    const dir = await mkdtemp(join(tmpdir(), 'hoist-la-'));
    await writeFile(
      join(dir, 'Dockerfile'),
      `FROM ${plain.host}/lab/busybox:1.36
RUN echo ${Math.random().toString(36).slice(2)} > /n
RUN --mount=type=secret,id=token test -s /run/secrets/token
`,
    );
    const repo = `${plain.host}/${uniqueRepo('local-action/app')}`;
    const path = `${join(ROOT, 'node_modules/.bin')}:/usr/bin:/bin:/usr/sbin:/sbin`;
    const env = [
      `INPUT_IMAGES=${repo}`,
      'INPUT_VERSION=3.1.4',
      `INPUT_CONTEXT=${dir}`,
      `INPUT_INSECURE-REGISTRIES=${plain.host}`,
      `INPUT_SECRETS=token=${SECRET}`,
      `DOCKER_HOST=${lab().docker.host}`,
      `GITHUB_WORKSPACE=${dir}`,
      `RUNNER_TEMP=${dir}`,
      `PATH=${path}`,
    ];
    await writeFile(join(dir, '.env'), `${env.join('\n')}\n`, { mode: 0o600 });
    const { stdout, stderr } = await exec(join(ROOT, 'node_modules/.bin/local-action'), ['run', ROOT, 'src/local-action.ts', join(dir, '.env')], {
      cwd: ROOT,
      env: { PATH: path, HOME: process.env.HOME ?? '/root' },
      maxBuffer: 64 << 20,
      timeout: 240_000,
    });
    const out = stdout + stderr;
    const digest = /::set-output name=digest::(sha256:[a-f0-9]{64})/.exec(out)?.[1];
    expect(digest).toBeDefined();
    expect(await skopeoDigest(`${repo}:3.1.4`)).toBe(digest);
    expect(await skopeoDigest(`${repo}:latest`)).toBe(digest);
    expect(out).toMatch(/audit: \d+ layers .* none found/);
    expect(leaks(out, SECRET)).toBe(false);
  }, 300_000);

  it('sets result on a failed run: failed-input for a bad input, failed for a registry nothing answers on', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-la-'));
    const bad = await localAction(dir, [
      `INPUT_IMAGES=${lab().registries.plain.host}/${uniqueRepo('local-action/bad')}`,
      'INPUT_CONCURRENCY=0',
      `INPUT_CONTEXT=${dir}`,
    ]);
    expect(bad.out).toMatch(/Input 'concurrency': '0' is not a whole number from 1 to 64/);
    expect(bad.outputs.result).toBe('failed-input');
    const down = await localAction(dir, [
      'INPUT_HOIST-MODE=promote',
      'INPUT_SOURCE=127.0.0.1:1/acme/app:1.0.0',
      `INPUT_DESTINATIONS=${lab().registries.plain.host}/${uniqueRepo('local-action/promoted')}`,
      `INPUT_INSECURE-REGISTRIES=127.0.0.1:1,${lab().registries.plain.host}`,
      'INPUT_RETRIES=0',
    ]);
    expect(down.out).toMatch(/ECONNREFUSED 127\.0\.0\.1:1/);
    expect(down.outputs.result).toBe('failed');
  }, 120_000);

  it('sets result found when the audit finds the build’s secret in the image; nothing pushed', async () => {
    const { plain } = lab().registries;
    const dir = await mkdtemp(join(tmpdir(), 'hoist-la-'));
    // A step of this run's own first (no earlier run's cached layer holds an earlier secret, which the audit could not know).
    await writeFile(
      join(dir, 'Dockerfile'),
      `FROM ${plain.host}/lab/busybox:1.36\nRUN echo ${Math.random().toString(36).slice(2)} > /nonce\nRUN --mount=type=secret,id=token cp /run/secrets/token /leaked\n`,
    );
    const repo = `${plain.host}/${uniqueRepo('local-action/leak')}`;
    const r = await localAction(dir, [
      `INPUT_IMAGES=${repo}`,
      'INPUT_VERSION=1.0.0',
      `INPUT_CONTEXT=${dir}`,
      `INPUT_INSECURE-REGISTRIES=${plain.host}`,
      `INPUT_SECRETS=token=${SECRET}`,
    ]);
    expect(r.out).toMatch(/the audit found (a secret|\d+ secrets) in the image; nothing was pushed/);
    expect(r.outputs.result).toBe('found');
    expect(await skopeoDigest(`${repo}:1.0.0`)).toBeUndefined();
    expect(leaks(r.out, SECRET)).toBe(false);
  }, 300_000);
});
