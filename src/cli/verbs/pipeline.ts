/**
 * The pipeline verbs (build, promote, merge, stale, push): every input of the Action a flag of the
 * same name (`--name=value` or `--name value`; a list may be repeated), and secret material never
 * from argv — which every process on the machine can read — but from `--NAME-file PATH` or
 * `HOIST_NAME`. `pipelineVerb` makes such a verb from its inputs (inputs.generated.ts); the
 * pipeline itself, and the effects it runs on, load only when it runs (run-pipeline.ts).
 */
import { SECRET_INPUTS } from '../../secrets/inputs.js';
import { BUILD_FLAGS, MERGE_FLAGS, PROMOTE_FLAGS, STALE_FLAGS, type FlagSpec } from '../inputs.generated.js';
import { CONTEXT_FLAGS, type CommandLine, type ContextFlag, type Pipeline } from '../command-line.js';
import { envName } from '../secret-env.js';
import { strayArgument } from '../habits.js';
import { UsageError } from '../usage.js';
import { defineVerb, type Options, type Values, type Verb } from './verb.js';

/** Inputs that take one value; the others are lists or lines, and a repeated flag adds a line. */
const SINGLE = new Set([
  'context',
  'file',
  'target',
  'created',
  'network',
  'builder',
  'buildkit-host',
  'buildx-builder',
  'provenance',
  'no-cache',
  'pull',
  'sbom',
  'audit',
  'require-pinned-base',
  'version',
  'version-pattern',
  'floating-tags',
  'tag-latest',
  'tag-major-zero',
  'tag-channel',
  'push',
  'load',
  'pr-comment',
  'retries',
  'shm-size',
  'call',
  'concurrency',
  'source',
  'sources-dir',
  'hierarchy',
]);

/**
 * Inputs that are true or false (their default says so, or — `push`, whose default depends on
 * whether `images` is given — they are named here): `--load` alone means true.
 */
const BOOLEAN = new Set([
  ...[...BUILD_FLAGS, ...PROMOTE_FLAGS, ...MERGE_FLAGS, ...STALE_FLAGS]
    // sign defaults to false but is a choice (false, key): `--sign key`, never `--sign` alone.
    .filter((f) => (f.default === 'true' || f.default === 'false') && f.name !== 'sign')
    .map((f) => f.name),
  'push',
]);
for (const name of BOOLEAN) SINGLE.add(name);
SINGLE.add('sign');

export interface PipelineSpec {
  name: string;
  summary: string;
  flags: readonly FlagSpec[];
  examples: readonly string[];
  /** The pipeline, imported when it runs. */
  pipeline: () => Promise<Pipeline>;
  /** Takes the run context flags (--git-tag, --commit, …). */
  context?: boolean;
  /** Short names: `--plan` → `--hierarchy-plan`. */
  aliases?: Readonly<Record<string, string>>;
  /** Its one positional argument: the input it sets, its name in the usage line, the error without it. */
  positional?: { input: string; name: string; error: string };
}

/** A bare boolean flag (`--load`, or `--load --push=false`) gets the value true, for parseArgs. */
function withBooleanValues(args: readonly string[], flags: ReadonlySet<string>): string[] {
  const out: string[] = [];
  args.forEach((arg, i) => {
    out.push(arg);
    const next = args[i + 1];
    if (arg.startsWith('--') && !arg.includes('=') && BOOLEAN.has(arg.slice(2)) && flags.has(arg.slice(2)) && (next === undefined || next.startsWith('--')))
      out.push('true');
  });
  return out;
}

const withAliases = (args: readonly string[], aliases: Readonly<Record<string, string>>): string[] =>
  args.map((arg) => {
    const [flag, ...value] = arg.split('=');
    const long = aliases[flag!];
    return long ? [long, ...value].join('=') : arg;
  });

function refuseSecretFlag(name: string, command: string): never {
  throw new UsageError(
    `--${name} would put secret material in argv, where every process on this machine can read it: use --${name}-file PATH or the ${envName(name)} environment variable`,
    command,
  );
}

