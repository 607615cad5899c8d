/** The run's facts as every pipeline starts from them: the CI system's, and the checkout's commit time. */
import type { LazyFacts, RunFacts } from '../core/facts.js';
import type { Effects } from '../effects/effects.js';
import { withCheckoutCommitTime } from '../platform/context.js';

/**
 * The run's facts, with the checkout's commit time when the workspace is a git checkout — asked of
 * `git` on the first call, once: the inputs are read and checked first, so a run that stops at
 * them starts no process and loads no process runner (the cold start bench/bundle.ts measures).
 */
export function checkoutFacts(fx: Pick<Effects, 'platform' | 'exec'>): LazyFacts {
  const { context } = fx.platform;
  const git = (args: string[]) =>
    fx.exec.run('git', args, { env: context.env, cwd: context.workspace }).then(
      (r) => r.stdout.trim() || undefined,
      () => undefined, // not a checkout, or no git: the clock, and the log says so
    );
  let facts: Promise<RunFacts> | undefined;
  return () => (facts ??= withCheckoutCommitTime(context.facts, git));
}
