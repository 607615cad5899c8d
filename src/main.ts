/**
 * Wires the real effects together and decides failure. Any thrown value — not only Errors —
 * fails the step with a message that has every known secret removed.
 */
import { ConfigError } from './config.js';
import { Redactor } from './core/redact.js';
import { createExec } from './exec.js';
import { createGitHubPlatform } from './platform/github.js';
import { createGitLabPlatform } from './platform/gitlab.js';
import type { Platform } from './platform/platform.js';
import { promote } from './promote.js';
import { RegistryClient, type ClientOptions } from './registry/client.js';
import { cleanup, run } from './run.js';

/** One line per problem, without stack traces; bad inputs name their input. */
export function describeFailure(error: unknown): string[] {
  if (error instanceof ConfigError) return error.issues.map((i) => `Input '${i.input}': ${i.message}`);
  if (error instanceof Error) return [error.message];
  return [`unexpected failure: ${String(error)}`];
}

/** On SIGTERM or SIGINT (a cancelled job): the handler, then exit 143 as a terminated process does. */
function onTerminate(platform: Platform, handler: () => void): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    try {
      handler();
    } finally {
      platform.error(`cancelled (${signal}): cleaned up and stopped`);
      process.exit(143);
    }
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}

/** GitLab CI when `GITLAB_CI` is set (gitlab-ci-local sets it to false), else GitHub Actions. */
const detectPlatform = (): Platform => (process.env.GITLAB_CI !== undefined ? createGitLabPlatform() : createGitHubPlatform());

export async function main(createPlatform: () => Platform = detectPlatform): Promise<void> {
  const redactor = new Redactor();
  let platform: Platform | undefined;
  try {
    platform = createPlatform();
    if (platform.isPost) {
      await cleanup(platform);
      return;
    }
    const p = platform;
    const deps = { platform, exec: createExec(redactor), redactor, createRegistryClient: (o: ClientOptions) => new RegistryClient(o), onTerminate: (handler: () => void) => onTerminate(p, handler) };
    // promote/action.yml and gitlab/templates/promote.yml select the promotion entry.
    if (platform.getInput('hoist-mode') === 'promote' || process.env.HOIST_MODE === 'promote') await promote(deps);
    else await run(deps);
  } catch (error) {
    for (const line of describeFailure(error)) {
      const message = redactor.redact(line);
      if (platform) platform.error(message);
      else process.stdout.write(`::error::${message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}\n`);
    }
    process.exitCode = 1;
  }
}
