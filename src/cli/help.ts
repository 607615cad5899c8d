/**
 * The help pages, from the verbs table: the top page (every verb with its summary and the
 * exit-code table), each verb's page and examples, and "did you mean" for a mistyped verb or flag
 * (the nearest by edit distance, among the flags the verb declares).
 */
import { helpText } from './args.js';
import { habitOf } from './habits.js';
import { VERB_TABLE, verbNamed } from './verbs/index.js';
import { flagsOf } from './verbs/verb.js';

export const EXIT_CODES = [
  'Exit codes (every command):',
  '  0    done',
  '  1    the check found something: a secret in the image, a stale image, a base image or release tag the policy refuses',
  '  2    usage or input error, before anything ran: a flag, a value, a missing file, no builder, a login refused',
  '  3    could not check or could not finish: network, login, a registry that refused, a failed build step',
  '  130  cancelled by SIGINT (Ctrl-C); 143 by SIGTERM',
].join('\n');

export const examples = (verb: string) => ['', 'Examples:', ...(verbNamed(verb)?.examples ?? []).map((e) => `  ${e}`)].join('\n');

/** A verb's help page: its flags, then examples. */
export const verbHelp = (verb: string): string => `${helpText(verb)}\n${examples(verb)}`;

/** Levenshtein distance, for suggestions among a few dozen names. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** The candidate nearest `word` (within a third of its length, at least 2 edits, or a prefix), if any. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const best = candidates.map((c) => ({ c, d: c.startsWith(word) && word.length >= 3 ? 0.5 : distance(word, c) })).sort((x, y) => x.d - y.d)[0];
  return best && best.d <= Math.max(2, Math.floor(word.length / 3)) ? best.c : undefined;
}

export function topHelp(version: string): string {
  return [
    `hoist ${version}: build, audit and push container images; look after what is in the registries`,
    '',
    'Usage: hoist <command> [flags]',
    '',
    'Commands:',
    ...VERB_TABLE.map((v) => `  ${v.name.padEnd(12)}${v.summary}`),
    '',
    'hoist help <command> (or hoist <command> --help) shows its flags and examples.',
    'Everywhere: --json (results as JSON on stdout), -q/--quiet (warnings and errors only), NO_COLOR=1 (no colours),',
    '  FORCE_COLOR=1 or 0 (colours on or off, over NO_COLOR and whether stderr is a terminal: a CI log that shows colours).',
    'Results go to stdout, everything else to stderr.',
    '',
    EXIT_CODES,
  ].join('\n');
}

/** `--imagez: no such flag` → the same, and the verb's nearest flag; another tool's flag (`-t`, `--tls-verify`) → Hoist's way. */
export function withSuggestion(message: string, verb: string | undefined): string {
  const flag = /^(--?[a-z0-9-]+): no such flag$/.exec(message)?.[1];
  const habit = flag === undefined ? undefined : habitOf(verb, flag);
  if (habit) return `${message}: ${habit}`;
  const known = verb === undefined ? undefined : verbNamed(verb);
  if (!flag || !known) return message;
  const near = didYouMean(flag, flagsOf(known));
  return near ? `${message}: did you mean ${near}?` : message;
}

export function unknownVerb(word: string): string {
  const names = VERB_TABLE.map((v) => v.name);
  const near = didYouMean(word, names);
  return `unknown command '${word}'${near ? `: did you mean ${near}?` : ''} (commands: ${names.join(', ')})`;
}
