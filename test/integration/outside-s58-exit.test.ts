// How a run ends and what it leaves, through the bundle (HOIST_TEST_CLI for a private one; the Action's
// entry is the index.js beside it), against the lab's registries and a registry written here:
// - a slow reader of a pipe gets all the output (the forced exit 2 s after done cut it at 64 KiB);
// - what a credential helper started is stopped with it at the limit (its process group);
// - the Action's step ends once done though a helper's child (gone to a session of its own) still runs.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, lab, toolEnv } from './lab.js';

const execFileAsync = promisify(execFile);
const workdir = () => mkdtemp(join(tmpdir(), 'hoist-s58-exit-'));
const TAGS = Array.from({ length: 12_000 }, (_, i) => `1.${Math.floor(i / 100)}.${i % 100}`);

let server: Server;
let host = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/v2/') return void res.writeHead(200).end('{}');
    if (url.pathname === '/v2/many/tags/list')
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'many', tags: TAGS }));
    res.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

/** Whether a process still runs (a zombie no PID 1 reaped does not). */
async function running(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && stat.split(' ')[2] !== 'Z';
}

/** A credential helper whose child holds its output open, as a prompt waiting in a child does; `own` puts that child in a session of its own. */
async function hangingHelper(dir: string, own: boolean): Promise<Record<string, string>> {
  await execFileAsync('mkdir', ['-p', join(dir, 'bin'), join(dir, 'docker')]);
  const child = own ? `setsid sleep 40 &` : `sleep 40 &`;
  await writeFile(join(dir, 'bin/docker-credential-pass'), `#!/bin/sh\n${child}\necho $! > ${join(dir, 'prompt.pid')}\nwait\n`, { mode: 0o755 });
  await writeFile(join(dir, 'docker/config.json'), JSON.stringify({ credsStore: 'pass' }));
  return { PATH: `${join(dir, 'bin')}:/usr/bin:/bin`, HOME: dir, DOCKER_CONFIG: join(dir, 'docker'), HOIST_REGISTRY_TIMEOUT: '3' };
}

describe('a slow reader of the output', () => {
  /**
   * Property: everything printed reaches a reader slower than the 2 s the command waits for handles
   * left open. It got the first 64 KiB (the pipe's buffer), the rest dropped by process.exit().
   * Nearest real variant: `hoist tags list reg/app | less`, or a CI log shipper that stalls.
   */
  it('tags list of 12,000 tags into a reader that waits 4 s: all 12,000 lines', async () => {
    const dir = await workdir();
    const line = `${process.execPath} ${CLI} tags list ${host}/many --insecure-registries ${host} --retries 0 | (sleep 4; wc -l)`;
    const { stdout } = await execFileAsync('sh', ['-c', line], { cwd: dir, env: { ...toolEnv(), DOCKER_CONFIG: dir }, timeout: 40_000 });
    expect(Number(stdout.trim())).toBe(TAGS.length);
  }, 60_000);
});

describe('a credential helper that never answers', () => {
  /**
   * Property: what the helper started is stopped with it at the limit: nothing of it outlives the run.
   * Nearest real variant: `credsStore: pass`, its gpg pinentry (a child of the helper) waiting for a
   * passphrase no job can type; the pinentry stayed after the job's step.
   */
  it("the helper's child is gone when the command ends (exit 3, named)", async () => {
    const dir = await workdir();
    const plain = lab().registries.plain.host;
    const env = await hangingHelper(dir, false);
    const r = await execFileAsync(process.execPath, [CLI, 'tags', 'list', `${plain}/lab/busybox`, '--insecure-registries', plain, '--retries', '0'], {
      cwd: dir,
      env,
      timeout: 50_000,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code?: number; stderr?: string }) => ({ code: e.code, stderr: e.stderr ?? '' }),
    );
    const pid = Number(await readFile(join(dir, 'prompt.pid'), 'utf8'));
    const left = await running(pid);
    if (left) process.kill(pid, 'SIGKILL');
    expect({ code: r.code, named: r.stderr.includes('docker-credential-pass gave no answer within 3 s'), left }).toEqual({ code: 3, named: true, left: false });
  }, 60_000);
});

describe("the Action's step", () => {
  /**
   * Property: the step ends once it is done, whatever handle is left open — as the `hoist` command does.
   * It waited for the helper's child (40 s here; for ever for a pinentry). Nearest real variant: a
   * self-hosted runner whose Docker config has `credsStore: pass`, the stale report run as a step.
   */
  it('stale with a hanging credential helper: failed and ended within seconds', async () => {
    const dir = await workdir();
    const plain = lab().registries.plain.host;
    const env = await hangingHelper(dir, true);
    const runner = await workdir();
    const files = { GITHUB_OUTPUT: join(runner, 'output'), GITHUB_STATE: join(runner, 'state'), GITHUB_STEP_SUMMARY: join(runner, 'summary') };
    for (const f of Object.values(files)) await writeFile(f, '');
    const inputs = {
      'INPUT_HOIST-MODE': 'stale',
      INPUT_IMAGES: `${plain}/lab/busybox:1.36`,
      'INPUT_INSECURE-REGISTRIES': plain,
      INPUT_RETRIES: '0',
      INPUT_CONCURRENCY: '8',
      'INPUT_ALLOW-OUTSIDE-WORKSPACE': 'false',
    };
    const started = Date.now();
    const step = spawn(process.execPath, [join(dirname(CLI), 'index.js')], {
      cwd: dir,
      env: { ...env, ...files, ...inputs, CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: dir, RUNNER_TEMP: runner, GITHUB_REPOSITORY: 'acme/app' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    step.stdout.on('data', (c: Buffer) => (log += c.toString()));
    const killer = setTimeout(() => step.kill('SIGKILL'), 30_000);
    const code = await new Promise<number | null>((done) => step.on('exit', (c) => done(c)));
    clearTimeout(killer);
    const seconds = (Date.now() - started) / 1000;
    const pid = Number(await readFile(join(dir, 'prompt.pid'), 'utf8').catch(() => '0'));
    if (pid && (await running(pid))) process.kill(pid, 'SIGKILL');
    expect({ code, quick: seconds < 20, named: log.includes('docker-credential-pass gave no answer within 3 s') }).toEqual({
      code: 1,
      quick: true,
      named: true,
    });
  }, 60_000);
});
