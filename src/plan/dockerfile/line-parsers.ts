/**
 * How BuildKit's parser splits one logical line (frontend/dockerfile/parser/line_parsers.go and
 * split_command.go): the instruction word, its `--flags`, and its arguments by the instruction's
 * own rule (whitespace-delimited, name=value pairs, a JSON array or the rest as one string). Pure.
 */
import { DockerfileError, GO_SPACE } from './directives.js';

/** BuildKit's parse node: `value`, then `next` arguments, `children` for ONBUILD's instruction. */
export interface Node {
  value: string;
  next?: Node;
  children?: Node[];
  flags?: string[];
  json?: boolean;
  original?: string;
  heredocs?: Heredoc[];
  startLine?: number;
  endLine?: number;
}

export interface Heredoc {
  name: string;
  fileDescriptor: number;
  expand: boolean;
  chomp: boolean;
  content: string;
}

/** `[\t\v\f\r ]+`, BuildKit's `reWhitespace`. */
export const WHITESPACE = /[\t\v\f\r ]+/;
const isSpace = (c: string) => new RegExp(`^[${GO_SPACE}]$`, 'u').test(c);
const trimSpace = (s: string) => s.replace(new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, 'gu'), '');

const chain = (values: string[]): Node | undefined => {
  let head: Node | undefined;
  for (let i = values.length - 1; i >= 0; i--) head = { value: values[i]!, next: head };
  return head;
};

/** The leading `--flag` words (quotes and escapes resolved), and the rest of the line. Byte by byte, as Go's loop is. */
function extractBuilderFlags(line: string, escape: string): [string, string[]] {
  const b = Buffer.from(line, 'utf8');
  const esc = escape.charCodeAt(0);
  const words: string[] = [];
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let word: number[] = [];
  let quote = 0;
  let blankOK = false;
  // Go writes each byte of a flag as a rune of its own: a non-ASCII byte becomes its Latin-1 character.
  const text = () => Buffer.from(word).toString('latin1');
  const space = (c: number) => (c >= 9 && c <= 13) || c === 32 || c === 0x85 || c === 0xa0;
  for (let pos = 0; pos <= b.length; pos++) {
    const ch = pos < b.length ? b[pos]! : -1;
    if (phase === 'spaces') {
      if (pos === b.length) break;
      if (space(ch)) continue;
      if (ch !== 0x2d || pos + 1 === b.length || b[pos + 1] !== 0x2d) return [b.subarray(pos).toString('utf8'), words];
      phase = 'word';
    }
    if (pos === b.length) {
      if (text() !== '--' && (blankOK || word.length > 0)) words.push(text());
      break;
    }
    if (phase === 'word') {
      if (space(ch)) {
        phase = 'spaces';
        if (text() === '--') return [b.subarray(pos).toString('utf8'), words];
        if (blankOK || word.length > 0) words.push(text());
        word = [];
        blankOK = false;
        continue;
      }
      if (ch === 0x27 || ch === 0x22) {
        quote = ch;
        blankOK = true;
        phase = 'quote';
        continue;
      }
      if (ch === esc) {
        if (pos + 1 === b.length) continue;
        pos++;
      }
      word.push(b[pos]!);
      continue;
    }
    if (ch === quote) {
      phase = 'word';
      continue;
    }
    if (ch === esc) {
      if (pos + 1 === b.length) {
        phase = 'word';
        continue;
      }
      pos++;
    }
    word.push(b[pos]!);
  }
  return ['', words];
}

/** The instruction word, its flags and its arguments. */
export function splitCommand(line: string, escape: string): [string, string[], string] {
  const t = trimSpace(line);
  const m = WHITESPACE.exec(t);
  if (!m) return [t, [], ''];
  const [args, flags] = extractBuilderFlags(t.slice(m.index + m[0].length), escape);
  return [t.slice(0, m.index), flags, trimSpace(args)];
}

/** Words split on spaces, quotes and escapes kept (they are resolved later). */
export function parseWords(rest: string, escape: string): string[] {
  const chars = Array.from(rest);
  const words: string[] = [];
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let quote = '';
  let blankOK = false;
  let buf = '';
  for (let pos = 0; pos <= chars.length; pos++) {
    const ch = chars[pos] ?? '';
    if (phase === 'spaces') {
      if (pos === chars.length) break;
      if (isSpace(ch)) continue;
      phase = 'word';
    }
    if (pos === chars.length) {
      if (blankOK || buf.length) words.push(buf);
      break;
    }
    if (phase === 'word') {
      if (isSpace(ch)) {
        phase = 'spaces';
        if (blankOK || buf.length) words.push(buf);
        buf = '';
        blankOK = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOK = true;
        phase = 'quote';
      }
      if (ch === escape) {
        if (pos + 1 === chars.length) continue;
        buf += ch + chars[++pos]!;
        continue;
      }
      buf += ch;
      continue;
    }
    if (ch === quote) phase = 'word';
    if (ch === escape && quote !== "'") {
      if (pos + 1 === chars.length) {
        phase = 'word';
        continue;
      }
      buf += ch + chars[++pos]!;
      continue;
    }
    buf += ch;
  }
  return words;
}

