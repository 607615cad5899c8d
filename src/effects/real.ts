/** The real effects: processes through node:child_process, node's filesystem, our registry client, the real builders. */
import type * as BuilderModule from '../builders/builders.js';
import type { Platform } from '../platform/platform.js';
import type { Redactor } from '../secrets/redact.js';
import type { Effects } from './effects.js';
import { createExec } from './exec.js';
import { nodeFiles } from './files.js';

/** On SIGTERM or SIGINT (a cancelled job, Ctrl-C): the handler, then exit 143 or 130 as a process that signal ended does. */
function onTerminate(platform: Platform, handler: () => void): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    try {
      handler();
    } finally {
      platform.error(`cancelled (${signal}): cleaned up and stopped`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}

export function realEffects(platform: Platform, redactor: Redactor): Effects {
  // The builders (and the archive code they carry) load with the probe that precedes every build:
  // the verbs that build nothing — tags, inspect, promote — never load them.
  let builders: typeof BuilderModule | undefined;
  return {
    platform,
    exec: createExec(redactor),
    redactor,
    files: nodeFiles,
    // The HTTP stack (node:http, node:https) loads with the first client: not for a run that ends at its inputs, nor the post step.
    registry: async (options) => new (await import('../registry/client.js')).RegistryClient(options),
    builders: {
      probe: async (exec, env, buildxBuilder) => (builders ??= await import('../builders/builders.js')).probeBuilders(exec, env, buildxBuilder),
      create: (choice, deps) => {
        if (!builders) throw new Error('a builder was created before the machine was probed for builders');
        return builders.createBuilder(choice, deps);
      },
    },
    // Octokit is a fifth of the bundle: loaded only when a pull request comment is asked for.
    comment: async (target, body) => (await import('../report/pr-comment.js')).upsertPrComment(target, body),
    note: async (target, body) => (await import('../report/mr-note.js')).upsertMrNote(target, body),
    onTerminate: (handler) => onTerminate(platform, handler),
  };
}
