#!/usr/bin/env node
// The `hoist` command (dist/cli.js): everything else can be imported by a test without side effects.
import { cli } from './main.js';

process.exitCode = await cli(process.argv.slice(2), process.env, { stdout: process.stdout, stderr: process.stderr });
