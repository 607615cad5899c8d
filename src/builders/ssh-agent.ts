/**
 * Hoist's own ssh-agent for the `ssh-key` input: started on a socket in the step's private
 * directory, the key loaded through stdin (never written to disk, never in argv), forwarded to
 * the build as `default`, and killed when the step ends — also on failure or SIGTERM, and by the
 * post step if the main step was killed outright. The key is loaded with a lifetime (`ssh-add -t`):
 * an agent that survived everything still forgets it.
 */
import { rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CommandError, type Exec } from '../effects/exec.js';

export interface SshAgent {
  socket: string;
  pid: number;
  stop(): void;
}

/** The saved state naming the git context's agent, for the post step. */
export const GIT_AGENT_STATE = 'git_ssh_agent_pid';
/**
 * The saved state naming the build's agent (builders/stage.ts), for the post step. Here, not in stage.ts: the post step
 * reads both names from this small module, and importing stage.ts would load every builder with it (issue 36).
 */
export const AGENT_STATE = 'ssh_agent_pid';

export function stopAgent(pid: number): void {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

export async function startAgent(
  exec: Exec,
  dir: string,
  env: Readonly<Record<string, string | undefined>>,
  key: string,
  passphrase: string | undefined,
  /** Seconds the agent keeps the key (`ssh-add -t`): the longest the work needing it may last. */
  lifetimeSeconds: number,
): Promise<SshAgent> {
  const socket = join(dir, 'agent.sock');
  const started = await exec.run('ssh-agent', ['-a', socket, '-s'], { env }).catch((e: unknown) => {
    throw new Error(`ssh-key: could not start ssh-agent (${e instanceof Error ? e.message : String(e)}): install openssh-client on the runner`);
  });
  const pid = Number(/SSH_AGENT_PID=(\d+)/.exec(started.stdout)?.[1]);
  if (!pid) throw new Error('ssh-key: ssh-agent did not say its process id');
  let stopped = false;
  // The socket goes first, by us: an agent unlinking it on its way out would race the removal of
  // the directory it lives in (a recursive removal that meets a vanished entry can stop short).
  const stop = () => {
    if (stopped) return;
    stopped = true;
    rmSync(socket, { force: true });
    stopAgent(pid);
  };
  const agent: SshAgent = { socket, pid, stop };
  try {
    // The passphrase reaches ssh-add through an askpass helper that prints an environment variable:
    // it is in neither argv nor a file. ssh-add asks again after a wrong one, so the helper answers
    // once and then refuses, which ends ssh-add with an error instead of a loop.
    const askpass = join(dir, 'askpass.sh');
    await writeFile(askpass, '#!/bin/sh\n[ -e "$HOIST_ASKPASS_USED" ] && exit 1\n: > "$HOIST_ASKPASS_USED"\nprintf \'%s\\n\' "$HOIST_SSH_PASSPHRASE"\n', {
      mode: 0o700,
    });
    const addEnv = {
      ...env,
      SSH_AUTH_SOCK: socket,
      ...(passphrase
        ? {
            SSH_ASKPASS: askpass,
            SSH_ASKPASS_REQUIRE: 'force',
            DISPLAY: env.DISPLAY ?? ':0',
            HOIST_SSH_PASSPHRASE: passphrase,
            HOIST_ASKPASS_USED: join(dir, 'askpass.used'),
          }
        : { SSH_ASKPASS_REQUIRE: 'never' }),
    };
    // A key pasted from Windows (a CI secret or File-type variable with CRLF line ends) is the same
    // key: ssh-add refused it ("error in libcrypto") and the message asked for a complete key. The
    // catalog keeps the key as given, for the audit.
    const lines = key.replace(/\r\n?/g, '\n');
    await exec.run('ssh-add', ['-q', '-t', String(Math.max(1, Math.round(lifetimeSeconds))), '-'], {
      env: addEnv,
      input: lines.endsWith('\n') ? lines : `${lines}\n`,
      timeoutMs: 30_000,
    });
  } catch (e) {
    agent.stop();
    const said = e instanceof CommandError ? e.outputTail.trim().split('\n').pop() : e instanceof Error ? e.message : String(e);
    throw new Error(
      `ssh-key could not be loaded into ssh-agent: ${said || 'ssh-add failed'}. Check that it is a complete private key${passphrase ? ' and that ssh-key-passphrase is its passphrase' : '; an encrypted key needs ssh-key-passphrase'}`,
    );
  }
  return agent;
}
