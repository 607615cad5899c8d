import { tuneMalloc } from './core/malloc.js';
import { exitWhenDrained, unfinishedFails } from './cli/drained-exit.js';

// The main step (not the post step: core/state's marker) of a pipeline that audits — the build, the artefact push —
// starts Node again first with glibc's malloc set to give back what it frees (core/malloc.ts), before the bundle loads.
const finished = unfinishedFails('Hoist');
const mode = (process.env['INPUT_HOIST-MODE'] || process.env.HOIST_MODE || 'build').trim();
if (process.env.STATE_hoist_main_ran !== 'true' && (mode === 'build' || mode === 'push')) tuneMalloc();
const { main } = await import('./main.js');
await main();
finished();
// The step is done: a handle left open past it (a credential helper's child) no longer keeps the job's
// step running, once what it printed has reached the runner (cli/drained-exit.ts).
exitWhenDrained();
