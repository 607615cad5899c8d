/**
 * The Action's and the GitLab component's entry: picks the platform, wires the real effects, runs
 * the pipeline the step asks for, and decides failure. Any thrown value — not only Errors — fails
 * the step with a message that has every known secret removed.
 */
import { RESULT, resultFor, resultOfCode, type Result } from './cli/exit.js';
import { ConfigError } from './core/errors.js';
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

/** The entry a sub-action or component selects (`hoist-mode` input, or `HOIST_MODE` on GitLab). */
const mode = (platform: Platform) => platform.getInput('hoist-mode') || process.env.HOIST_MODE || 'build';

/** GitLab CI when `GITLAB_CI` is set (gitlab-ci-local sets it to false), else GitHub Actions. */
const detectPlatform = (): Platform => (process.env.GITLAB_CI !== undefined ? createGitLabPlatform() : createGitHubPlatform());

export async function main(createPlatform: () => Platform = detectPlatform): Promise<void> {
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
    const fx = realEffects(platform, redactor);
    // Each pipeline loads what it needs when it is chosen: the post step runs on every job, and needs little.
    if (platform.isPost) await (await import('./pipeline/post.js')).post(fx);
    // promote/, merge/ and prune/action.yml, and the GitLab components of those names, select their entries.
    else if (mode(platform) === 'promote') await (await import('./pipeline/promote.js')).promote(fx);
    else if (mode(platform) === 'stale') await (await import('./pipeline/stale.js')).stale(fx);
    else if (mode(platform) === 'merge') await (await import('./pipeline/merge.js')).merge(fx);
    else if (mode(platform) === 'prune') await (await import('./pipeline/prune.js')).prune(fx);
    else if (mode(platform) === 'push') await (await import('./pipeline/push-artefact.js')).pushArtefact(fx);
    else await (await import('./pipeline/build.js')).build(fx);
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
