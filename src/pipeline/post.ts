/**
 * The post step: removes what the main step left behind if it was cut short — only a directory
 * Hoist made (its mark file holds the token the saved state names), and only an ssh-agent.
 */
import { lstat } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';
// Both agents' names from ssh-agent.ts: stage.ts would load every builder into the post step (issue 36's cold start).
import { AGENT_STATE, GIT_AGENT_STATE, stopAgent } from '../builders/ssh-agent.js';
import type { Effects } from '../effects/effects.js';
import { MARK_FILE, WORKDIR_MARK_STATE, WORKDIR_STATE } from './workdir.js';

/** The saved directory is Hoist's own: absolute, named hoist-*, a real directory of this user, with our mark. */
async function isOurs(fx: Pick<Effects, 'files'>, dir: string, mark: string): Promise<boolean> {
  if (!isAbsolute(dir) || !basename(dir).startsWith('hoist-') || !/^[0-9a-f]{32}$/.test(mark)) return false;
  const s = await lstat(dir).catch(() => undefined);
  if (!s?.isDirectory() || (process.getuid && s.uid !== process.getuid())) return false;
  return (await fx.files.readTextIfExists(join(dir, MARK_FILE)).catch(() => undefined)) === mark;
}

export async function post(fx: Pick<Effects, 'platform' | 'files'>): Promise<void> {
  const { platform, files } = fx;
  // The build's agent and the git context's. Only an ssh-agent: the pid may have been reused since.
  for (const state of [AGENT_STATE, GIT_AGENT_STATE]) {
    const pid = Number(platform.getState(state));
    if (pid && ((await files.readTextIfExists(`/proc/${pid}/comm`).catch(() => '')) ?? '').trim() === 'ssh-agent') stopAgent(pid);
  }
  const workdir = platform.getState(WORKDIR_STATE);
  if (!workdir) return;
  if (await isOurs(fx, workdir, platform.getState(WORKDIR_MARK_STATE))) await files.remove(workdir);
  else if (
    await lstat(workdir).then(
      () => true,
      () => false,
    )
  )
    platform.warning(`post: ${workdir} is not a directory this step made (no mark of its own): left as it is`);
}
