/**
 * `hoist`: the command-line front door. The same pipelines as the Action, with flags for inputs;
 * the exit codes of exit.ts; results on stdout, everything else on stderr, in the CLI's dialect.
 */
import { ConfigError } from '../core/errors.js';
import { createExec } from '../effects/exec.js';
import { nodeFiles } from '../effects/files.js';
import { realEffects } from '../effects/real.js';
import { createCliPlatform } from '../platform/cli.js';
import { logText } from '../platform/log-safe.js';
import { Redactor } from '../secrets/redact.js';
import { SECRET_INPUTS } from '../secrets/inputs.js';
import { redacting } from '../secrets/redacting-platform.js';
import { COMMANDS, envName, helpText, parseCommandLine, readSecretInputs, UsageError, type Command, type CommandLine } from './args.js';
import { cliDialect } from './dialect.js';
import { exitCodeFor } from './exit.js';
import { cliFacts } from './facts.js';
import { completionScript, SHELLS, type Shell } from './completion.js';
import { didYouMean, examples, topHelp, VERBS } from './help.js';
import { envelope } from './json.js';
import { MAINTAIN_HELP, parseMaintain } from './maintain.js';

export interface Streams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

const VERSION = '0.1.0';
const SECRET_ENV_NAMES = new Set([...SECRET_INPUTS].map(envName));

/** Flags every verb takes, wherever they stand: `-q`/`--quiet`. */
function globalFlags(argv: readonly string[]): { argv: string[]; quiet: boolean } {
  const rest = argv.filter((a) => a !== '-q' && a !== '--quiet');
  return { argv: rest, quiet: rest.length !== argv.length };
}

/** A verb's help page: its flags, then examples. */
function verbHelp(verb: string): string {
  if (verb === 'completion') return `Usage: hoist completion ${SHELLS.join('|')}    ${VERBS.completion}\n${examples(verb)}`;
  return `${verb === 'tags' || verb === 'audit' || verb === 'inspect' || verb === 'verify' ? MAINTAIN_HELP : helpText(verb as Command)}\n${examples(verb)}`;
}

/**
 * A verb's flags, from its help page: the first word of each flag line (build, promote, merge,
 * stale, push), or its own usage lines and the registry settings (tags, audit, inspect) — never a
 * flag a description quotes (RUN --mount=…).
 */
function flagsOf(verb: string): string[] {
  const flags = (text: string) => text.match(/--[a-z][a-z0-9-]*/g) ?? [];
  if (verb in COMMANDS)
    return [
      ...new Set(
        verbHelp(verb)
          .split('\n')
          .flatMap((l) => flags(/^ {2}(?:-h, )?(--[a-z][a-z0-9-]*)/.exec(l)?.[1] ?? '')),
      ),
    ].sort();
  const [usage, settings = ''] = MAINTAIN_HELP.split('\nRegistry settings');
  const own = usage!.split(/\n(?= {2}hoist )/).filter((s) => s.trimStart().startsWith(`hoist ${verb} `));
  return [...new Set([...own.flatMap(flags), ...flags(settings), '--help', '--json'])].sort();
}

/** `--imagez: no such flag` → the same, and the verb's nearest flag. */
function withSuggestion(message: string, verb: string | undefined): string {
  const flag = /^(--?[a-z0-9-]+): no such flag$/.exec(message)?.[1];
  if (!flag || !verb || !(verb in VERBS)) return message;
  const near = didYouMean(flag, flagsOf(verb));
  return near ? `${message}: did you mean ${near}?` : message;
}

/** The outputs, for a person: one line each, lists indented under their name. */
export function humanSummary(outputs: ReadonlyMap<string, string>): string {
  const shown = ['digest', 'version', 'tags', 'signatures', 'bytes-sent', 'imageid'].filter((k) => outputs.get(k));
  return shown
    .map(
      (k) =>
        `${k.padEnd(11)}${outputs
          .get(k)!
          .split('\n')
          .join(`\n${' '.repeat(11)}`)}`,
    )
    .join('\n');
}

