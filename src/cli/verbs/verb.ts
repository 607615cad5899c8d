/**
 * What a verb of the `hoist` command declares (one file each under verbs/, listed in verbs/index.ts):
 * its flags as node:util parseArgs options, how its positional arguments and values become the
 * command it runs, its help (its own page, or its lines on the registry verbs' shared page), its
 * examples, and its run function, which loads the verb's heavy modules only when it runs.
 * The one parser (args.ts), the help pages and "did you mean" (help.ts) and the completion scripts
 * are made from these declarations.
 */
import type { Redactor } from '../../secrets/redact.js';

export interface Option {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
}
export type Options = Readonly<Record<string, Option>>;
export type Values = Record<string, string | boolean | Array<string | boolean> | undefined>;

export interface Streams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

/** What a verb runs with: the environment, the streams, the run's redactor, --quiet, and the table (for completion). */
export interface RunContext {
  env: NodeJS.ProcessEnv;
  streams: Streams;
  redactor: Redactor;
  quiet: boolean;
  verbs: readonly Verb[];
}

/** A parsed command line: the verb's name, --json, and whatever else that verb's parse made. */
export interface Line {
  command: string;
  json: boolean;
}

export interface Verb<L extends Line = Line> {
  name: string;
  /** One line, on the top help page. */
  summary: string;
  examples: readonly string[];
  /** Subcommands (`tags list|delete|prune`): the first argument, checked by `subcommand` before the flags are parsed. */
  subcommands?: readonly string[];
  subcommand?: (word: string | undefined) => string;
  /** The verb's flags (beside --json and -h/--help, which every verb takes), per subcommand if it has them. */
  options: (sub?: string) => Options;
  /** Flags parsed only to be refused (a secret as a plain flag): left out of help, completion and "did you mean". */
  hidden?: ReadonlySet<string>;
  /** --help anywhere on the line (even as a value) is the help page, before any flag is checked. */
  helpFirst?: boolean;
  /** Checks the raw arguments before parseArgs sees them. */
  check?: (args: readonly string[]) => void;
  /** Rewrites the arguments for parseArgs (short names, bare booleans). */
  rewrite?: (args: readonly string[]) => string[];
  /** Values and positional arguments → the line `run` takes; usage errors as UsageError. */
  parse: (values: Values, positionals: string[], sub?: string) => L;
  /** Its own help page (without the examples); without it, its `usage` lines on the registry verbs' page. */
  help?: () => string;
  usage?: string;
  run: (line: L, ctx: RunContext) => Promise<number>;
}

/** A verb in the table, its line type erased (args.ts hands each verb the line its own parse made). */
export const defineVerb = <L extends Line>(verb: Verb<L>): Verb => verb as unknown as Verb;

/** Every flag a verb takes, `--name`, sorted: what completion offers and "did you mean" chooses among. */
export function flagsOf(verb: Verb): string[] {
  const names = (verb.subcommands ?? [undefined]).flatMap((sub) => Object.keys(verb.options(sub)));
  return [...new Set([...names.filter((n) => !verb.hidden?.has(n)), 'help', 'json'].map((n) => `--${n}`))].sort();
}
