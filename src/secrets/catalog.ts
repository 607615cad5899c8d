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
  /** The exact bytes of a value that is not UTF-8 text (then `value` is its latin1 reading). */
  bytes?: Buffer;
}

/** A secret this long found inside a longer text is a leak, not a coincidence. */
const MIN_CONTAINED = 8;

export class SecretCatalog {
  readonly #entries: NamedSecret[] = [];
  readonly #hide: (value: string) => void;

  /** `hide` keeps a value out of every later log line (the Redactor and the platform's masking). */
  constructor(hide: (value: string) => void) {
    this.#hide = hide;
  }

  /** Adds a secret: hidden from now on, audited, refused as a build argument. */
  add(name: string, value: string, bytes?: Buffer): void {
    if (!value) return;
    this.#hide(value);
    this.#entries.push({ name, value, ...(bytes ? { bytes } : {}) });
    // A private key also leaks as its body on one line (a key pasted into an env file).
    const body = looksLikePrivateKey(value) ? keyBody(value) : '';
    if (body) this.#entries.push({ name: `${name} (its base64 body)`, value: body });
  }

  /** Hides a form of a secret that is not looked for in the image (a Basic authorization value). */
  hide(value: string): void {
    if (value) this.#hide(value);
  }

  /** Every secret, named, in the order added (for the audit). */
  get all(): readonly NamedSecret[] {
    return this.#entries;
  }

  /** The name of the secret with exactly this value, if any. */
  ownerOf(value: string): string | undefined {
    return value ? this.#entries.find((e) => e.value === value)?.name : undefined;
  }

  /** The secret a text holds: equal to one, or containing one long enough not to match by chance. */
  heldIn(text: string): { name: string; whole: boolean } | undefined {
    const owner = this.ownerOf(text);
    if (owner) return { name: owner, whole: true };
    const inside = this.#entries.find((e) => e.value.length >= MIN_CONTAINED && text.includes(e.value));
    return inside && { name: inside.name, whole: false };
  }

  /**
   * Build arguments are stored in the image's history, labels in its config, annotations in its
   * manifest: one carrying a secret ships it. Refused before anything runs.
   */
  refuseIn(input: 'build-args' | 'labels' | 'annotations', pairs: ReadonlyArray<readonly [string, string]>): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const fix =
      input === 'build-args'
        ? 'build arguments are stored in the image history; pass it through secrets and RUN --mount=type=secret instead'
        : `${input} are published with the image (and in the step's outputs): remove it`;
    for (const [name, value] of pairs) {
      const held = this.heldIn(value);
      if (held) issues.push({ input, message: `${name} ${held.whole ? 'has the value of' : 'contains the value of'} ${held.name}: ${fix}` });
    }
    return issues;
  }
}