function parseNameVal(rest: string, key: string, escape: string): Node | undefined {
  const words = parseWords(rest, escape);
  if (!words.length) return undefined;
  if (!words[0]!.includes('=')) {
    const m = WHITESPACE.exec(rest);
    if (!m) throw new DockerfileError(`${key} must have two arguments`);
    return chain([rest.slice(0, m.index), rest.slice(m.index + m[0].length), '']);
  }
  const values: string[] = [];
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq < 0) throw new DockerfileError(`Syntax error - can't find = in "${w}". Must be of the form: name=value`);
    values.push(w.slice(0, eq), w.slice(eq + 1), '=');
  }
  return chain(values);
}

const whitespaceDelimited = (rest: string): Node | undefined => (rest === '' ? undefined : chain(rest.split(new RegExp(WHITESPACE, 'g'))));

class NotJSON extends Error {}

/** A JSON array of strings; anything else is not JSON here, but an array holding a non-string is refused. */
function parseJSON(rest: string): Node | undefined {
  const t = rest.replace(new RegExp(`^[${GO_SPACE}]+`, 'u'), '');
  if (!t.startsWith('[')) throw new NotJSON();
  let parsed: unknown;
  try {
    parsed = JSON.parse(t);
  } catch {
    throw new NotJSON();
  }
  if (!Array.isArray(parsed)) throw new NotJSON();
  if (parsed.some((v) => typeof v !== 'string')) throw new DockerfileError('when using JSON array syntax, arrays must be comprised of strings only');
  const node = chain(parsed as string[]);
  return node;
}

function maybeJSON(rest: string, fallback: (rest: string) => Node | undefined): [Node | undefined, boolean] {
  try {
    return [parseJSON(rest), true];
  } catch (e) {
    if (e instanceof NotJSON) return [fallback(rest), false];
    throw e;
  }
}

const asString = (rest: string): Node | undefined => (rest === '' ? undefined : { value: rest });

type LineParser = (rest: string, escape: string) => [Node | undefined, boolean];

const plain =
  (f: (rest: string, escape: string) => Node | undefined): LineParser =>
  (rest, escape) => [f(rest, escape), false];
const jsonOrString: LineParser = (rest) => (rest === '' ? [undefined, false] : maybeJSON(rest, asString));
const jsonOrList: LineParser = (rest) => maybeJSON(rest, whitespaceDelimited);

const DISPATCH: Record<string, LineParser> = {
  add: jsonOrList,
  arg: plain((rest, escape) => chain(parseWords(rest, escape))),
  cmd: jsonOrString,
  copy: jsonOrList,
  entrypoint: jsonOrString,
  env: plain((rest, escape) => parseNameVal(rest, 'ENV', escape)),
  expose: plain(whitespaceDelimited),
  from: plain(whitespaceDelimited),
  healthcheck: (rest) => {
    const m = new RegExp(`^([^${GO_SPACE}]*)[${GO_SPACE}]*`, 'u').exec(rest)!;
    if (!m[1]) return [undefined, false];
    const [cmd, json] = jsonOrString(rest.slice(m[0].length), '');
    return [{ value: m[1], next: cmd }, json];
  },
  label: plain((rest, escape) => parseNameVal(rest, 'LABEL', escape)),
  maintainer: plain(asString),
  onbuild: plain((rest, escape) => (rest === '' ? undefined : { value: '', children: [nodeFromLine(rest, escape)] })),
  run: jsonOrString,
  shell: jsonOrString,
  stopsignal: plain(asString),
  user: plain(asString),
  volume: jsonOrList,
  workdir: plain(asString),
};

/** One logical line as BuildKit's parser makes it a node; an unknown instruction is kept with no arguments (refused later). */
export function nodeFromLine(line: string, escape: string): Node {
  const [cmd, flags, args] = splitCommand(line, escape);
  const parse = DISPATCH[cmd.toLowerCase()];
  const [next, json] = parse ? parse(args, escape) : [{ value: '' }, false];
  return { value: cmd, original: line, flags, next, json };
}
