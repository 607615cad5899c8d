// What a credential helper started in a session of its own (`setsid`, as a helper starting its agent
// does) is stopped at the helper's limit, through the CLI bundle (HOIST_TEST_CLI for a private one),
// against the lab's plain registry. The group kill of s58 could not reach it: the child outlived
// `hoist` (and, holding the helper's output, kept the run waiting to the limit and beyond).
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI, lab } from './lab.js';

const execFileAsync = promisify(execFile);

/** Whether a process still runs (a zombie no PID 1 reaped does not). */
async function running(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && stat.split(' ')[2] !== 'Z';
}

describe('a credential helper whose child left its session', () => {
  /**
   * Property: nothing a bounded helper started outlives the run, in its group or not. Nearest real
   * variant: a `credsStore` helper script that starts its agent with `setsid agent &` and waits on it.
   */
  it("the helper's setsid child is gone when the command ends (exit 3, named)", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-s59-strays-'));
    await mkdir(join(dir, 'bin'));
    await mkdir(join(dir, 'docker'));
    await writeFile(join(dir, 'bin/docker-credential-agent'), `#!/bin/sh\nsetsid sleep 45 &\necho $! > ${join(dir, 'agent.pid')}\nwait\n`, { mode: 0o755 });
    await writeFile(join(dir, 'docker/config.json'), JSON.stringify({ credsStore: 'agent' }));
    const env = { PATH: `${join(dir, 'bin')}:/usr/bin:/bin`, HOME: dir, DOCKER_CONFIG: join(dir, 'docker'), HOIST_REGISTRY_TIMEOUT: '2' };
    const plain = lab().registries.plain.host;
    const r = await execFileAsync(process.execPath, [CLI, 'tags', 'list', `${plain}/lab/busybox`, '--insecure-registries', plain, '--retries', '0'], {
      cwd: dir,
      env,
      timeout: 50_000,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code?: number; stderr?: string }) => ({ code: e.code, stderr: e.stderr ?? '' }),
    );
    const pid = Number(await readFile(join(dir, 'agent.pid'), 'utf8'));
    const left = await running(pid);
    if (left) process.kill(pid, 'SIGKILL');
    expect({ code: r.code, named: r.stderr.includes('docker-credential-agent gave no answer within 2 s'), left }).toEqual({
      code: 3,
      named: true,
      left: false,
    });
  }, 55_000);
});
