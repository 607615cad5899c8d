/**
 * The shell lexer BuildKit expands Dockerfile words with (frontend/dockerfile/shell/lex.go), rule
 * for rule: quotes, the escape character, `$VAR`, `${VAR}` and every `${…}` operator it has —
 * `:-` `-` `:+` `+` `:?` `?` `#` `##` `%` `%%` `/` `//` — with its errors where it refuses. Pure.
 */

/** What a variable reads as: set (maybe to ""), or not set. */
export type Env = ReadonlyMap<string, string>;

export interface LexOptions {
  /** `\` or `` ` `` (a Dockerfile's `# escape=`). */
  escape?: string;
  /** Keep quote characters in the result. */
  rawQuotes?: boolean;
  /** Keep escape characters in the result. */
  rawEscapes?: boolean;
  /** Leave an unset variable's reference as written. */
  skipUnsetEnv?: boolean;
}

export interface WordResult {
  result: string;
  words: string[];
  matched: Set<string>;
  unmatched: Set<string>;
}

/** A refusal of the lexer: the message BuildKit gives. */
export class LexError extends Error {}

const EOF = undefined;
const goSpace = (c: string) => /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u.test(c);
const isLetter = (c: string) => /^\p{L}$/u.test(c);
const isDigit = (c: string) => /^\p{Nd}$/u.test(c);
const SPECIAL_PARAMS = new Set(['@', '*', '#', '?', '-', '$', '!', '0']);

/** Words as the lexer splits them: spaces split, except what came quoted or escaped. */
class Words {
  buf = '';
  words: string[] = [];
  inWord = false;
  addChar(c: string): void {
    if (goSpace(c)) {
      if (this.inWord && this.buf.length) {
        this.words.push(this.buf);
        this.buf = '';
        this.inWord = false;
      }
    } else this.addRaw(c);
  }
  addRaw(s: string): void {
    this.buf += s;
    this.inWord = true;
  }
  addString(s: string): void {
    for (const c of s) this.addChar(c);
  }
  get(): string[] {
    if (this.buf.length) {
      this.words.push(this.buf);
      this.buf = '';
      this.inWord = false;
    }
    return this.words;
  }
}

class ShellWord {
  private chars: string[];
  private pos = 0;
  readonly matched = new Set<string>();
  readonly unmatched = new Set<string>();
  private readonly escape: string;
  private rawEscapes: boolean;
  constructor(
    word: string,
    private readonly env: Env,
    private readonly o: LexOptions,
  ) {
    this.chars = Array.from(word);
    this.escape = o.escape ?? '\\';
    this.rawEscapes = o.rawEscapes ?? false;
  }
  private peek = (): string | undefined => this.chars[this.pos];
  private next = (): string | undefined => this.chars[this.pos++];
  private getEnv(name: string): [string, boolean] {
    const v = this.env.get(name);
    (v === undefined ? this.unmatched : this.matched).add(name);
    return [v ?? '', v !== undefined];
  }

