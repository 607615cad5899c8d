// Node started again for glibc's malloc (core/malloc.ts), skipped where the process already runs so (alreadyTuned).
// Property: the second start is spared only when it would change nothing — every one of Hoist's tunables at Hoist's
// value as glibc reads GLIBC_TUNABLES (the last setting of a tunable wins), and a semi-space size given to node (in
// NODE_OPTIONS or its own arguments, any value: the user's wins as in the start again) — never when one tunable is
// missing, set otherwise, or set again later to another value. Nearest real variant: a GitLab job that sets
// GLIBC_TUNABLES and NODE_OPTIONS once in its `variables:` for several `hoist build` runs; a job whose own
// GLIBC_TUNABLES raises arena_max for another tool.
import { describe, expect, it } from 'vitest';
import { alreadyTuned, MALLOC_TUNABLES } from './malloc.js';

describe('the second start spared where it changes nothing', () => {
  it('skipped only when every tunable is at its value and a semi-space size is given', () => {
    const cases: Array<[string, NodeJS.ProcessEnv, string[]]> = [
      ['both given by the environment', { GLIBC_TUNABLES: MALLOC_TUNABLES, NODE_OPTIONS: '--max-semi-space-size=1' }, []],
      ['the flag as a node argument, the user’s tunables before', { GLIBC_TUNABLES: `glibc.pthread.rseq=0:${MALLOC_TUNABLES}` }, ['--max-semi-space-size=1']],
      ['the user’s own semi-space size (theirs wins anyway)', { GLIBC_TUNABLES: MALLOC_TUNABLES, NODE_OPTIONS: '--max_semi_space_size=4' }, []],
      ['nothing given', {}, []],
      ['tunables without the flag', { GLIBC_TUNABLES: MALLOC_TUNABLES }, []],
      ['the flag without tunables', { NODE_OPTIONS: '--max-semi-space-size=1' }, []],
      ['one tunable only', { GLIBC_TUNABLES: 'glibc.malloc.arena_max=1', NODE_OPTIONS: '--max-semi-space-size=1' }, []],
      ['arena_max set again later to 8', { GLIBC_TUNABLES: `${MALLOC_TUNABLES}:glibc.malloc.arena_max=8`, NODE_OPTIONS: '--max-semi-space-size=1' }, []],
      ['another threshold', { GLIBC_TUNABLES: 'glibc.malloc.arena_max=1:glibc.malloc.mmap_threshold=1048576', NODE_OPTIONS: '--max-semi-space-size=1' }, []],
      ['another flag that only begins alike', { GLIBC_TUNABLES: MALLOC_TUNABLES, NODE_OPTIONS: '--max-semi-space-sizes=1' }, []],
    ];
    expect(cases.map(([name, env, argv]) => [name, alreadyTuned(env, argv)])).toEqual(cases.map(([name], i) => [name, i < 3]));
  });
});
