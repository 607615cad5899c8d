/** What the pipeline needs from the CI system it runs in: the contract `platform/`'s adapters (GitHub, GitLab, the CLI) implement. */
import type { RunFacts } from './facts.js';

/** Facts about the run that the CI system provides (not user inputs). */
export interface CiContext {
  /** The git tag, branch, pull request, commit and repository of the run. */
  facts: RunFacts;
  /** The clock (schedule tags, the created label when no commit time is known). */
  now: () => Date;
  /** Directory that relative input paths are resolved against. */
  workspace: string;
  /** Directory for temporary files of this job (cleaned by the runner as well). */
  tempDir: string;
  /** The environment the step runs in (for tools we spawn: PATH, DOCKER_HOST, …). */
  env: Readonly<Record<string, string | undefined>>;
}

export interface Annotation {
  file?: string;
  line?: number;
  title?: string;
}

export interface Platform {
  readonly name: string;
  /** The raw value of an input, '' when it is not set. */
  getInput(name: string): string;
  setOutput(name: string, value: string): void;
  /** Sets a variable for the job's later steps (GitHub's GITHUB_ENV), where the platform has such a thing. */
  exportVariable?(name: string, value: string): void;
  /** Hide a value in every later log line. */
  mask(value: string): void;
  debug(message: string): void;
  info(message: string): void;
  warning(message: string, annotation?: Annotation): void;
  error(message: string, annotation?: Annotation): void;
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
  /** Appends Markdown to the run's summary page (GitHub's job summary). */
  summary(markdown: string): Promise<void>;
  /** State shared between the main step and its post (cleanup) step. */
  saveState(name: string, value: string): void;
  getState(name: string): string;
  /** Draws a registry's push progress live, where the platform can (a terminal); absent elsewhere. */
  progress?(p: { host: string; done: number; total: number; sent: number; elapsedMs: number }): void;
  /** True when this process is the post (cleanup) step. */
  readonly isPost: boolean;
  readonly context: CiContext;
}