  /** Reads up to `stop` (consumed) or the end: the text and its words. */
  processStopOn(stop: string | undefined, rawEscapes: boolean): [string, string[]] {
    let result = '';
    const words = new Words();
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      while (this.peek() !== EOF) {
        let ch = this.peek()!;
        if (stop !== EOF && ch === stop) {
          this.next();
          return [result, words.get()];
        }
        const special =
          ch === '$'
            ? () => this.processDollar()
            : ch === '<'
              ? () => this.processPossibleHeredoc()
              : ch === "'"
                ? () => this.processSingleQuote()
                : ch === '"'
                  ? () => this.processDoubleQuote()
                  : undefined;
        if (special) {
          const tmp = special();
          result += tmp;
          if (ch === '$') words.addString(tmp);
          else words.addRaw(tmp);
          continue;
        }
        ch = this.next()!;
        if (ch === this.escape) {
          if (this.rawEscapes) {
            words.addRaw(ch);
            result += ch;
          }
          const escaped = this.next();
          if (escaped === EOF) break;
          words.addRaw(escaped);
          result += escaped;
          continue;
        }
        words.addChar(ch);
        result += ch;
      }
      if (stop !== EOF) throw new LexError(`unexpected end of statement while looking for matching ${stop}`);
      return [result, words.get()];
    } finally {
      this.rawEscapes = saved;
    }
  }

  private processSingleQuote(): string {
    let result = '';
    const open = this.next()!;
    if (this.o.rawQuotes) result += open;
    for (;;) {
      const ch = this.next();
      if (ch === EOF) throw new LexError('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") return this.o.rawQuotes ? result + ch : result;
      result += ch;
    }
  }

  private processDoubleQuote(): string {
    let result = '';
    const open = this.next()!;
    if (this.o.rawQuotes) result += open;
    for (;;) {
      const p = this.peek();
      if (p === EOF) throw new LexError('unexpected end of statement while looking for matching double-quote');
      if (p === '"') {
        this.next();
        return this.o.rawQuotes ? result + p : result;
      }
      if (p === '$') {
        result += this.processDollar();
        continue;
      }
      let ch = this.next()!;
      if (ch === this.escape) {
        if (this.rawEscapes) result += ch;
        const after = this.peek();
        if (after === EOF) continue; // an escape at the end of the word is dropped
        if (after === '"' || after === '$' || after === this.escape) ch = this.next()!;
      }
      result += ch;
    }
  }

  private processName(): string {
    let name = '';
    while (this.peek() !== EOF) {
      const ch = this.peek()!;
      if (!name && isDigit(ch)) {
        while (this.peek() !== EOF && isDigit(this.peek()!)) name += this.next();
        return name;
      }
      if (!name && SPECIAL_PARAMS.has(ch)) return this.next()!;
      if (!isLetter(ch) && !isDigit(ch) && ch !== '_') break;
      name += this.next();
    }
    return name;
  }

  private processPossibleHeredoc(): string {
    this.next();
    if (this.peek() !== '<') return '<';
    this.next();
    let space = '';
    while (this.peek() === '\t' || this.peek() === '\r' || this.peek() === ' ') space += this.next();
    return `<<${space}`;
  }

  /** `}` (or `/`) ends the operand; at the end of the input the brace is what is missing. */
  private operand(stop: string, rawEscapes: boolean, missing: string): string {
    try {
      return this.processStopOn(stop, rawEscapes)[0];
    } catch (e) {
      if (this.peek() === EOF) throw new LexError(missing);
      throw e;
    }
  }

  private processDollar(): string {
    this.next();
    if (this.peek() !== '{') {
      const name = this.processName();
      if (!name) return '$';
      const [value, found] = this.getEnv(name);
      return !found && this.o.skipUnsetEnv ? `$${name}` : value;
    }
    this.next();
    const first = this.peek();
    if (first === EOF) throw new LexError("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new LexError('syntax error: bad substitution');
    const name = this.processName();
    let ch = this.next();
    let chs = ch ?? '';
    if (ch === '}') {
      const [value, set] = this.getEnv(name);
      return !set && this.o.skipUnsetEnv ? `\${${name}}` : value;
    }
    if (ch === ':' || ch === '+' || ch === '-' || ch === '?' || ch === '#' || ch === '%') {
      const nullIsUnset = ch === ':';
      if (nullIsUnset) {
        ch = this.next();
        chs += ch ?? '';
      }
      const rawEscapes = ch === '#' || ch === '%';
      if (nullIsUnset && rawEscapes) throw new LexError(`unsupported modifier (${chs}) in substitution`);
      let word = this.operand('}', rawEscapes, "syntax error: missing '}'");
      const [value, set] = this.getEnv(name);
      if (this.o.skipUnsetEnv && !set) return `\${${name}${chs}${word}}`;
      const empty = !set || (nullIsUnset && value === '');
      switch (ch) {
        case '-':
          return empty ? word : value;
        case '+':
          return empty ? '' : word;
        case '?':
          if (!set) throw new LexError(`${name}: ${word || 'is not allowed to be unset'}`);
          if (nullIsUnset && value === '') throw new LexError(`${name}: ${word || 'is not allowed to be empty'}`);
          return value;
        case '%':
        case '#': {
          const greedy = word.startsWith(ch);
          if (greedy) word = word.slice(1);
          return ch === '%' ? trimSuffix(word, value, greedy) : trimPrefix(word, value, greedy);
        }
        default:
          throw new LexError(`unsupported modifier (${chs}) in substitution`);
      }
    }
    if (ch === '/') {
      const all = this.peek() === '/';
      if (all) this.next();
      const pattern = this.operand('/', true, "syntax error: missing '/' in ${}");
      const replacement = this.operand('}', true, "syntax error: missing '}'");
      const [value, set] = this.getEnv(name);
      if (this.o.skipUnsetEnv && !set) return `\${${name}/${pattern}/${replacement}}`;
      const re = patternRegex(pattern, true, false);
      if (all) return goReplaceAll(re, value, replacement);
      const m = re.exec(value);
      return m ? value.slice(0, m.index) + replacement + value.slice(m.index + m[0].length) : value;
    }
    throw new LexError(`unsupported modifier (${chs}) in substitution`);
  }
}

/**
 * A shell pattern (`*` any string, `?` one character, `\` escaping `*` `?` `\`, and `}` `/` as
 * written inside `${…}`) as a regular expression; greedy or shortest `*`, anchored or not.
 */
export function patternRegex(pattern: string, greedy: boolean, anchored: boolean): RegExp {
  const chars = Array.from(pattern);
  // Go's `.` is any character but a newline; JavaScript's also skips \r, U+2028 and U+2029.
  let out = anchored ? '^' : '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '*') out += greedy ? '[^\\n]*' : '[^\\n]*?';
    else if (c === '?') out += '[^\\n]';
    else if (c === '\\') {
      if (chars[i + 1] === '}' || chars[i + 1] === '/') continue;
      const e = chars[++i];
      if (e !== '*' && e !== '?' && e !== '\\') throw new LexError(`invalid pattern (${pattern}) in substitution: invalid escape '\\${e ?? ''}'`);
      out += `\\${e}`;
    } else if ('[]{}.+()|^$'.includes(c)) out += `\\${c}`;
    else out += c;
  }
  return new RegExp(out, 'gu');
}