function parseInputs(spec: PipelineSpec, names: ReadonlySet<string>, values: Values, positionals: string[]): CommandLine {
  const command = spec.name;
  const inputs = new Map<string, string>();
  if (spec.positional) {
    if (positionals.length !== 1) throw new UsageError(spec.positional.error, command);
    inputs.set(spec.positional.input, positionals[0]!);
  } else if (positionals.length) throw new UsageError(strayArgument(command, positionals[0]!), command);
  const secretFiles = new Map<string, string>();
  for (const name of names) {
    const given = values[name] as string[] | undefined;
    if (given && SECRET_INPUTS.has(name)) refuseSecretFlag(name, command);
    if (given && given.length > 1 && SINGLE.has(name)) throw new UsageError(`--${name} is given ${given.length} times: it takes one value`, command);
    if (given) inputs.set(name, given.join('\n'));
    const file = values[`${name}-file`] as string | undefined;
    if (file !== undefined) secretFiles.set(name, file);
  }
  const context: CommandLine['context'] = {};
  for (const name of Object.keys(CONTEXT_FLAGS) as ContextFlag[]) if (typeof values[name] === 'string') context[name] = values[name];
  const secretInputs = [...names].filter((n) => SECRET_INPUTS.has(n));
  return { command, inputs, secretFiles, secretInputs, context, json: values.json === true };
}

export function pipelineVerb(spec: PipelineSpec): Verb {
  const names = new Set(spec.flags.map((f) => f.name));
  const options: Record<string, Options[string]> = {};
  for (const name of names) options[name] = { type: 'string', multiple: true };
  for (const name of names) if (SECRET_INPUTS.has(name)) options[`${name}-file`] = { type: 'string' };
  if (spec.context) for (const name of Object.keys(CONTEXT_FLAGS)) options[name] = { type: 'string' };
  return defineVerb<CommandLine>({
    name: spec.name,
    summary: spec.summary,
    examples: spec.examples,
    options: () => options,
    hidden: new Set([...names].filter((n) => SECRET_INPUTS.has(n))),
    rewrite: (args) => withBooleanValues(withAliases(args, spec.aliases ?? {}), names),
    parse: (values, positionals) => parseInputs(spec, names, values, positionals),
    help: () => helpPage(spec),
    run: async (line, ctx) => (await import('../run-pipeline.js')).runPipeline(line, ctx, spec.pipeline),
  });
}

const wrap = (text: string, indent: number, width = 100) => {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width - indent) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join(`\n${' '.repeat(indent)}`);
};

/** The verb's page: every input flag with its summary, default and where a secret comes from. */
function helpPage(spec: PipelineSpec): string {
  const flags = spec.flags.map((f) => {
    const secret = SECRET_INPUTS.has(f.name);
    const head = secret ? `--${f.name}-file PATH` : `--${f.name} ${BOOLEAN.has(f.name) ? '[true|false]' : 'VALUE'}`;
    const notes = [f.required ? 'required' : '', f.default ? `default: ${f.default}` : '', secret ? `or ${envName(f.name)}; never a plain flag` : '']
      .filter(Boolean)
      .join('; ');
    // A flag longer than its column starts its text on the next line, aligned (not glued to it).
    const lead = head.length < 34 ? `  ${head.padEnd(34)}` : `  ${head}\n${' '.repeat(36)}`;
    return `${lead}${wrap(`${f.summary}${notes ? ` (${notes})` : ''}`, 36)}`;
  });
  const context = spec.context
    ? [
        '',
        "Run context (default: the git checkout, or the CI system's variables):",
        ...Object.entries(CONTEXT_FLAGS).map(([n, d]) => `  ${`--${n} VALUE`.padEnd(34)}${d}`),
      ]
    : [];
  return [
    `Usage: hoist ${spec.name}${spec.positional ? ` ${spec.positional.name}` : ''} [flags]    ${spec.summary}`,
    '',
    'Flags (the inputs of the Action; a list may be given as repeated flags):',
    ...flags,
    ...context,
    '',
    '  --json                            print the outputs as JSON on stdout',
    '  -h, --help                        this text',
  ].join('\n');
}
