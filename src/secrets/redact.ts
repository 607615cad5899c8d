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
 * Known secret values, and their removal from any text that may be printed. Values are kept in a
 * private field so that no JSON dump or debug print of a Redactor can show them.
 */
export class Redactor {
  #values: string[] = [];

  /**
   * Remembers a secret value, the lines of a multi-line value that are secrets on their own
   * (`secretParts`), and the forms they take in URLs and headers (URL-encoded; base64, as in a
   * Basic authorization). Values under 4 characters are ignored.
   */
  add(value: string): void {
    const lines = secretParts(value)
      .map((p) => p.trim())
      .filter((p) => p.length >= 4);
    const encoded = lines.flatMap((p) => [encodeURIComponent(p), ...(p.length >= 8 ? [Buffer.from(p).toString('base64').replace(/=+$/, '')] : [])]);
    for (const part of [...lines, ...encoded]) if (!this.#values.includes(part)) this.#values.push(part);
    this.#values.sort((a, b) => b.length - a.length); // longest first, so no partial remains
  }

  /** The text with every known secret value replaced by `***`. */
  redact(text: string): string {
    let out = text;
    for (const value of this.#values) out = out.split(value).join('***');
    return out;
  }

  toJSON(): string {
    return `Redactor(${this.#values.length} values)`;
  }
}
