/**
 * The command line: `hoist build|promote|merge|stale [flags]`, every input of the Action a flag of the same
 * name (`--name=value` or `--name value`; a list may be repeated), and secret material never from
 * argv — which every process on the machine can read — but from `--NAME-file PATH` or `HOIST_NAME`.
 * Pure but for reading those files; parsed with node:util's parseArgs.
 */
import { parseArgs } from 'node:util';
import { SECRET_INPUTS } from '../secrets/inputs.js';
import { BUILD_FLAGS, MERGE_FLAGS, PROMOTE_FLAGS, STALE_FLAGS, type FlagSpec } from './inputs.generated.js';

export type Command = 'build' | 'promote' | 'merge' | 'stale' | 'push';

/** `hoist push`: the build's inputs that apply to an image already built (where it goes, its tags, its audit). */
const PUSH_INPUTS = new Set([
  'images',
  'version',
  'version-pattern',
  'version-tags',
  'floating-tags',
  'release-tags',
  'tag-latest',
  'tag-major-zero',
  'tag-channel',
  'auto-tags',
  'tags',
  'flavor',
  'tag-prefix',
  'tag-suffix',
  'sha-source',
  'created',
  'secrets',
  'secret-files',
  'secret-envs',
  'audit',
  'audit-limits',
  'audit-values',
  'registry-auth',
  'registry-ca',
  'insecure-registries',
  'github-token',
  'retries',
  'concurrency',
  'sign',
  'signing-key',
  'signing-key-password',
]);
export const COMMANDS: Record<Command, { flags: readonly FlagSpec[]; summary: string }> = {
  build: { flags: BUILD_FLAGS, summary: 'build an image, audit it for secrets, push it with its release tags' },
  promote: { flags: PROMOTE_FLAGS, summary: 'copy an image by digest to other registries, sending only what each lacks' },
  merge: { flags: MERGE_FLAGS, summary: 'join images built per platform (pushed by digest) into one index, with forward-only tags' },
  stale: { flags: STALE_FLAGS, summary: 'list the images built on a base that has moved since (exit 1 when any is)' },
  push: {
    flags: BUILD_FLAGS.filter((f) => PUSH_INPUTS.has(f.name)),
    summary: 'push an image built earlier (OCI layout or docker archive): audited, tagged as a build is',
  },
};

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

/** Facts of the run a CI system would give, for machines that are not one (or to override it). */
export const CONTEXT_FLAGS = {
  'git-tag': 'the git tag this run releases (default: the tag on HEAD, or $CI tag variables)',
  commit: 'the commit the image is built from (default: HEAD)',
  branch: 'the branch (default: the checked-out branch)',
  'pull-request': 'the pull request number, for pr-N tags',
  'commit-time': 'the commit time, RFC 3339 (default: the commit time git records)',
} as const;
export type ContextFlag = keyof typeof CONTEXT_FLAGS;

/** A command line Hoist cannot run: exit 2, with a one-line message and where help is. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly command?: Command,
  ) {
    super(message);
  }
}

export interface CommandLine {
  command: Command;
  /** Input name → raw value, as the Action would get it (repeated flags joined by newlines). */
  inputs: Map<string, string>;
  /** `--NAME-file` paths for secret inputs, read before the run. */
  secretFiles: Map<string, string>;
  context: Partial<Record<ContextFlag, string>>;
  json: boolean;
}

export type Parsed = { help: Command | 'hoist' } | { version: true } | CommandLine;

export const envName = (input: string) => `HOIST_${input.toUpperCase().replaceAll('-', '_')}`;

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

function refuseSecretFlag(name: string, command: Command): never {
  throw new UsageError(
    `--${name} would put secret material in argv, where every process on this machine can read it: use --${name}-file PATH or the ${envName(name)} environment variable`,
    command,
  );
}

/** Short names of hoist build's flags: `--plan` is `--hierarchy-plan`, `--entry NAME` is `--hierarchy-entry NAME`. */
const ALIASES: Partial<Record<Command, Record<string, string>>> = { build: { '--plan': '--hierarchy-plan', '--entry': '--hierarchy-entry' } };
const withAliases = (args: readonly string[], command: Command): string[] =>
  args.map((arg) => {
    const [flag, ...value] = arg.split('=');
    const long = ALIASES[command]?.[flag!];
    return long ? [long, ...value].join('=') : arg;
  });