async function runCommand(line: CommandLine, env: NodeJS.ProcessEnv, streams: Streams, redactor: Redactor, quiet: boolean): Promise<number> {
  const exec = createExec(redactor);
  const facts = await cliFacts(exec, env, process.cwd(), line.context);
  const platform = redacting(
    createCliPlatform({ inputs: line.inputs, facts, env, redactor, out: streams.stderr, cwd: process.cwd(), quiet, dialect: cliDialect }),
    redactor,
  );
  let failure: string[] | undefined;
  let code = 0;
  try {
    // The pipeline loads when it runs: --help and a refused command line stay quick.
    const pipeline =
      line.command === 'build'
        ? (await import('../pipeline/build.js')).build
        : line.command === 'merge'
          ? (await import('../pipeline/merge.js')).merge
          : line.command === 'stale'
            ? (await import('../pipeline/stale.js')).stale
            : line.command === 'push'
              ? (await import('../pipeline/push-artefact.js')).pushArtefact
              : (await import('../pipeline/promote.js')).promote;
    await pipeline(realEffects(platform, redactor));
  } catch (error) {
    // A missing builder or Docker daemon is the machine's set-up, as bad as a bad flag: exit 2 (exit.ts).
    code = exitCodeFor(error);
    failure =
      error instanceof ConfigError
        ? error.issues.map((i) => `${i.input === 'artefact' ? 'LAYOUT|ARCHIVE' : `--${i.input}`}: ${i.message}`)
        : [error instanceof Error ? error.message : `unexpected failure: ${String(error)}`];
    for (const l of failure) platform.error(l);
  }
  const outputs = platform.outputs;
  if (line.json) {
    const errors = (failure ?? []).map((l) => redactor.redact(cliDialect(l)));
    streams.stdout.write(`${redactor.redact(JSON.stringify(envelope(line.command, code, errors, outputs), null, 2))}\n`);
  } else if (line.command === 'stale') {
    // The result a script wants: the images to rebuild, one a line (the report is on stderr).
    for (const image of (outputs.get('stale') ?? '').split('\n').filter(Boolean)) streams.stdout.write(`${logText(redactor.redact(image))}\n`);
  } else if (outputs.size) streams.stdout.write(`${logText(redactor.redact(humanSummary(outputs)))}\n`);
  return code;
}

/** `hoist tags …` and `hoist audit …`. */
async function maintain(argv: readonly string[], env: NodeJS.ProcessEnv, streams: Streams, redactor: Redactor, quiet: boolean): Promise<number> {
  const line = await parseMaintain(argv, env, nodeFiles.readText, process.cwd());
  if (line === 'help') return (void streams.stdout.write(`${verbHelp(argv[0]!)}\n`), 0);
  for (const name of ['HOIST_REGISTRY_AUTH', 'HOIST_AUDIT_VALUES']) if (env[name]) redactor.add(env[name]!);
  for (const r of line.transfer.registries.values()) if (r.password) redactor.add(r.password);
  const childEnv = Object.fromEntries(Object.entries(env).filter(([k]) => !SECRET_ENV_NAMES.has(k)));
  const facts = { git: { scheduled: false }, repository: {} };
  const platform = redacting(
    createCliPlatform({ inputs: new Map(), facts, env: childEnv, redactor, out: streams.stderr, cwd: process.cwd(), quiet, dialect: cliDialect }),
    redactor,
  );
  // Tag names and a pushed image's file names are the registry's and the image's bytes: inert (log-safe.ts).
  const print = (text: string) => void streams.stdout.write(`${logText(redactor.redact(text))}\n`);
  try {
    // --raw: the registry's bytes exactly, unless they hold a secret of this run (then redacted) or go to a terminal (made inert).
    const raw = (bytes: Buffer) => {
      const text = bytes.toString('utf8');
      const safe = redactor.redact(text);
      void streams.stdout.write(safe !== text || (streams.stdout as { isTTY?: boolean }).isTTY ? `${logText(safe)}\n` : bytes);
    };
    return await (await import('./maintain-run.js')).runMaintain(realEffects(platform, redactor), line, { print, raw });
  } catch (error) {
    if (error instanceof ConfigError) for (const i of error.issues) platform.error(`${i.input}: ${i.message}`);
    else platform.error(error instanceof Error ? error.message : `unexpected failure: ${String(error)}`);
    return exitCodeFor(error);
  }
}

