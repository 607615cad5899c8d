/**
 * The step's private directory (0700, under the job's temp dir) and what must not outlive the
 * step: secret files, the ssh-agent, running tools. Removed when the work ends, on failure, when
 * the step is cancelled (SIGTERM/SIGINT), and by the post step through the saved state.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Workdir } from '../core/workdir.js';
import type { Effects } from '../effects/effects.js';

export const WORKDIR_STATE = 'workdir';
export const WORKDIR_MARK_STATE = 'workdir_mark';
/** The file in the private directory that says Hoist made it, holding a token only the saved state knows. */
export const MARK_FILE = '.hoist-workdir';

export async function withWorkdir<T>(fx: Pick<Effects, 'platform' | 'exec' | 'files' | 'onTerminate'>, work: (w: Workdir) => Promise<T>): Promise<T> {
  const { platform, files } = fx;
  const dir = await files.makePrivateDir(platform.context.tempDir, 'hoist-');
  const mark = randomBytes(16).toString('hex');
  await files.writePrivate(join(dir, MARK_FILE), mark);
  platform.saveState(WORKDIR_STATE, dir);
  platform.saveState(WORKDIR_MARK_STATE, mark);
  const stops: Array<() => void> = [];
  // Each step on its own: one failing must not keep the others from running.
  const attempt = (what: string, step: () => void) => {
    try {
      step();
    } catch (e) {
      platform.warning(`while cancelling, could not ${what}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const unhook = fx.onTerminate(() => {
    attempt('stop the running tools', () => fx.exec.stopAll());
    for (const stop of stops) attempt('stop the ssh-agent', stop);
    attempt(`remove ${dir}`, () => files.removeSync(dir));
  });
  try {
    return await work({ dir, onEnd: (stop) => stops.push(stop) });
  } finally {
    for (const stop of stops) stop();
    await files.remove(dir);
    unhook();
  }
}
