/** The run's facts as every pipeline starts from them: the CI system's, and the checkout's commit time. */
import type { RunFacts } from '../core/facts.js';
import type { Effects } from '../effects/effects.js';
import { withCheckoutCommitTime } from '../platform/context.js';

/** The run's facts, with the checkout's commit time when the workspace is a git checkout. */
export async function checkoutFacts(fx: Pick<Effects, 'platform' | 'exec'>): Promise<RunFacts> {
  const { context } = fx.platform;
  const git = (args: string[]) =>
    fx.exec.run('git', args, { env: context.env, cwd: context.workspace }).then(
      (r) => r.stdout.trim() || undefined,
      () => undefined, // not a checkout, or no git: the clock, and the log says so
    );
  return withCheckoutCommitTime(context.facts, git);
}
