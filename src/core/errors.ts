/** The one error a user's bad input becomes: every problem at once, each naming its input. */

export interface ConfigIssue {
  /** The input (or flag) the problem is in, as the user spells it: `build-args`, `registry-auth`. */
  input: string;
  /** What is wrong and how to fix it; never the value of a secret. */
  message: string;
}

/** Bad inputs; `issues` holds one line per problem, each naming its input. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map((i) => `${i.input}: ${i.message}`).join('\n'));
  }
}

/**
 * The check found something the user asked it to look for — a secret in the image, an image on a
 * moved base, a base image or a release tag the policy refuses: exit 1, as opposed to a check that
 * could not run (exit 3) or a command line that could not start (exit 2).
 */
export class FindingError extends Error {
  override readonly name = 'FindingError';
}

/** A tag input that cannot be used (a version that is no semantic version, a bad tag rule), naming the input: the inputs and the plan make it a ConfigIssue. */
export class TagError extends Error {
  override readonly name = 'TagError';
  constructor(
    message: string,
    readonly input: string,
  ) {
    super(message);
  }
}
