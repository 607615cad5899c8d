/**
 * The exit codes of every `hoist` verb (README, "Exit codes"), one table for scripts:
 *   0  done
 *   1  the check found something: a secret in the image, an image on a moved base, a base image or
 *      a release tag the policy refuses
 *   2  a usage or input error, found before anything ran (a flag, a value, a missing file, no builder, a
 *      push target's login refused by the check before the build: registry/login-check.ts)
 *   3  could not check or could not finish: the network, a login, a registry that refused, a build step
 *   130 / 143  cancelled by SIGINT (Ctrl-C) / SIGTERM
 */
export const EXIT = { done: 0, found: 1, usage: 2, failed: 3, sigint: 130, sigterm: 143 } as const;

/**
 * The same classes as words: every Action's `result` output and the GitLab components'
 * `HOIST_RESULT`, set however the step ends, so that a later step (`if: always()`) or job
 * (`when: always`) can tell "found something" from "bad input" from "could not finish".
 */
export const RESULT = {
  done: 'ok',
  found: 'found',
  usage: 'failed-input',
  failed: 'failed',
  sigint: 'cancelled',
  sigterm: 'cancelled',
} as const satisfies Record<keyof typeof EXIT, string>;
export type Result = (typeof RESULT)[keyof typeof RESULT];

const USAGE = new Set(['UsageError', 'ConfigError', 'BuilderError']);
const FOUND = new Set(['FindingError']);
/** Registry-side refusals that are the policy's finding (push/release-tags.ts), by their code. */
const FOUND_CODES = new Set(['RELEASE_TAG_PROTECTED']);

/** The exit code an error stands for, by its name (no static import of the modules that throw them) and its causes. */
export function exitCodeFor(error: unknown): number {
  const seen = new Set<unknown>();
  for (let e: unknown = error; e instanceof Error && !seen.has(e); e = e.cause) {
    seen.add(e);
    // An error of the machine's setup as written (registry/credentials.ts: a login file, a helper not installed) is input too.
    if (USAGE.has(e.name) || (e as { inputError?: unknown }).inputError === true) return EXIT.usage;
    if (FOUND.has(e.name) || FOUND_CODES.has(String((e as { code?: unknown }).code))) return EXIT.found;
    // Several registries failed: a finding only when every one of them was refused by the policy.
    if (e instanceof AggregateError && e.errors.length) return e.errors.every((x) => exitCodeFor(x) === EXIT.found) ? EXIT.found : EXIT.failed;
  }
  return EXIT.failed;
}

/** The result word of an exit code of the table (an unknown code: failed). */
export function resultOfCode(code: number): Result {
  const entry = Object.entries(EXIT).find(([, c]) => c === code);
  return entry ? RESULT[entry[0] as keyof typeof EXIT] : RESULT.failed;
}

/** The result word a run that threw `error` reports: by the class its exit code stands for. */
export const resultFor = (error: unknown): Result => resultOfCode(exitCodeFor(error));

/**
 * Ctrl-C and a cancelled job: the exit code a shell gives a process its signal ended, after the
 * cleanup a pipeline registered (effects/real.ts) — which then exits itself with the same code.
 */
export function exitOnSignals(): void {
  for (const [signal, code] of [
    ['SIGINT', EXIT.sigint],
    ['SIGTERM', EXIT.sigterm],
  ] as const)
    process.on(signal, () => {
      if (process.listenerCount(signal) === 1) process.exit(code);
    });
}