/** Go's `ReplaceAllString`: in the replacement `$0` is the match, `$$` a `$`, other `$name`s (there are no groups) nothing; an empty match next to the last one is skipped. */
function goReplaceAll(re: RegExp, src: string, template: string): string {
  const parts: Array<string | null> = [];
  let rest = template;
  for (let m; (m = /\$(\$|\{[A-Za-z0-9_]+\}|[A-Za-z0-9_]+)/.exec(rest)); rest = rest.slice(m.index + m[0].length)) {
    parts.push(rest.slice(0, m.index));
    const name = m[1]!.replace(/^\{(.*)\}$/, '$1');
    parts.push(m[1] === '$' ? '$' : name === '0' ? null : '');
  }
  parts.push(rest);
  let out = '';
  let last = 0;
  let search = 0;
  while (search <= src.length) {
    re.lastIndex = search;
    const m = re.exec(src);
    if (!m) break;
    const [a0, a1] = [m.index, m.index + m[0].length];
    out += src.slice(last, a0);
    if (a1 > last || a0 === 0) out += parts.map((p) => p ?? m[0]).join('');
    last = a1;
    const width = (src.codePointAt(search) ?? 0) > 0xffff ? 2 : 1;
    search = search + width > a1 ? search + width : search + 1 > a1 ? search + 1 : a1;
  }
  return out + src.slice(last);
}

/** Reverses a pattern, keeping each escape before what it escapes (`a\*c` → `c\*a`). */
export function reversePattern(pattern: string): string {
  const p = Array.from(pattern);
  const out: string[] = [];
  const lastIdx = p.length - 1;
  for (let i = 0; i <= lastIdx;) {
    const o = lastIdx - i;
    if (p[i] === '\\' && i !== lastIdx) {
      out[o - 1] = p[i]!;
      out[o] = p[i + 1]!;
      i += 2;
    } else {
      out[o] = p[i]!;
      i++;
    }
  }
  return out.join('');
}

const reverse = (s: string) => Array.from(s).reverse().join('');

function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  const re = patternRegex(pattern, greedy, true);
  re.lastIndex = 0;
  const m = re.exec(value);
  return m ? value.slice(m.index + m[0].length) : value;
}

function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  return reverse(trimPrefix(reversePattern(pattern), reverse(value), greedy));
}

/** Expands one word as BuildKit does (`ProcessWordWithMatches`): the text, its words, and which variables it read. */
export function processWord(word: string, env: Env, o: LexOptions = {}): WordResult {
  const sw = new ShellWord(word, env, o);
  try {
    const [result, words] = sw.processStopOn(EOF, o.rawEscapes ?? false);
    return { result, words, matched: sw.matched, unmatched: sw.unmatched };
  } catch (e) {
    if (e instanceof LexError) throw new LexError(`failed to process "${word}": ${e.message}`);
    throw e;
  }
}

/** The words of `word` after expansion (`ProcessWords`). */
export const processWords = (word: string, env: Env, o: LexOptions = {}): string[] => processWord(word, env, o).words;
