// The action under @github/local-action (GitHub's own harness: it runs the sources' `run()` with
// its @actions/core stand-in, inputs from a .env file), against the lab: it builds with a secret,
// pushes, and its outputs name the digest skopeo sees.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { lab, leaks, ROOT, skopeoDigest, uniqueRepo } from './lab.js';

const exec = promisify(execFile);
const SECRET = `la-secret-${Math.random().toString(36).slice(2)}-value`;

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
});
