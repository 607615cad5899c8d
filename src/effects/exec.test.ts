// Real processes: what a tool Hoist runs can see of the step's environment.
import { describe, expect, it } from 'vitest';
import { Redactor } from '../secrets/redact.js';
import { childEnvironment, createExec } from './exec.js';

const step = {
  PATH: process.env.PATH,
  HOME: '/home/runner',
  DOCKER_HOST: 'unix:///run/docker.sock',
  HTTPS_PROXY: 'http://proxy:3128',
  LC_ALL: 'C.UTF-8',
  INPUT_SECRETS: 'npm=tok-1234567890',
  INPUT_SSH_KEY: '-----BEGIN OPENSSH PRIVATE KEY-----',
  INPUT_REGISTRY_AUTH: 'ghcr.io=u:p4ssw0rd',
  GITHUB_TOKEN: 'ghs_abcdefghijklmnop',
  ACTIONS_RUNTIME_TOKEN: 'runtime-token',
  CI_JOB_TOKEN: 'glcbt-123',
  CI_REGISTRY_PASSWORD: 'glcbt-456',
  DOCKER_PASSWORD: 'hunter2hunter2',
  DOCKER_AUTH_CONFIG: '{"auths":{}}',
  HOIST_REGISTRY_AUTH: 'x=y:z',
  AWS_SECRET_ACCESS_KEY: 'aws-secret',
};

describe('the environment of child processes', () => {
  it('is an allow-list: no input, no CI token, nothing named like a credential', () => {
    expect(childEnvironment(step)).toEqual({
      PATH: process.env.PATH,
      HOME: '/home/runner',
      DOCKER_HOST: 'unix:///run/docker.sock',
      HTTPS_PROXY: 'http://proxy:3128',
      LC_ALL: 'C.UTF-8',
    });
  });

  it('lets a credential helper have its cloud variables, and nothing of the inputs', () => {
    const env = childEnvironment(step, /^AWS_\w+$/);
    expect(env.AWS_SECRET_ACCESS_KEY).toBe('aws-secret');
    expect(Object.keys(env).filter((k) => k.startsWith('INPUT_'))).toEqual([]);
  });

  it('is what a real process sees (/usr/bin/env), through run, stream and sink', async () => {
    const exec = createExec(new Redactor());
    const seen = [(await exec.run('/usr/bin/env', [], { env: step })).stdout];
    const s = exec.stream('/usr/bin/env', [], { env: step });
    const chunks: Buffer[] = [];
    for await (const c of s.stdout) chunks.push(c as Buffer);
    await s.done;
    seen.push(Buffer.concat(chunks).toString());
    const k = exec.sink('/bin/sh', ['-c', 'cat >/dev/null; /usr/bin/env'], { env: step });
    k.stdin.end('input');
    seen.push((await k.done).stdout);
    for (const text of seen) {
      expect(text).toContain('DOCKER_HOST=unix:///run/docker.sock');
      for (const secret of ['tok-1234567890', 'OPENSSH', 'p4ssw0rd', 'ghs_', 'runtime-token', 'glcbt', 'hunter2', 'x=y:z', 'aws-secret'])
        expect(text.includes(secret), secret).toBe(false);
    }
  });
});
