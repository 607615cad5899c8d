/**
 * `hoist`: the command-line front door. The same pipelines as the Action, with flags for inputs;
 * the exit codes of exit.ts; results on stdout, everything else on stderr, in the CLI's dialect.
 * Every verb is a row of the table in verbs/: parsed by args.ts, run by its own `run`.
 */
import { wantsColour } from '../platform/cli.js';
import { logText } from '../platform/log-safe.js';
import { Redactor } from '../secrets/redact.js';
import { parseCommandLine, UsageError } from './args.js';
import { cliDialect } from './dialect.js';
import { topHelp, unknownVerb, verbHelp, withSuggestion } from './help.js';
import { VERB_TABLE, verbNamed } from './verbs/index.js';
import type { Streams } from './verbs/verb.js';

export { humanSummary } from './summary.js';
export type { Streams } from './verbs/verb.js';

const VERSION = '0.1.0';

/** Flags every verb takes, wherever they stand: `-q`/`--quiet`. */
function globalFlags(argv: readonly string[]): { argv: string[]; quiet: boolean } {
  const rest = argv.filter((a) => a !== '-q' && a !== '--quiet');
  return { argv: rest, quiet: rest.length !== argv.length };
}

export async function cli(given: readonly string[], env: NodeJS.ProcessEnv, streams: Streams): Promise<number> {
  const redactor = new Redactor();
  const { argv, quiet } = globalFlags(given);
  const print = (text: string) => (void streams.stdout.write(`${text}\n`), 0);
  try {
    if (argv[0] === 'help' && argv[1] !== undefined) {
      if (!verbNamed(argv[1])) throw new UsageError(unknownVerb(argv[1]));
      return print(verbHelp(argv[1]));
    }
    if (argv[0] === '-v' || argv[0] === '--version') return print(`hoist ${VERSION}`);
    if (argv[0] !== undefined && !argv[0].startsWith('-') && argv[0] !== 'help' && !verbNamed(argv[0])) throw new UsageError(unknownVerb(argv[0]));
    const parsed = parseCommandLine(argv);
    if ('help' in parsed) return print(parsed.help === 'hoist' ? topHelp(VERSION) : verbHelp(parsed.help));
    if ('version' in parsed) return print(`hoist ${VERSION}`);
    return await verbNamed(parsed.command)!.run(parsed, { env, streams, redactor, quiet, verbs: VERB_TABLE });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const verb = error.command ?? (argv[0] !== undefined && verbNamed(argv[0]) ? argv[0] : undefined);
    // Red as every other error line is, under the same rule (a terminal, NO_COLOR, FORCE_COLOR over both):
    // a usage error alone stayed plain, even with FORCE_COLOR=1 in a CI log that shows the others red.
    const tty = (streams.stderr as { isTTY?: boolean }).isTTY === true && env.TERM !== 'dumb';
    const [on, off] = wantsColour(tty, env) ? ['\u001b[31m', '\u001b[0m'] : ['', ''];
    streams.stderr.write(
      `${on}hoist: ${logText(redactor.redact(cliDialect(withSuggestion(error.message, verb))))}${off}\n${verb ? `Run 'hoist help ${verb}' for its flags and examples.` : "Run 'hoist --help' for the commands."}\n`,
    );
    return 2;
  }
}
