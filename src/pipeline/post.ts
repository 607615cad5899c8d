/** The post step: removes what the main step left behind if it was cut short. */
import { AGENT_STATE } from '../builders/stage.js';
import { stopAgent } from '../builders/ssh-agent.js';
import type { Effects } from '../effects/effects.js';
import { WORKDIR_STATE } from './workdir.js';

export async function post(fx: Pick<Effects, 'platform' | 'files'>): Promise<void> {
  const { platform, files } = fx;
  const pid = Number(platform.getState(AGENT_STATE));
  // Only an ssh-agent: the pid may have been reused since.
  if (pid && ((await files.readTextIfExists(`/proc/${pid}/comm`).catch(() => '')) ?? '').trim() === 'ssh-agent') stopAgent(pid);
  const workdir = platform.getState(WORKDIR_STATE);
  if (workdir) await files.remove(workdir);
}
