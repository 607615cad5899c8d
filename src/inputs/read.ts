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
}

export function inputScope(read: InputReader, workspace: string, env: InputScope['env']): InputScope {
  return { read, issues: [], abs: (p) => (isAbsolute(p) ? p : resolve(workspace, p)), env, sensitive: [] };
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

/** `key=value` lines. Values are never echoed in messages (they may be secret). */
export function parsePairs(scope: InputScope, input: string, keyPattern: RegExp, what: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  parseLines(scope.read(input)).forEach((line, i) => {
    const eq = line.indexOf('=');
    const key = eq > 0 ? line.slice(0, eq).trim() : '';
    if (eq <= 0 || !keyPattern.test(key)) {
      const expected = keyPattern === SECRET_ID ? 'an id of letters, digits, _ . -' : 'a name';
      scope.issues.push({ input, message: `line ${i + 1} is not ${what}=VALUE (expected ${expected} before '=')` });
      return;
    }
    pairs.push([key, line.slice(eq + 1)]);
  });
  return pairs;
}

/** A trimmed input, or undefined when it is not set. */
export const optional = (scope: InputScope, input: string): string | undefined => scope.read(input).trim() || undefined;
