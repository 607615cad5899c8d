#!/usr/bin/env node
// The `hoist` command (dist/cli.js): everything else can be imported by a test without side effects.
import { tuneMalloc } from '../core/malloc.js';
import { exitWhenDrained, unfinishedFails } from './drained-exit.js';

// A verb that audits starts Node again first with glibc's malloc set to give back what it frees (core/malloc.ts):
// before the rest of the bundle is loaded, which is why it is imported below, not above.
const finished = unfinishedFails('hoist');
if (['audit', 'build', 'push'].includes(process.argv.slice(2).find((a) => !a.startsWith('-')) ?? '')) tuneMalloc();
const { exitOnSignals } = await import('./exit.js');
const { cli } = await import('./main.js');

// A reader that closed the pipe (`hoist tags list … | head -1`) had what it wanted: end quietly, exit 0.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') {
      finished();
      process.exit(0);
    }
    throw e;
  });
exitOnSignals();
process.exitCode = await cli(process.argv.slice(2), process.env, { stdout: process.stdout, stderr: process.stderr });
finished();
// The command is done: a handle left open past it (a credential helper's child still holding the
// helper's pipe after the helper was stopped at its time limit) no longer keeps it from exiting,
// once what it printed has reached a slow reader (cli/drained-exit.ts).
exitWhenDrained();
