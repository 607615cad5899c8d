/**
 * The grammar every input shares: lists, booleans, choices, `KEY=VALUE` lines. Pure; problems are
 * collected into the scope's `issues` (never thrown), so a user sees all of them at once, and no
 * message ever echoes a value (it may be secret).
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { isAbsolute, resolve } from 'node:path';
import type { ConfigIssue } from '../core/errors.js';

/** The raw value of an input by name, '' when it is not set. */
export type InputReader = (name: string) => string;

/** What every input parser gets: the reader, where problems go, and how relative paths resolve. */
export interface InputScope {
  read: InputReader;
  issues: ConfigIssue[];
  /** An input path made absolute against the workspace. */
  abs: (path: string) => string;
  /** The step's environment (for `secret-envs`, `BUILDKIT_HOST`, `SOURCE_DATE_EPOCH`). */
  env: Readonly<Record<string, string | undefined>>;
  /** Inputs found holding secret material where a name or path belongs: hidden before any message is shown. */
  sensitive: Array<{ name: string; value: string }>;
  /** What the inputs were taken to mean where that is worth a log line (build-push-action's forms). */
  notes: string[];
}

export function inputScope(read: InputReader, workspace: string, env: InputScope['env']): InputScope {
  return { read, issues: [], abs: (p) => (isAbsolute(p) ? p : resolve(workspace, p)), env, sensitive: [], notes: [] };
}