/** parseArgs's error as a one-line usage error naming the flag (`--imagez: no such flag`). */
export function usageFromParseArgs(e: unknown, command?: Command): UsageError {
  const flag = /'(--?[a-z0-9-]+)/i.exec((e as Error).message)?.[1];
  const what = (e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? 'no such flag' : 'needs a value';
  return new UsageError(flag ? `${flag}: ${what}` : (e as Error).message.split('\n')[0]!, command);
}

export function parseCommandLine(argv: readonly string[]): Parsed {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') return { help: 'hoist' };
  if (first === '--version') return { version: true };
  if (!(first in COMMANDS))
    throw new UsageError(
      first.startsWith('-')
        ? `a command comes first: hoist build, promote, merge, stale, push, tags, audit, inspect or completion`
        : `unknown command '${first}': use build, promote, merge, stale, push, tags, audit, inspect or completion`,
    );
  const command = first as Command;
  const names = new Set(COMMANDS[command].flags.map((f) => f.name));
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  };
  for (const name of names) options[name] = { type: 'string', multiple: true };
  for (const name of names) if (SECRET_INPUTS.has(name)) options[`${name}-file`] = { type: 'string' };
  for (const name of Object.keys(CONTEXT_FLAGS)) if (command === 'build') options[name] = { type: 'string' };
  let values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: withBooleanValues(withAliases(rest, command), names), options, strict: true, allowPositionals: true }));
  } catch (e) {
    throw usageFromParseArgs(e, command);
  }
  if (values.help) return { help: command };
  const inputs = new Map<string, string>();
  if (command === 'push') {
    if (positionals.length !== 1) throw new UsageError('push takes one OCI layout directory or docker archive (hoist push ./layout --images …)', command);
    inputs.set('artefact', positionals[0]!);
  } else if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}': every input is a flag (--name value)`, command);
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
  return { command, inputs, secretFiles, context, json: values.json === true };
}

/**
 * Secret inputs from `--NAME-file` or `HOIST_NAME` (both at once is an error). The file's contents
 * are never echoed: a file that cannot be read is named, with the reason.
 */
export async function readSecretInputs(
  line: CommandLine,
  env: Readonly<Record<string, string | undefined>>,
  readText: (path: string) => Promise<string>,
): Promise<void> {
  for (const name of COMMANDS[line.command].flags.map((f) => f.name).filter((n) => SECRET_INPUTS.has(n))) {
    const file = line.secretFiles.get(name);
    const fromEnv = env[envName(name)];
    if (file !== undefined && fromEnv !== undefined) throw new UsageError(`--${name}-file and ${envName(name)} are both set: give one`, line.command);
    if (fromEnv !== undefined) line.inputs.set(name, fromEnv);
    if (file === undefined) continue;
    try {
      line.inputs.set(name, (await readText(file)).replace(/\r?\n$/, ''));
    } catch (e) {
      throw new UsageError(`--${name}-file: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, line.command);
    }
  }
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

export function helpText(command: Command | 'hoist'): string {
  if (command === 'hoist') {
    const list = (Object.entries(COMMANDS) as Array<[Command, { summary: string }]>).map(([name, c]) => `  ${name.padEnd(9)}${c.summary}`);
    return [
      'Usage: hoist <command> [flags]',
      '',
      'Commands:',
      ...list,
      '  tags     list, delete (only the tags named) or prune the tags of a repository',
      '  audit    the pre-push audit on an image already in a registry, or an OCI layout',
      '',
      'hoist <command> --help lists its flags. Exit codes: 0 done, 1 found (leak, stale, policy), 2 usage error, 3 could not finish.',
    ].join('\n');
  }
  const flags = COMMANDS[command].flags.map((f) => {
    const secret = SECRET_INPUTS.has(f.name);
    const head = secret ? `--${f.name}-file PATH` : `--${f.name} ${BOOLEAN.has(f.name) ? '[true|false]' : 'VALUE'}`;
    const notes = [f.required ? 'required' : '', f.default ? `default: ${f.default}` : '', secret ? `or ${envName(f.name)}; never a plain flag` : '']
      .filter(Boolean)
      .join('; ');
    // A flag longer than its column starts its text on the next line, aligned (not glued to it).
    const lead = head.length < 34 ? `  ${head.padEnd(34)}` : `  ${head}\n${' '.repeat(36)}`;
    return `${lead}${wrap(`${f.summary}${notes ? ` (${notes})` : ''}`, 36)}`;
  });
  const context =
    command === 'build'
      ? [
          '',
          "Run context (default: the git checkout, or the CI system's variables):",
          ...Object.entries(CONTEXT_FLAGS).map(([n, d]) => `  ${`--${n} VALUE`.padEnd(34)}${d}`),
        ]
      : [];
  return [
    `Usage: hoist ${command}${command === 'push' ? ' LAYOUT|ARCHIVE' : ''} [flags]    ${COMMANDS[command].summary}`,
    '',
    'Flags (the inputs of the Action; a list may be given as repeated flags):',
    ...flags,
    ...context,
    '',
    '  --json                            print the outputs as JSON on stdout',
    '  -h, --help                        this text',
  ].join('\n');
}
