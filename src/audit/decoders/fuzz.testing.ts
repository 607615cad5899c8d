/**
 * For the fuzz tests: one decoder run on bytes in a child process of its own, so that a reader caught in a loop is
 * killed at a deadline and reported as a hang (a synchronous loop cannot be stopped by a test's timeout), and its peak
 * memory measured apart from the test runner's. The decoder's module is bundled once by esbuild (the project's own
 * build tool) with decode.testing.ts's `decodeWith`; the child reads the bytes from stdin and prints what the run gave.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import type { Seeded } from '../../../test/support/random.js';

export interface Isolated {
  /** Killed at the deadline: the reader did not end. */
  hung: boolean;
  /** The child's stderr when it failed (a throw, an out-of-memory). */
  crashed?: string;
  /** Whether the output held each of `needles`, in order. */
  found: boolean[];
  limits: string[];
  ms: number;
  /** The child's peak resident memory, MiB (its whole process, about 40 MiB with nothing decoded). */
  peakMiB: number;
}

const bundles = new Map<string, string>();

/** A bundle running `decodeWith(<exported decoder>, stdin)` for the decoder `name` exported by `module` (a path under src/audit/decoders). */
function bundle(module: string, name: string): string {
  const key = `${module}#${name}`;
  const known = bundles.get(key);
  if (known) return known;
  const dir = mkdtempSync(join(tmpdir(), 'hoist-fuzz-'));
  const entry = join(dir, 'entry.ts');
  const here = resolve(import.meta.dirname);
  writeFileSync(
    entry,
    `import { readFileSync } from 'node:fs';
import { ${name} as decoder } from ${JSON.stringify(join(here, module))};
import { decodeWith } from ${JSON.stringify(join(here, 'decode.testing.ts'))};
const all = readFileSync(0);
const needles = JSON.parse(process.argv[2]).map((s) => Buffer.from(s, 'base64'));
// Inputs one after another, each after its length (4 bytes, little-endian); a line of JSON written as each ends.
for (let p = 0; p < all.length; ) {
  const n = all.readUInt32LE(p);
  const bytes = all.subarray(p + 4, p + 4 + n);
  p += 4 + n;
  const t = performance.now();
  const r = await decodeWith(decoder, bytes, { chunk: Number(process.argv[3]) });
  const ms = performance.now() - t;
  process.stdout.write(JSON.stringify({ found: needles.map((n) => r.out.includes(n)), limits: r.limits, ms, peakMiB: process.resourceUsage().maxRSS / 1024 }) + '\\n');
}
`,
  );
  const out = join(dir, 'run.mjs');
  // decode.testing.ts imports random.ts, which imports vitest's beforeEach (used by seededPerTest only): a stub in the child.
  const stub = join(dir, 'vitest-stub.mjs');
  writeFileSync(stub, 'export const beforeEach = () => undefined;\n');
  execFileSync(join(here, '../../../node_modules/.bin/esbuild'), [
    entry,
    '--bundle',
    '--platform=node',
    '--format=esm',
    '--target=node24',
    '--log-level=error',
    `--outfile=${out}`,
    "--banner:js=import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    `--alias:vitest=${stub}`,
  ]);
  bundles.set(key, out);
  return out;
}

/** `decoder` (exported as `name` from `module`) run on `bytes` in a child process killed after `deadlineMs`. */
export function isolated(
  module: string,
  name: string,
  bytes: Uint8Array,
  needles: Array<string | Uint8Array>,
  options: { deadlineMs?: number; chunk?: number } = {},
): Isolated {
  return isolatedMany(module, name, [bytes], needles, options)[0]!;
}

/**
 * Each of `inputs` run in turn in one child process (one start for many), killed after `deadlineMs` in all: the input
 * it was on is reported hung (or crashed, with the child's stderr), those after it not run (absent from the answer).
 */
export function isolatedMany(
  module: string,
  name: string,
  inputs: Uint8Array[],
  needles: Array<string | Uint8Array>,
  { deadlineMs = 20_000, chunk = 65536 } = {},
): Isolated[] {
  const run = bundle(module, name);
  const node = resolve(import.meta.dirname, '../../../node_modules/.bin/node');
  const framed = Buffer.concat(inputs.flatMap((b) => [Buffer.from(Uint32Array.of(b.length).buffer), b]));
  const t = performance.now();
  const r = spawnSync(
    node,
    [run, JSON.stringify(needles.map((n) => (typeof n === 'string' ? Buffer.from(n) : Buffer.from(n)).toString('base64'))), String(chunk)],
    {
      input: framed,
      timeout: deadlineMs,
      maxBuffer: 1 << 26,
    },
  );
  const ms = performance.now() - t;
  const done = r.stdout
    .toString()
    .split('\n')
    .filter(Boolean)
    .map((line) => ({ hung: false, ...(JSON.parse(line) as Omit<Isolated, 'hung'>) }));
  if (done.length === inputs.length) return done;
  if (r.error || r.signal) return [...done, { hung: true, found: [], limits: [], ms, peakMiB: 0 }];
  return [...done, { hung: false, crashed: r.stderr.toString().slice(0, 2000), found: [], limits: [], ms, peakMiB: 0 }];
}

/**
 * `count` damaged copies of `file`, each named by its damage: an even k cut at a length, an odd k with 1, 2, 4 or 8 bytes
 * set to 00, 80 or FF — the cut's end or the bytes set drawn from `region(k)`, [from, to) of the file (its index region
 * or anywhere) — as a full disk, an interrupted copy or bit rot leaves a file.
 */
export function damagedCopies(file: Buffer, r: Seeded, count: number, region: (k: number) => [number, number]): Array<[string, Buffer]> {
  const copies: Array<[string, Buffer]> = [];
  for (let k = 0; k < count; k++) {
    const [from, to] = region(k);
    if (k % 2 === 0) {
      const copy = file.subarray(0, from + r.int(to - from));
      copies.push([`cut at ${copy.length}`, copy]);
    } else {
      const copy = Buffer.from(file);
      const at = from + r.int(to - from);
      const [n, v] = [r.pick([1, 2, 4, 8]), r.pick([0, 0x80, 0xff])];
      copy.fill(v, at, at + n);
      copies.push([`${n} bytes at ${at} set to ${v}`, copy]);
    }
  }
  return copies;
}

/**
 * The audit's rule for damaged input, on each of `copies` run through `name` of `module` in one child process: none
 * hangs, throws, takes 5 s or 400 MiB, and each either still gives `needle` or is named as not fully audited — never a
 * silent pass.
 */
export function expectEachReadOrNamed(module: string, name: string, copies: Array<[string, Buffer]>, needle: string | Uint8Array): void {
  const results = isolatedMany(
    module,
    name,
    copies.map(([, c]) => c),
    [needle],
    { deadlineMs: 60_000 },
  );
  const silent: string[] = [];
  results.forEach((got, k) => {
    const what = copies[k]![0];
    expect(got.hung, what).toBe(false);
    expect(got.crashed, what).toBeUndefined();
    expect(got.ms, what).toBeLessThan(5_000);
    expect(got.peakMiB, what).toBeLessThan(400);
    if (!got.found[0] && got.limits.length === 0) silent.push(what);
  });
  expect(results.length).toBe(copies.length);
  expect(silent).toEqual([]);
}
