/**
 * Known secret values, and their removal from any text that may be printed. Values are kept in a
 * private field so that no JSON dump or debug print of a Redactor can show them.
 */
export class Redactor {
  #values: string[] = [];

  /**
   * Remembers a secret value, each line of a multi-line value, and the forms it takes in URLs and
   * headers (URL-encoded; base64, as in a Basic authorization). Values under 4 characters are ignored.
   */
  add(value: string): void {
    const lines = [value, ...value.split(/\r?\n/)].map((p) => p.trim()).filter((p) => p.length >= 4);
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
