/**
 * The door every pipeline's report leaves by: its outputs set once each, in order, and its job
 * summary redacted once here — as the build's `publishOutputs` writes its own. A summary that
 * cannot be written is a warning, not a failed run. The `Report`s are made, purely, by the module of
 * each pipeline (`promote.ts`, `merge.ts`, `prune.ts`, `stale.ts`, `hierarchy.ts`, `push.ts` beside this one).
 */
import type { Effects } from '../effects/effects.js';

/** What a pipeline tells the step: its outputs (name, value; set in this order) and its job summary (Markdown). */
export interface Report {
  outputs: ReadonlyArray<readonly [name: string, value: string]>;
  /** None for a pipeline that writes no summary (the push of an artefact). */
  summary?: string;
}

/** The job summary, redacted; a summary that cannot be written is a warning, not a failed run. */
export async function writeSummary(fx: Pick<Effects, 'platform' | 'redactor'>, markdown: string): Promise<void> {
  try {
    await fx.platform.summary(fx.redactor.redact(markdown));
  } catch (e) {
    fx.platform.warning(`could not write the job summary: ${fx.redactor.redact(e instanceof Error ? e.message : String(e))}`);
  }
}

/** Sets the report's outputs and writes its summary. */
export async function publish(fx: Pick<Effects, 'platform' | 'redactor'>, report: Report): Promise<void> {
  for (const [name, value] of report.outputs) fx.platform.setOutput(name, value);
  if (report.summary !== undefined) await writeSummary(fx, report.summary);
}
