// Property: Hoist's ssh-agents never outlive the step with a key loaded — the key has a lifetime
// (`ssh-add -t`), a cancelled step stops the git context's agent as well as the build's, and the
// post step stops both. Real-world variant: a job cancelled while `git fetch` of a private
// submodule hangs on the network, on a self-hosted runner that keeps processes between jobs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createExec, type Exec } from '../effects/exec.js';
import { nodeFiles } from '../effects/files.js';
import type { BuildInputs } from '../inputs/index.js';
import { post } from '../pipeline/post.js';
import { withWorkdir } from '../pipeline/workdir.js';
import { Redactor } from '../secrets/redact.js';
import { recordingPlatform } from '../../test/support/pipeline.js';
import { withClonedContext } from './git-context.js';
import { GIT_AGENT_STATE, startAgent } from './ssh-agent.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
};
const waitDead = async (pid: number) => {
  for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
  return !alive(pid);
};

/** Directories the tests made (the agents' sockets and askpass scripts), removed after them. */
const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
};

function key(): string {
  const dir = tempDir('hoist-key-');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'hoist-test', '-f', join(dir, 'id')]);
  const text = readFileSync(join(dir, 'id'), 'utf8');
  rmSync(dir, { recursive: true, force: true }); // a private key, even a test's, does not stay on disk
  return text;
}

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' };
const keysIn = (socket: string) => {
  try {
    return execFileSync('ssh-add', ['-l'], { env: { ...env, SSH_AUTH_SOCK: socket }, encoding: 'utf8' })
      .trim()
      .split('\n').length;
  } catch {
    return 0; // "The agent has no identities." exits 1
  }
};

describe("Hoist's ssh-agents", () => {
  it('load the key with a lifetime: past it the agent holds nothing', async () => {
    const dir = tempDir('hoist-agent-');
    const agent = await startAgent(createExec(new Redactor()), dir, env, key(), undefined, 1);
    try {
      expect(keysIn(agent.socket)).toBe(1);
      await new Promise((r) => setTimeout(r, 2500));
      expect(keysIn(agent.socket)).toBe(0);
    } finally {
      agent.stop();
    }
  });

  it("a cancelled step stops the git context's agent mid-clone; the post step stops one a killed step left", async () => {
    const real = createExec(new Redactor());
    let terminate: (() => void) | undefined;
    let pid = 0;
    let deadAfterCancel = false;
    let aliveBeforeCancel = false;
    const exec: Exec = {
      ...real,
      run: async (file, args, o) => {
        if (file !== 'git') return real.run(file, args, o);
        if (args.includes('fetch')) {
          pid = Number(platform.state.get(GIT_AGENT_STATE));
          aliveBeforeCancel = alive(pid);
          // The job is cancelled while git fetches: the handler must stop the agent itself (a real
          // cancel exits the process right after it, so no finally of the clone ever runs).
          terminate!();
          deadAfterCancel = await waitDead(pid);
          throw new Error('fetch interrupted');
        }
        return { stdout: '', stderr: '' };
      },
    };
    const cancelDir = tempDir('hoist-cancel-');
    const platform = recordingPlatform({}, { workspace: cancelDir, tempDir: cancelDir, env });
    const fx = { platform, exec, files: nodeFiles, onTerminate: (h: () => void) => ((terminate = h), () => undefined) };
    const inputs = {
      source: { git: { url: 'ssh://git@git.acme.example/team/lib.git' }, context: '', file: '' },
      secrets: { sshKey: key() },
      delivery: {},
    } as unknown as BuildInputs;
    await expect(withWorkdir(fx, (work) => withClonedContext(fx, inputs, work))).rejects.toThrow(/could not fetch/);
    expect([aliveBeforeCancel, deadAfterCancel]).toEqual([true, true]);

    // A main step killed outright (no handler ran): the post step stops the agent its state names.
    const dir = tempDir('hoist-agent-');
    const left = await startAgent(real, dir, env, key(), undefined, 600);
    const postPlatform = recordingPlatform({}, { workspace: dir, tempDir: dir, env });
    postPlatform.state.set(GIT_AGENT_STATE, String(left.pid));
    await post({ platform: postPlatform, files: nodeFiles });
    expect(await waitDead(left.pid)).toBe(true);
  });
});
