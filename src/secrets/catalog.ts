/**
 * The one list of every secret a run holds. Masking, the audit's value list and the build-argument
 * rule all read it, so a secret cannot be masked and yet go unaudited: whatever is added here is
 * masked at once (through `hide`), looked for by the audit, and refused as a build argument.
 */
import type { ConfigIssue } from '../core/errors.js';
import { keyBody, looksLikePrivateKey } from './private-key.js';

/** A secret value and the name findings and messages give it (never the value). */
export interface NamedSecret {
  name: string;
  value: string;
}

export class SecretCatalog {
  readonly #entries: NamedSecret[] = [];
  readonly #hide: (value: string) => void;

  /** `hide` keeps a value out of every later log line (the Redactor and the platform's masking). */
  constructor(hide: (value: string) => void) {
    this.#hide = hide;
  }

  /** Adds a secret: hidden from now on, audited, refused as a build argument. */
  add(name: string, value: string): void {
    if (!value) return;
    this.#hide(value);
    this.#entries.push({ name, value });
    // A private key also leaks as its body on one line (a key pasted into an env file).
    const body = looksLikePrivateKey(value) ? keyBody(value) : '';
    if (body) this.#entries.push({ name: `${name} (its base64 body)`, value: body });
  }

  /** Every secret, named, in the order added (for the audit). */
  get all(): readonly NamedSecret[] {
    return this.#entries;
  }

  /** The name of the secret with exactly this value, if any. */
  ownerOf(value: string): string | undefined {
    return value ? this.#entries.find((e) => e.value === value)?.name : undefined;
  }

  /** A build argument is stored in the image's history: one carrying a secret's value leaks it. */
  refuseInBuildArgs(buildArgs: ReadonlyArray<readonly [string, string]>): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    for (const [name, value] of buildArgs) {
      const owner = this.ownerOf(value);
      if (owner) {
        issues.push({
          input: 'build-args',
          message: `${name} has the value of ${owner}: build arguments are stored in the image history; pass it through secrets and RUN --mount=type=secret instead`,
        });
      }
    }
    return issues;
  }
}
