/**
 * BuildKit's Dockerfile parser (frontend/dockerfile/parser/parser.go), rule for rule: a byte-order
 * mark dropped; parser directives; a line continues when it ends in the escape character not itself
 * escaped (`\\` at the end does not continue); the continued lines joined without a space, comment
 * and blank lines inside a continuation skipped; each logical line split by its instruction's rule;
 * heredocs (`<<EOF`, `<<-EOF`, `<<"EOF"`, `<<eo'f'`, `<<file.txt`, several per line) of RUN, COPY,
 * ADD (and ONBUILD of them) read up to their terminator. Where BuildKit refuses, this throws a
 * {@link DockerfileError} naming the line. `dump` prints the tree as BuildKit's `Node.Dump`. Pure.
 */
import { DirectiveParser, DockerfileError, GO_SPACE } from './directives.js';
import { LexError, processWords } from './lex.js';
import { nodeFromLine, type Heredoc, type Node } from './line-parsers.js';

export interface ParseResult {
  /** The instructions, each with its 1-based `startLine`/`endLine`. */
  children: Node[];
  /** The escape character in effect: `\` or `` ` ``. */
  escape: string;
}

const LEADING = new RegExp(`^[${GO_SPACE}]+`, 'u');
const isComment = (line: string) => line.replace(LEADING, '').startsWith('#');
const trimNewline = (line: string) => line.replace(/[\r\n]+$/, '');
const MAX_LINE = 64 * 1024;

/** `([^E])E[ \t]*$|^E[ \t]*$`: the escape character ends the line, and is not preceded by another. */
const continuation = (escape: string) => {
  const e = escape === '\\' ? '\\\\' : escape;
  return new RegExp(`([^${e}])${e}[ \\t]*$|^${e}[ \\t]*$`);
};

const HEREDOC = /^(\d*)<<(-?)[\t\n\f\r ]*([^<]*)$/;

