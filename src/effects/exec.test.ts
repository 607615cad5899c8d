// Real processes: what a tool Hoist runs can see of the step's environment.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

// The process runner itself, on real processes (sh, cat): what every builder, git and credential
// helper call relies on. Nearest real-world variants: docker build failing with its last error
// line, a credential helper waiting on a prompt (the timeout), `docker save` of an image that went.
describe('processes', () => {
  const redactor = new Redactor();
  redactor.add('s3cr3t-value');
  const exec = createExec(redactor);
  const env = { PATH: process.env.PATH };

  it('gives stdout and stderr without their final line break, and each line to onLine, redacted', async () => {
    const lines: string[] = [];
    const r = await exec.run('/bin/sh', ['-c', 'printf "one\\ntwo s3cr3t-value\\n"; echo err >&2'], { env, onLine: (l) => lines.push(l) });
    expect(r).toEqual({ stdout: 'one\ntwo s3cr3t-value', stderr: 'err' });
    expect(lines.sort()).toEqual(['err', 'one', 'two ***']);
  });

  it('writes input to stdin', async () => {
    expect((await exec.run('cat', [], { env, input: 'from stdin\n' })).stdout).toBe('from stdin');
  });

  it('fails with the exit code and the last line of its output, redacted; a missing tool by name', async () => {
    const failed = exec.run('/bin/sh', ['-c', 'echo building; echo "no space left s3cr3t-value" >&2; exit 3'], { env });
    await expect(failed).rejects.toMatchObject({ exitCode: 3, message: expect.stringMatching(/exited with code 3: no space left \*\*\*$/) });
    await expect(failed).rejects.toMatchObject({ outputTail: 'building\nno space left ***' });
    await expect(exec.run('hoist-no-such-tool', [], { env })).rejects.toThrow('hoist-no-such-tool was not found: install it or put it on PATH');
  });

  it('stops a process past its timeout', async () => {
    const t = Date.now();
    await expect(exec.run('sleep', ['5'], { env, timeoutMs: 200 })).rejects.toThrow(/timed out$/);
    expect(Date.now() - t).toBeLessThan(4000);
  });

  /**
   * Property: what a bounded process started is stopped with it at the limit, and the run does not wait
   * on the output it held. Nearest real variant: `credsStore: pass`, whose gpg pinentry (a child of the
   * helper) waits for a passphrase; the shell helper's child outlived the run (session 57).
   */
  it('stops the children of a process past its timeout too (its process group)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoist-exec-group-'));
    const t = Date.now();
    const script = `sleep 30 & echo $! > ${dir}/child.pid; wait`;
    await expect(exec.run('/bin/sh', ['-c', script], { env, timeoutMs: 300 })).rejects.toThrow(/timed out$/);
    const child = Number(readFileSync(join(dir, 'child.pid'), 'utf8'));
    await new Promise((r) => setTimeout(r, 100));
    // Gone, or a zombie (a container's PID 1 may reap no orphan): either way it no longer runs.
    const alive = (() => {
      try {
        return readFileSync(`/proc/${child}/stat`, 'utf8').split(' ')[2] !== 'Z';
      } catch {
        return false;
      }
    })();
    if (alive) process.kill(child, 'SIGKILL');
    expect({ alive, quick: Date.now() - t < 5000 }).toEqual({ alive: false, quick: true });
  });

  /**
   * Property: what a bounded process started in a session of its own (`setsid`, a daemonising helper)
   * is stopped at the limit too — the group kill cannot reach it. Nearest real variant: a credential
   * helper script that starts its agent with setsid (s58: the agent's `sleep` outlived `hoist`).
   */
  it('stops a setsid child of a process past its timeout (outside its group)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoist-exec-setsid-'));
    const script = `setsid sleep 30 & echo $! > ${dir}/child.pid; wait`;
    await expect(exec.run('/bin/sh', ['-c', script], { env, timeoutMs: 300 })).rejects.toThrow(/timed out$/);
    const child = Number(readFileSync(join(dir, 'child.pid'), 'utf8'));
    await new Promise((r) => setTimeout(r, 200));
    const alive = (() => {
      try {
        return readFileSync(`/proc/${child}/stat`, 'utf8').split(' ')[2] !== 'Z';
      } catch {
        return false;
      }
    })();
    if (alive) process.kill(child, 'SIGKILL');
    expect(alive).toBe(false);
  });

  it('streams stdout; a failed stream rejects with its stderr', async () => {
    const s = exec.stream('/bin/sh', ['-c', 'head -c 300000 /dev/zero; echo "No such image: x" >&2; exit 1'], { env });
    let bytes = 0;
    for await (const c of s.stdout) bytes += (c as Buffer).length;
    expect(bytes).toBe(300000);
    await expect(s.done).rejects.toThrow(/exited with code 1: No such image: x$/);
  });

  it('stopAll ends what runs and starts nothing more', async () => {
    const own = createExec(new Redactor());
    const running = own.run('sleep', ['5'], { env });
    await new Promise((r) => setTimeout(r, 100));
    own.stopAll();
    await expect(running).rejects.toThrow(/sleep 5 exited with code \?/);
    await expect(own.run('true', [], { env })).rejects.toThrow('true was not started: the step is stopping');
  });
});