export const SECRET_ID = /^[A-Za-z0-9_.-]+$/;
export const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Lines of an input, trimmed, without blanks and `#` comments. */
export function parseLines(raw: string): string[] {
  return raw
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/** A list input: newline- and comma-separated, with CSV quoting ("a,b" stays one item). */
export function parseList(raw: string): string[] {
  const items: string[] = [];
  for (const line of parseLines(raw)) {
    const rows = parseCsv(line, { relax_quotes: true, trim: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
    for (const row of rows) for (const cell of row) if (cell.trim()) items.push(cell.trim());
  }
  return items;
}

/** How a list input is split, as `@docker/actions-toolkit`'s `Util.getInputList` options name it. */
export interface ListOptions {
  /** One entry per CSV record: commas inside a line stay (`type=gha,mode=max` is one entry). */
  ignoreComma?: boolean;
  /** Lines starting with `#` are comments (never `#` inside an entry: `FOO=bar#baz` stays). */
  comment?: boolean;
  /** With `comment`: a `#` inside a line starts a comment too (actions-toolkit's `comment` without `commentNoInfix`). */
  commentInfix?: boolean;
  /** `false`: double quotes are plain characters (`outputs`, whose entries hold quoted CSV of their own). */
  quote?: boolean;
  /** `false`: entries keep their surrounding whitespace and newlines (`secrets`: a key's final newline). */
  trim?: boolean;
}

/**
 * A list input read as build-push-action reads it: CSV records (a double-quoted entry may span
 * lines and hold commas; `""` is a quote), blank records dropped, each record one entry when
 * `ignoreComma`, else every comma-separated cell. Throws a ListError (no value in its message)
 * when the quoting does not close.
 */
export function readInputList(raw: string, o: ListOptions = {}): string[] {
  const text = o.trim === false ? raw : raw.trim();
  if (!text) return [];
  let records: string[][];
  try {
    records = parseCsv(text, {
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
      ...(o.comment ? { comment: '#', comment_no_infix: !o.commentInfix } : {}),
      ...(o.quote === false ? { quote: false } : {}),
    }) as string[][];
  } catch (e) {
    // csv-parse's messages quote the offending text; only its code and line are safe to show.
    const { code, lines } = e as { code?: string; lines?: number };
    throw new ListError(`${code ?? 'parse error'}${lines ? ` near line ${lines}` : ''}`);
  }
  const items: string[] = [];
  for (const r of records) {
    if (r.length === 1) items.push(...(o.ignoreComma ? r : r[0]!.split(',')));
    else if (o.ignoreComma) items.push(r.join(','));
    else items.push(...r);
  }
  return items.filter(Boolean).map((i) => (o.trim === false ? i : i.trim()));
}

export class ListError extends Error {
  override readonly name = 'ListError';
}

/** `readInputList` for one input, a quoting error said once under its name. */
export function inputList(scope: InputScope, input: string, o: ListOptions = {}): string[] {
  try {
    return readInputList(scope.read(input), o);
  } catch (e) {
    if (!(e instanceof ListError)) throw e;
    scope.issues.push({
      input,
      message: `cannot be read (${e.message}): put an entry holding newlines or commas in double quotes, and double any quote inside it`,
    });
    return [];
  }
}

export function parseBool(scope: InputScope, input: string, fallback: boolean): boolean {
  const raw = scope.read(input);
  const v = raw.trim().toLowerCase();
  if (!v) return fallback;
  if (v === 'true') return true;
  if (v === 'false') return false;
  scope.issues.push({ input, message: `'${raw.trim()}' is not a boolean: use true or false` });
  return fallback;
}

/** One of a fixed set of words; '' means the default. */
export function parseChoice<T extends string>(scope: InputScope, input: string, choices: readonly T[], fallback: T): T {
  const raw = scope.read(input);
  const v = raw.trim().toLowerCase();
  if (!v) return fallback;
  if ((choices as readonly string[]).includes(v)) return v as T;
  scope.issues.push({ input, message: `'${raw.trim()}' is not one of ${choices.join(', ')}` });
  return fallback;
}

/** A list drawn from a fixed set of words ('none' for the empty list); '' means the default. */
export function parseSubset<T extends string>(scope: InputScope, input: string, choices: readonly T[], fallback: readonly T[]): T[] {
  const items = parseList(scope.read(input)).map((i) => i.toLowerCase());
  if (items.length === 0) return [...fallback];
  if (items.length === 1 && items[0] === 'none') return [];
  const unknown = items.filter((i) => !(choices as readonly string[]).includes(i));
  if (unknown.length) {
    const list = unknown.map((u) => `'${u}'`).join(', ');
    scope.issues.push({ input, message: `${list} ${unknown.length > 1 ? 'are' : 'is'} not one of ${choices.join(', ')} (or none)` });
  }
  return choices.filter((c) => items.includes(c));
}

/** A whole number in a range; '' means the default. */
export function parseNumber(scope: InputScope, input: string, fallback: string, min: number, max: number): number {
  const raw = scope.read(input).trim() || fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) scope.issues.push({ input, message: `'${raw}' is not a whole number from ${min} to ${max}` });
  return n;
}

/**
 * `key=value` entries, one per line as build-push-action reads them: a double-quoted entry may span
 * lines (`"MULTILINE=a\nb"`), commas stay in the value, `#` lines are comments. With `commas`,
 * entries may also be comma-separated on a line (`secret-envs`, as build-push-action splits it).
 * Values are never echoed in messages (they may be secret).
 */
/** `what`: the key's name (`NAME` → "NAME=VALUE" in messages), or the whole form (`ID=ENV_VAR`). */
export function parsePairs(scope: InputScope, input: string, keyPattern: RegExp, what: string, commas = false): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  inputList(scope, input, { ignoreComma: !commas, comment: true }).forEach((line, i) => {
    const eq = line.indexOf('=');
    const key = eq > 0 ? line.slice(0, eq).trim() : '';
    if (eq <= 0 || !keyPattern.test(key)) {
      const expected = keyPattern === SECRET_ID ? 'an id of letters, digits, _ . -' : 'a name';
      scope.issues.push({ input, message: `entry ${i + 1} is not ${what.includes('=') ? what : `${what}=VALUE`} (expected ${expected} before '=')` });
      return;
    }
    pairs.push([key, line.slice(eq + 1)]);
  });
  return pairs;
}

/** A trimmed input, or undefined when it is not set. */
export const optional = (scope: InputScope, input: string): string | undefined => scope.read(input).trim() || undefined;