export async function cli(given: readonly string[], env: NodeJS.ProcessEnv, streams: Streams): Promise<number> {
  const redactor = new Redactor();
  const { argv, quiet } = globalFlags(given);
  try {
    if (argv[0] === 'help' && argv[1] !== undefined) {
      if (!(argv[1] in VERBS)) throw new UsageError(unknownVerb(argv[1]));
      return (void streams.stdout.write(`${verbHelp(argv[1])}\n`), 0);
    }
    if (argv[0] === '-v' || argv[0] === '--version') return (void streams.stdout.write(`hoist ${VERSION}\n`), 0);
    if (argv[0] === 'completion') {
      if (argv[1] === '--help' || argv[1] === '-h') return (void streams.stdout.write(`${verbHelp('completion')}\n`), 0);
      if (!SHELLS.includes(argv[1] as Shell) || argv.length !== 2) throw new UsageError(`completion takes one shell: ${SHELLS.join(', ')}`);
      // The flags of every verb, read from its help page: the same table as the help and "did you mean".
      const table = Object.fromEntries(
        Object.keys(VERBS)
          .filter((v) => v !== 'completion')
          .map((v) => [v, flagsOf(v)]),
      );
      return (void streams.stdout.write(completionScript(argv[1] as Shell, table)), 0);
    }
    if (argv[0] !== undefined && !argv[0].startsWith('-') && argv[0] !== 'help' && !(argv[0] in VERBS)) throw new UsageError(unknownVerb(argv[0]));
    if (argv[0] === 'tags' || argv[0] === 'audit' || argv[0] === 'inspect' || argv[0] === 'verify') return await maintain(argv, env, streams, redactor, quiet);
    const parsed = parseCommandLine(argv);
    if ('help' in parsed) return (void streams.stdout.write(`${parsed.help === 'hoist' ? topHelp(VERSION) : verbHelp(parsed.help)}\n`), 0);
    if ('version' in parsed) return (void streams.stdout.write(`hoist ${VERSION}\n`), 0);
    await readSecretInputs(parsed, env, nodeFiles.readText);
    // Hidden before anything could print them; the pipeline's catalog names and audits them.
    for (const name of SECRET_INPUTS) {
      const value = parsed.inputs.get(name);
      if (value) redactor.add(value);
    }
    // Tools Hoist runs get the environment without the secret variables Hoist read.
    const childEnv = Object.fromEntries(Object.entries(env).filter(([k]) => !SECRET_ENV_NAMES.has(k)));
    return await runCommand(parsed, childEnv, streams, redactor, quiet);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const verb = error.command ?? (argv[0] !== undefined && argv[0] in VERBS ? argv[0] : undefined);
    streams.stderr.write(
      `hoist: ${logText(redactor.redact(cliDialect(withSuggestion(error.message, verb))))}\n${verb ? `Run 'hoist help ${verb}' for its flags and examples.` : "Run 'hoist --help' for the commands."}\n`,
    );
    return 2;
  }
}

function unknownVerb(word: string): string {
  const near = didYouMean(word, Object.keys(VERBS));
  return `unknown command '${word}'${near ? `: did you mean ${near}?` : ''} (commands: ${Object.keys(VERBS).join(', ')})`;
}
