// Property: V8 honours the heap flags keepHeapSmall sets after start — a run that allocates as the
// audit does (short-lived objects, 256 KiB buffers held a moment, some survivors) keeps its young
// generation at 2 MiB with them, while the same run without them grows it to 16 MiB (and longer runs further). If a
// Node upgrade stopped reading the flags at run time, the first case fails.
// Real-world variant: bench/audit.ts (the audit of a 1 GiB image through dist/cli.js, young
// generation at most 4–5 MiB with the flags, 32–64 MiB without, sampled by bench/memory-sampler.mjs).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HEAP_FLAGS } from './heap.js';

const WORKLOAD = `
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
for (const flag of JSON.parse(process.argv[1])) setFlagsFromString(flag);
const young = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
let most = 0;
let kept = [];
let held = [];
for (let round = 0; round < 1500; round++) {
  for (let i = 0; i < 2000; i++) kept.push({ at: i, text: 'chunk ' + i });
  if (kept.length > 6000) kept = [];
  held.push(Buffer.allocUnsafe(256 * 1024).fill(round));
  if (held.length > 8) held.shift();
  most = Math.max(most, young());
  if (round % 50 === 0) await new Promise((r) => setImmediate(r));
}
process.stdout.write(String(most / 1048576));
`;

const youngMiB = (flags: readonly string[]) =>
  Number(execFileSync(process.execPath, ['--input-type=module', '-e', WORKLOAD, JSON.stringify(flags)], { encoding: 'utf8', timeout: 60_000 }));

describe('keepHeapSmall', () => {
  it('keeps the young generation at a few MiB where V8 would grow it', () => {
    expect(youngMiB(HEAP_FLAGS)).toBeLessThanOrEqual(4);
    expect(youngMiB([])).toBeGreaterThanOrEqual(8);
  });
});
