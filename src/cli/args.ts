/**
 * The one parser of the `hoist` command line: the verb, then that verb's flags and arguments as its
 * declaration (verbs/) gives them, parsed by node:util's parseArgs. A verb's `parse` turns the
 * values into the line its `run` takes; a command line Hoist cannot run is a UsageError (exit 2).
 */
import { parseArgs } from 'node:util';
import { UsageError, usageFromParseArgs } from './usage.js';
import { VERB_TABLE, verbNamed } from './verbs/index.js';
import { REGISTRY_SETTINGS_HELP } from './verbs/registry.js';
import type { Line, Verb } from './verbs/verb.js';

// A pipeline verb's line and its secret reading, and the usage error, as the parser's callers know them.
export { readSecretInputs, type CommandLine } from './command-line.js';
export { UsageError } from './usage.js';

export type Parsed = { help: string } | { version: true } | Line;

/** A verb's arguments (after its name) → its line, or its help page when asked for. */
function parseVerb(verb: Verb, given: readonly string[]): Parsed {
  if (verb.helpFirst && (given.includes('--help') || given.includes('-h'))) return { help: verb.name };
  verb.check?.(given);
  const sub = verb.subcommand ? verb.subcommand(given[0]) : undefined;
  const args = sub === undefined ? given : given.slice(1);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: verb.rewrite ? verb.rewrite(args) : [...args],
      options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, ...verb.options(sub) },
      strict: true,
      allowPositionals: true,
    });
  } catch (e) {
    throw usageFromParseArgs(e, verb.name);
  }
  if (parsed.values.help) return { help: verb.name };
  return verb.parse(parsed.values, parsed.positionals, sub);
}

export function parseCommandLine(argv: readonly string[]): Parsed {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') return { help: 'hoist' };
  if (first === '--version') return { version: true };
  const verb = verbNamed(first);
  if (!verb) {
    const names = VERB_TABLE.map((v) => v.name);
    const list = `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
    throw new UsageError(first.startsWith('-') ? `a command comes first: hoist ${list}` : `unknown command '${first}': use ${list}`);
  }
  return parseVerb(verb, rest);
}

/** A verb's own help page, without its examples (help.ts adds them). */
export function helpText(name: string): string {
  const verb = verbNamed(name);
  if (!verb) throw new UsageError(`unknown command '${name}'`);
  return verb.help ? verb.help() : registryPage();
}

/** The registry verbs' shared page: each one's usage lines, then the registry settings they all take. */
function registryPage(): string {
  return ['Usage:', ...VERB_TABLE.flatMap((v) => (v.usage ? [v.usage] : [])), '', REGISTRY_SETTINGS_HELP].join('\n');
}
