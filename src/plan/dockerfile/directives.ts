/**
 * Parser directives as BuildKit reads them (frontend/dockerfile/parser/directives.go): `# key=value`
 * lines for `syntax`, `escape` and `check` at the very top, the first other line ending them, each
 * at most once; and the frontend image BuildKit runs (`DetectSyntax`): after a byte-order mark and a
 * `#!` first line, from `# syntax=`, else `// syntax=`, else a JSON document's `"syntax"`. Pure.
 */

/** A refusal of the reader: BuildKit's reason, and the 1-based line it names. */
export class DockerfileError extends Error {
  constructor(
    readonly reason: string,
    readonly line?: number,
    /** The input at fault when it is not the file itself (`target`). */
    readonly input?: string,
  ) {
    super(line ? `line ${line}: ${reason}` : reason);
  }
}

const VALID = new Set(['syntax', 'escape', 'check']);
/** Go's `\s`: `[\t\n\f\r ]` (no vertical tab, no Unicode spaces). */
const DIRECTIVE = /^([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$/s;
/** Go's `unicode.IsSpace`. */
export const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const LEADING_SPACE = new RegExp(`^[${GO_SPACE}]+`, 'u');

export interface Directive {
  name: string;
  value: string;
  /** 1-based line. */
  line: number;
}

/** Reads directives line by line until the first line that is not one. */
export class DirectiveParser {
  private seen = new Set<string>();
  private done = false;
  constructor(
    private line = 0,
    private readonly comment = '#',
  ) {}
  parseLine(text: string): Directive | undefined {
    this.line++;
    if (this.done) return undefined;
    if (!text.startsWith(this.comment)) {
      this.done = true;
      return undefined;
    }
    const m = DIRECTIVE.exec(text.slice(this.comment.length).replace(LEADING_SPACE, ''));
    const name = m?.[1]!.toLowerCase();
    if (!m || !name || !VALID.has(name)) {
      this.done = true;
      return undefined;
    }
    if (this.seen.has(name)) throw new DockerfileError(`only one ${name} parser directive can be used`, this.line);
    this.seen.add(name);
    return { name, value: m[2]!, line: this.line };
  }
  /** Every directive of the text (stops quietly at a repeated one, as BuildKit's `ParseAll` does for `DetectSyntax`). */
  parseAll(text: string): Directive[] {
    const out: Directive[] = [];
    for (const l of text.split('\n')) {
      if (this.done) break;
      let d;
      try {
        d = this.parseLine(l.replace(/\r$/, ''));
      } catch {
        break;
      }
      if (d) out.push(d);
    }
    return out;
  }
}

export const discardBOM = (text: string): string => (text.startsWith('\ufeff') ? text.slice(1) : text);

export interface Syntax {
  /** The frontend image: the value's first space-separated word. */
  image: string;
  /** The whole value (`image opts…`). */
  cmdline: string;
  /** 1-based line, when a line says it. */
  line: number;
  form: '#' | '//' | 'json';
}

/** The frontend BuildKit runs for this Dockerfile, as `DetectSyntax` finds it; undefined when none is named. */
export const detectSyntax = (text: string): Syntax | undefined => findDirective('syntax', text, true);

/**
 * A directive as BuildKit's `parseDirective` finds it before parsing: after a byte-order mark and a
 * `#!` line, in `#` form — and, for the syntax (`anyFormat`), in `//` form or as a JSON document's key.
 * `image` is the value's first space-separated word, `cmdline` the whole value.
 */
export function findDirective(key: string, text: string, anyFormat: boolean): Syntax | undefined {
  let body = discardBOM(text);
  let offset = 0;
  const nl = body.indexOf('\n');
  if ((nl < 0 ? body : body.slice(0, nl)).startsWith('#!')) {
    body = nl < 0 ? '' : body.slice(nl + 1);
    offset = 1;
  }
  for (const form of anyFormat ? (['#', '//'] as const) : (['#'] as const)) {
    const found = new DirectiveParser(offset, form).parseAll(body).find((d) => d.name === key);
    if (found) return { image: found.value.split(' ')[0]!, cmdline: found.value, line: found.line, form };
  }
  if (!anyFormat) return undefined;
  try {
    const json: unknown = JSON.parse(body);
    const v = json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>)[key] : undefined;
    // Go's json.Unmarshal into a map takes a key's last occurrence, as JSON.parse does.
    if (typeof v === 'string') return { image: v, cmdline: v, line: offset, form: 'json' };
  } catch {
    // not JSON
  }
  return undefined;
}
