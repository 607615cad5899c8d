/** A line of a multi-line secret this short is no secret on its own (`main`, `{`, a user name). */
const MIN_LINE = 8;
/** Ordinary words (`production`, `Service account`, `PROD`) and PEM armor lines are no secret on their own either; mixed case is not a word (base64). */
const WORD = '(?:[A-Z]?[a-z]+|[A-Z]{1,12})';
const ORDINARY = new RegExp(`^(?:${WORD}(?:[ _.-]${WORD})*|-----(?:BEGIN|END) [A-Z0-9 ]+-----)$`);

/**
 * The parts of a secret value to hide on their own: the whole value, and — for a multi-line value
 * (a PEM key, a JSON key file, an env file) — each line long enough to be secret and not an
 * ordinary word, so that a line such as `main` does not turn every `:main` tag into `:***`.
 */
export function secretParts(value: string): string[] {
  const lines = value.split(/\r?\n/).map((l) => l.trim());
  if (lines.filter(Boolean).length <= 1) return [value.trim()].filter(Boolean);
  return [value, ...lines.filter((l) => l.length >= MIN_LINE && !ORDINARY.test(l))];
}

/**
 * A value this long is hidden wherever it appears, inside a word too — as GitHub's runner masks
 * every occurrence of a value given to `::add-mask::`, and as GitLab masks only variables of 8 or
 * more characters. Text that holds 8 characters of a secret in a row leaks it, whatever is around.
 */
export const MASK_EVERYWHERE = 8;
/** Shorter values are no secret (a user name's initials, `dev`): hiding them would blank ordinary words. */
export const MASK_MIN = 4;
/** What a word is made of, for a short value: it is hidden only where it stands apart from letters and digits. */
const WORD_CHAR = /[A-Za-z0-9]/;

/** A short value as a word of its own: not inside a run of letters and digits (`short` in `pw=short`, not in `shorter`). */
function standalone(value: string): RegExp {
  const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const before = WORD_CHAR.test(value[0] ?? '') ? '(?<![A-Za-z0-9])' : '';
  const after = WORD_CHAR.test(value.at(-1) ?? '') ? '(?![A-Za-z0-9])' : '';
  return new RegExp(`${before}${escaped}${after}`, 'g');
}

/**
 * Known secret values, and their removal from any text that may be printed. Values are kept in a
 * private field so that no JSON dump or debug print of a Redactor can show them.
 *
 * The rule (docs/secrets.md, "What the logs hide"): a value of `MASK_EVERYWHERE` (8) characters
 * or more becomes `***` wherever it appears; a value of 4 to 7 characters wherever it stands as a
 * word of its own — `short` is hidden in `pw=short`, `"short"`, `u:short@host`, `short_lived`, but
 * `shorter` stays readable, since a short value inside a longer word is far more often an ordinary
 * word than a leak; values under 4 characters are not hidden.
 */
export class Redactor {
  #values: string[] = [];
  /** Values under MASK_EVERYWHERE characters, each with its standalone pattern. */
  #short = new Map<string, RegExp>();

  /**
   * Remembers a secret value, the lines of a multi-line value that are secrets on their own
   * (`secretParts`), and the forms they take in URLs and headers (URL-encoded; base64, as in a
   * Basic authorization). Values under 4 characters are ignored.
   */
  add(value: string): void {
    const lines = secretParts(value)
      .map((p) => p.trim())
      .filter((p) => p.length >= MASK_MIN);
    const encoded = lines.flatMap((p) => [encodeURIComponent(p), ...(p.length >= 8 ? [Buffer.from(p).toString('base64').replace(/=+$/, '')] : [])]);
    for (const part of [...lines, ...encoded]) {
      if (part.length < MASK_EVERYWHERE) {
        if (!this.#short.has(part)) this.#short.set(part, standalone(part));
      } else if (!this.#values.includes(part)) this.#values.push(part);
    }
    this.#values.sort((a, b) => b.length - a.length); // longest first, so no partial remains
    this.#short = new Map([...this.#short].sort(([a], [b]) => b.length - a.length));
  }

  /** The text with every known secret value replaced by `***` (short values where they stand alone). */
  redact(text: string): string {
    let out = text;
    for (const value of this.#values) out = out.split(value).join('***');
    for (const pattern of this.#short.values()) out = out.replace(pattern, '***');
    return out;
  }

  toJSON(): string {
    return `Redactor(${this.#values.length + this.#short.size} values)`;
  }
}
