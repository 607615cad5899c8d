/**
 * The one seam for effects: every process, the files the pipeline writes, the network clients and
 * the clock (`platform.context.now`) reach the pipelines through this object. `main.ts` wires the
 * real ones; unit tests hand in fakes of Hoist's own seams (a builder that writes a layout, a
 * platform that records) and real in-process servers.
 */
import type { Builder, BuilderDeps, BuilderProbe, Choice } from '../core/builder.js';
import type { CommentTarget, NoteTarget } from '../core/comment.js';
import type { Platform } from '../platform/platform.js';
import type { ClientOptions, RegistryClient } from '../registry/client.js';
import type { Redactor } from '../secrets/redact.js';
import type { Exec } from './exec.js';
import type { Files } from './files.js';

export interface Effects {
  platform: Platform;
  exec: Exec;
  /** Every known secret value, removed from any text before it is printed. */
  redactor: Redactor;
  files: Files;
  /** A registry client for one host (the HTTP stack is loaded when the first one is made). */
  registry: (options: ClientOptions) => Promise<RegistryClient>;
  /** What builders this machine has, and one of them ready to run. */
  builders: {
    probe(exec: Exec, env: Readonly<Record<string, string | undefined>>, buildxBuilder?: string): Promise<BuilderProbe>;
    create(choice: Choice, deps: BuilderDeps): Builder;
  };
  /** Creates or updates the pull request comment (GitHub's API, loaded only when asked for). */
  comment: (target: CommentTarget, body: string) => Promise<'created' | 'updated'>;
  /** Creates or updates the merge request note (GitLab's notes API, loaded only when asked for). */
  note: (target: NoteTarget, body: string) => Promise<'created' | 'updated'>;
  /**
   * Runs `handler` (synchronously) if the step is cancelled (SIGTERM, SIGINT) before the returned
   * function is called; the step then ends.
   */
  onTerminate: (handler: () => void) => () => void;
}
