/**
 * The Action's and the GitLab component's entry: picks the platform, wires the real effects, runs
 * the pipeline the step asks for, and decides failure. Any thrown value — not only Errors — fails
 * the step with a message that has every known secret removed.
 */
import { RESULT, resultFor, resultOfCode, type Result } from './cli/exit.js';
import { ConfigError } from './core/errors.js';
import type { Effects } from './effects/effects.js';
import { realEffects } from './effects/real.js';
import { createGitHubPlatform } from './platform/github.js';
import { createGitLabPlatform } from './platform/gitlab.js';
import { logText } from './platform/log-safe.js';
import type { Platform } from './platform/platform.js';
import { Redactor } from './secrets/redact.js';
import { redacting } from './secrets/redacting-platform.js';

/** One line per problem, without stack traces; bad inputs name their input. */
export function describeFailure(error: unknown, inputWord = 'Input'): string[] {
  if (error instanceof ConfigError) return error.issues.map((i) => `${inputWord} '${i.input}': ${i.message}`);
  if (error instanceof Error) return [error.message];
  return [`unexpected failure: ${String(error)}`];
}

/**
 * The pipelines a step can select, each loaded when chosen: the post step runs on every job and
 * needs little. promote/, merge/, prune/, stale/ and push/action.yml, and the GitLab components of
 * those names, select theirs; action.yml and the build component select none: the build.
 */
const PIPELINES: Record<string, (fx: Effects) => Promise<void>> = {
  build: async (fx) => (await import('./pipeline/build.js')).build(fx),
  promote: async (fx) => (await import('./pipeline/promote.js')).promote(fx),
  stale: async (fx) => (await import('./pipeline/stale.js')).stale(fx),
  merge: async (fx) => (await import('./pipeline/merge.js')).merge(fx),
  prune: async (fx) => (await import('./pipeline/prune.js')).prune(fx),
  push: async (fx) => (await import('./pipeline/push-artefact.js')).pushArtefact(fx),
};

/** The pipeline a sub-action or component selects (`hoist-mode` input, or `HOIST_MODE` on GitLab); an unknown name is an input error, not a build. */
function pipelineOf(platform: Platform): (fx: Effects) => Promise<void> {
  const name = (platform.getInput('hoist-mode') || process.env.HOIST_MODE || 'build').trim();
  const pipeline = Object.hasOwn(PIPELINES, name) ? PIPELINES[name] : undefined;
  if (pipeline) return pipeline;
  throw new ConfigError([
    {
      input: 'hoist-mode',
      message: `'${name}' is not one of ${Object.keys(PIPELINES).join(', ')}: the action.yml of a sub-action sets it (HOIST_MODE on GitLab)`,
    },
  ]);
}

/** GitLab CI when `GITLAB_CI` is set (gitlab-ci-local sets it to false), else GitHub Actions. */
const detectPlatform = (): Platform => (process.env.GITLAB_CI !== undefined ? createGitLabPlatform() : createGitHubPlatform());

/**
 * Runs the step. `wire` makes the effects from the platform (already redacting) and the run's
 * redactor: the real ones, or the unit tests' fakes of Hoist's own seams (test/support/pipeline.ts).
 */
export async function main(
  createPlatform: () => Platform = detectPlatform,
  wire: (platform: Platform, redactor: Redactor) => Effects = realEffects,
): Promise<void> {
  const redactor = new Redactor();
  let platform: Platform | undefined;
  // The `result` output (HOIST_RESULT on GitLab), once, however the main step ends: the class of
  // cli/exit.ts's table — also when a signal's cleanup (effects/real.ts) exits the process.
  let reported = false;
  const report = (result: Result) => {
    if (reported || !platform || platform.isPost) return;
    reported = true;
    try {
      platform.setOutput('result', result);
    } catch (e) {
      platform.warning(`could not set the result output (${result}): ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const onExit = (code: number) => report(resultOfCode(code));
  process.once('exit', onExit);
  try {
    platform = redacting(createPlatform(), redactor);
    const fx = wire(platform, redactor);
    if (platform.isPost) await (await import('./pipeline/post.js')).post(fx);
    else await pipelineOf(platform)(fx);
    report(RESULT.done);
  } catch (error) {
    report(resultFor(error));
    for (const line of describeFailure(error)) {
      const message = logText(redactor.redact(line));
      if (platform) platform.error(message);
      else process.stdout.write(`::error::${message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}\n`);
    }
    process.exitCode = 1;
  } finally {
    process.off('exit', onExit);
  }
}
