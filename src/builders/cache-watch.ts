/**
 * Which steps that mount a secret (or the SSH agent) a builder served from its cache. BuildKit and
 * buildah key a `RUN --mount=type=secret` step on its text, not on the secret's value: after a
 * secret is rotated, the cached layer still holds whatever the step wrote with the old value, and
 * an audit that knows only today's values cannot see it. Read from the builders' own output:
 * BuildKit's plain progress (`#5 [2/3] RUN --mount=type=secret…`, then `#5 CACHED`) and buildah's
 * (`STEP 2/3: RUN --mount=type=secret…`, then `--> Using cache …`).
 */

/** A RUN step that mounts a secret or an SSH agent. */
export const MOUNTS_SECRET = /\bRUN\b.*--mount=(?:[^\s]*,)?type=(?:secret|ssh)\b/i;

export class CacheWatch {
  readonly cached: string[] = [];
  /** BuildKit: step number → its text, for secret-mounting steps. */
  readonly #steps = new Map<string, string>();
  /** buildah: the secret-mounting step it is on, until the next step starts. */
  #buildahStep: string | undefined;

  /** Feeds one line of the builder's output. */
  feed(line: string): void {
    const started = /^#(\d+) \[[^\]]*\] (RUN .*)$/.exec(line);
    if (started && MOUNTS_SECRET.test(started[2]!)) this.#steps.set(started[1]!, started[2]!);
    const cached = /^#(\d+) CACHED\s*$/.exec(line);
    if (cached && this.#steps.has(cached[1]!)) this.#add(this.#steps.get(cached[1]!)!);
    const step = /^STEP \d+\/\d+: (.*)$/.exec(line);
    if (step) this.#buildahStep = MOUNTS_SECRET.test(step[1]!) ? step[1] : undefined;
    if (this.#buildahStep && /^--> Using cache /.test(line)) this.#add(this.#buildahStep);
  }

  #add(step: string): void {
    const short = step.length > 120 ? `${step.slice(0, 117)}…` : step;
    if (!this.cached.includes(short)) this.cached.push(short);
  }
}