/** One word of an instruction as a heredoc, when it is one (`ParseHeredoc`). */
export function parseHeredoc(word: string): Heredoc | undefined {
  const m = HEREDOC.exec(word);
  if (!m || !m[3]) return undefined;
  const o = { escape: '\\', skipUnsetEnv: true };
  const words = processWords(m[3], new Map(), { ...o, rawQuotes: false });
  if (words.length !== 1) return undefined;
  const raw = processWords(m[3], new Map(), { ...o, rawQuotes: true });
  if (raw.length !== words.length) throw new DockerfileError(`internal lexing of heredoc produced inconsistent results: ${m[3]}`);
  const quotes = (s: string) => (s.match(/['"]/g) ?? []).length;
  return { name: words[0]!, fileDescriptor: Number(m[1] || 0), chomp: m[2] === '-', expand: quotes(words[0]!) === quotes(raw[0]!), content: '' };
}

/** The heredocs a logical line opens, in order. */
function heredocsFromLine(line: string): Heredoc[] {
  let words: string[];
  try {
    words = processWords(line, new Map(), { escape: '\\', rawQuotes: true, rawEscapes: true, skipUnsetEnv: true });
  } catch {
    return []; // BuildKit ignores the lexer's error here
  }
  return words.map(parseHeredoc).filter((h): h is Heredoc => !!h);
}

function canContainHeredoc(node: Node): boolean {
  const n = node.value.toLowerCase() === 'onbuild' && node.next?.children?.length ? node.next.children[0]! : node;
  return ['add', 'copy', 'run'].includes(n.value.toLowerCase()) && !n.json;
}

/** Parses a Dockerfile as BuildKit does; throws {@link DockerfileError} where BuildKit refuses. */
export function parse(text: string): ParseResult {
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const directives = new DirectiveParser();
  let escape = '\\';
  let cont = continuation(escape);
  const children: Node[] = [];
  let i = 0;
  let currentLine = 0;

  /** The line with its newline trimmed (and leading space, for a first line); a directive line is read; a comment becomes "". */
  const processLine = (raw: string, stripLeft: boolean): string => {
    if (Buffer.byteLength(raw) > MAX_LINE) throw new DockerfileError(`dockerfile line greater than max allowed size of ${MAX_LINE - 1}`, currentLine + 1);
    let token = trimNewline(raw);
    if (stripLeft) token = token.replace(LEADING, '');
    const d = directives.parseLine(token);
    if (d?.name === 'escape') {
      if (d.value !== '`' && d.value !== '\\') throw new DockerfileError(`invalid escape token '${d.value}' does not match \` or \\`, d.line);
      escape = d.value;
      cont = continuation(escape);
    }
    return isComment(token) ? '' : token;
  };
  const trimContinuation = (line: string): [string, boolean] => (cont.test(line) ? [line.replace(cont, '$1'), false] : [line, true]);

  while (i < lines.length) {
    let raw = lines[i++]!;
    if (currentLine === 0 && raw.startsWith('\ufeff')) raw = raw.slice(1);
    let line = processLine(raw, true);
    currentLine++;
    const startLine = currentLine;
    let end;
    [line, end] = trimContinuation(line);
    if (end && line.length === 0) continue;
    let buf = line;
    while (!end && i < lines.length) {
      const next = lines[i++]!;
      const processed = processLine(next, false);
      currentLine++;
      if (isComment(next)) continue;
      if (trimNewline(processed).replace(LEADING, '').length === 0) continue; // an empty continuation line
      let part;
      [part, end] = trimContinuation(processed);
      buf += part;
    }
    let child: Node;
    try {
      child = nodeFromLine(buf, escape);
      if (canContainHeredoc(child) && buf.includes('<<')) {
        for (const doc of heredocsFromLine(buf)) {
          let content = '';
          let terminated = false;
          while (i < lines.length) {
            const body = lines[i++]!;
            currentLine++;
            let candidate = trimNewline(body);
            if (doc.chomp) candidate = candidate.replace(/^\t+/, '');
            if (candidate === doc.name) {
              terminated = true;
              break;
            }
            content += body;
          }
          if (!terminated) throw new DockerfileError('unterminated heredoc');
          (child.heredocs ??= []).push({ ...doc, content });
        }
      }
    } catch (e) {
      if (e instanceof DockerfileError && e.line === undefined) throw new DockerfileError(e.reason, startLine);
      if (e instanceof LexError) throw new DockerfileError(e.message, startLine);
      throw e;
    }
    child.startLine = startLine;
    child.endLine = currentLine;
    children.push(child);
  }
  if (!children.length) throw new DockerfileError('file with no instructions', currentLine || undefined);
  return { children, escape };
}

/** Go's `strconv.Quote`. */
export function goQuote(s: string): string {
  let out = '"';
  for (const c of s) {
    const r = c.codePointAt(0)!;
    if (c === '"' || c === '\\') out += `\\${c}`;
    else if (c === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(c)) out += c;
    else if ('\x07\b\f\n\r\t\v'.includes(c)) out += { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' }[c];
    else if (r < 0x20 || r === 0x7f) out += `\\x${r.toString(16).padStart(2, '0')}`;
    else if (r < 0x10000) out += `\\u${r.toString(16).padStart(4, '0')}`;
    else out += `\\U${r.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** BuildKit's `Node.Dump`: the s-expression its parser tests compare. */
export function dump(node: Node): string {
  let s = node.value.toLowerCase();
  if (node.flags?.length) s += ` [${node.flags.map(goQuote).join(' ')}]`;
  for (const c of node.children ?? []) s += `(${dump(c)})\n`;
  for (let n = node.next; n; n = n.next) s += ` ${n.children?.length ? dump(n) : goQuote(n.value)}`;
  return s.replace(new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, 'gu'), '');
}

/** The whole file's dump, as `result.AST.Dump()`. */
export const dumpAll = (r: ParseResult): string => dump({ value: '', children: r.children });
