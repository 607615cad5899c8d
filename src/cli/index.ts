#!/usr/bin/env node
// The `hoist` command (dist/cli.js): everything else can be imported by a test without side effects.
import { exitOnSignals } from './exit.js';
import { cli } from './main.js';

// A reader that closed the pipe (`hoist tags list … | head -1`) had what it wanted: end quietly, exit 0.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
exitOnSignals();
process.exitCode = await cli(process.argv.slice(2), process.env, { stdout: process.stdout, stderr: process.stderr });
