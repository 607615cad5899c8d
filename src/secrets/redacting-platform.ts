/**
 * One redaction for every byte that leaves the process through the platform: log lines, warnings
 * and errors (and their annotations), group titles, outputs (and the files GitLab makes of them:
 * the dotenv report, hoist-metadata.json), the job summary, saved state. Whatever a stage hands
 * over — a finding's file name, a registry's error body, a tool's output — passes through here.
 */
import type { Annotation, Platform } from '../core/platform.js';
import type { Redactor } from './redact.js';

export function redacting<P extends Platform>(platform: P, redactor: Redactor): P {
  const r = (text: string) => redactor.redact(text);
  const note = (a?: Annotation) => a && { ...a, ...(a.title ? { title: r(a.title) } : {}), ...(a.file ? { file: r(a.file) } : {}) };
  return {
    ...platform,
    getInput: (name: string) => platform.getInput(name),
    setOutput: (name: string, value: string) => platform.setOutput(name, r(value)),
    ...(platform.exportVariable ? { exportVariable: (name: string, value: string) => platform.exportVariable!(name, r(value)) } : {}),
    mask: (value: string) => platform.mask(value),
    debug: (message: string) => platform.debug(r(message)),
    info: (message: string) => platform.info(r(message)),
    warning: (message: string, a?: Annotation) => platform.warning(r(message), note(a)),
    error: (message: string, a?: Annotation) => platform.error(r(message), note(a)),
    group: <T>(title: string, fn: () => Promise<T>) => platform.group(r(title), fn),
    summary: (markdown: string) => platform.summary(r(markdown)),
    saveState: (name: string, value: string) => platform.saveState(name, r(value)),
    getState: (name: string) => platform.getState(name),
    ...(platform.progress ? { progress: platform.progress.bind(platform) } : {}),
  };
}
