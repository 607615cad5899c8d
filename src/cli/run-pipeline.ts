/**
 * Runs a pipeline verb (build, promote, merge, stale, push) on the real effects: its secret inputs
 * read from `--NAME-file` or `HOIST_NAME` and hidden before anything could print them, the secret
 * variables Hoist read removed from the environment tools get, the outputs as a human summary or
 * the `--json` envelope. Loaded when such a verb runs: `--help` and a refused line stay quick.
 */
import { ConfigError } from '../core/errors.js';
import { createExec } from '../effects/exec.js';
import { nodeFiles } from '../effects/files.js';
import { realEffects } from '../effects/real.js';
import { createCliPlatform } from '../platform/cli.js';
import { jsonText, logText } from '../platform/log-safe.js';
import { redacting } from '../secrets/redacting-platform.js';
import { cliDialect, cliSpelling } from './dialect.js';
import { exitCodeFor } from './exit.js';
import { checkContextFlags, cliFacts } from './facts.js';
import { envelope } from './json.js';
import { childEnv } from './secret-env.js';
import { humanSummary } from './summary.js';
import { readSecretInputs, type CommandLine, type Pipeline } from './command-line.js';
import type { RunContext } from './verbs/verb.js';

export async function runPipeline(line: CommandLine, ctx: RunContext, load: () => Promise<Pipeline>): Promise<number> {
  const { streams, redactor, quiet } = ctx;
  await readSecretInputs(line, ctx.env, nodeFiles.readText);
  // Hidden before anything could print them; the pipeline's catalog names and audits them.
  for (const name of line.secretInputs) {
    const value = line.inputs.get(name);
    if (value) redactor.add(value);
  }
  // Tools Hoist runs get the environment without the secret variables Hoist read.
  const env = childEnv(ctx.env);
  const exec = createExec(redactor);
  checkContextFlags(line.context);
  // The pipeline's modules load while git is asked for the run's facts: neither waits for the other.
  const pipeline = load();
  pipeline.catch(() => undefined); // awaited below
  const facts = await cliFacts(exec, env, process.cwd(), line.context, line.inputs.get('version-pattern'));
  const platform = redacting(
    createCliPlatform({ inputs: line.inputs, facts, env, redactor, out: streams.stderr, cwd: process.cwd(), quiet, dialect: cliDialect }),
    redactor,
  );
  let failure: string[] | undefined;
  let code = 0;
  try {
    await (
      await pipeline
    )(realEffects(platform, redactor));
  } catch (error) {
    // A missing builder or Docker daemon is the machine's set-up, as bad as a bad flag: exit 2 (exit.ts).
    code = exitCodeFor(error);
    failure =
      error instanceof ConfigError
        ? error.issues.map((i) => `${i.input === 'artefact' ? 'LAYOUT|ARCHIVE' : cliSpelling(i.input)}: ${i.message}`)
        : [error instanceof Error ? error.message : `unexpected failure: ${String(error)}`];
    for (const l of failure) platform.error(l);
  }
  const outputs = platform.outputs;
  if (line.json) {
    const errors = (failure ?? []).map((l) => redactor.redact(cliDialect(l)));
    streams.stdout.write(`${redactor.redact(jsonText(envelope(line.command, code, errors, outputs)))}\n`);
  } else if (line.command === 'stale') {
    // The result a script wants: the images to rebuild, one a line (the report is on stderr).
    for (const image of (outputs.get('stale') ?? '').split('\n').filter(Boolean)) streams.stdout.write(`${logText(redactor.redact(image))}\n`);
  } else if (outputs.size) streams.stdout.write(`${logText(redactor.redact(humanSummary(outputs)))}\n`);
  return code;
}
