/**
 * For the fuzz tests: one decoder run on bytes in a child process of its own, so that a reader caught in a loop is
 * killed at a deadline and reported as a hang (a synchronous loop cannot be stopped by a test's timeout), and its peak
 * memory measured apart from the test runner's. The decoder's module is bundled once by esbuild (the project's own
 * build tool) with decode.testing.ts's `decodeWith`; the child reads the bytes from stdin and prints what the run gave.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import type { Decoder } from './types.js';
import { seeded as seededOf, type Seeded } from '../../../test/support/random.js';

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

/**
 * HOIST_FUZZ_RECORD=<dir>: what each test made and each copy's verdict (found, named, silent, threw, hung...) written
 * there, a file a test, so that two runs (another day, another machine) can be compared: a draw whose verdict changes
 * with the clock or a random id is a flake in waiting.
 */
function record(line: object): void {
  const dir = process.env['HOIST_FUZZ_RECORD'];
  if (!dir) return;
  const test = (expect.getState().currentTestName ?? 'outside a test').replace(/[^\w.-]+/g, '_').slice(0, 150);
  appendFileSync(join(dir, `${test}.jsonl`), JSON.stringify(line) + '\n');
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex').slice(0, 16);

/** The child's input read, its peak memory and the streamed run (below the imports of `bundle`'s entry). */
const CHILD = `// Read as a stream, not by readFileSync(0): on a pipe that keeps a 64 KiB buffer for each read however short (a 32 MiB
// input written in 4 KiB pieces held 500 MiB, counted in the peak measured below).
const parts = [];
for await (const part of process.stdin) parts.push(part);
const all = Buffer.concat(parts);
parts.length = 0;
// The peak resident memory of this process since its exec: /proc's VmHWM. getrusage's maxRSS keeps the peak of the
// process before its exec — the test runner's that forked it (260 MiB and growing), not this reader's.
const peakMiB = () => {
  try {
    return Number(/VmHWM:\\s*(\\d+)/.exec(readFileSync('/proc/self/status', 'latin1'))[1]) / 1024;
  } catch {
    return process.resourceUsage().maxRSS / 1024;
  }
};
/**
 * decodeWith's run (the same env: 1 GiB of output allowed, limits kept) with the output searched as it is written, per
 * content, not held: the peak memory measured is the reader's own.
 */
async function streamed(bytes, chunk) {
  const limits = [];
  const found = needles.map(() => false);
  let total = 0;
  const cap = 1 << 30;
  const BOUND = 'decoded bytes past the bound';
  const sink = () => {
    let tail = Buffer.alloc(0);
    return {
      write(b) {
        const joined = Buffer.concat([tail, b]);
        needles.forEach((n, k) => (found[k] ||= joined.includes(n)));
        tail = joined.subarray(Math.max(0, joined.length - 256));
      },
      end: () => undefined,
    };
  };
  const env = {
    path: 'x',
    open: sink,
    openAt: sink,
    // Past the bound the router reports what was not audited (types.ts, allow): named here as it would be there.
    allow(n) {
      if ((total += n) <= cap) return true;
      if (!limits.includes(BOUND)) limits.push(BOUND);
      return false;
    },
    limit: (what) => void limits.push(what),
    ratio: 200,
    get stopped() {
      return total > cap;
    },
  };
  const d = decoder.open(env);
  for (let i = 0; i < bytes.length && !d.finished; i += chunk) await d.push(bytes.subarray(i, i + chunk));
  await d.end();
  return { out: { includes: (n) => found[needles.findIndex((m) => m.equals(n))] }, limits };
}
`;

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
${CHILD}const needles = JSON.parse(process.argv[2]).map((s) => Buffer.from(s, 'base64'));
// Inputs one after another, each after its length (4 bytes, little-endian); a line of JSON written as each ends.
for (let p = 0; p < all.length; ) {
  const n = all.readUInt32LE(p);
  const bytes = all.subarray(p + 4, p + 4 + n);
  p += 4 + n;
  // The last input's garbage collected first, so that the peak measured is this input's (the child runs with --expose-gc).
  globalThis.gc?.();
  const t = performance.now();
  const r = process.argv[4] === 'stream' ? await streamed(bytes, Number(process.argv[3])) : await decodeWith(decoder, bytes, { chunk: Number(process.argv[3]) });
  const ms = performance.now() - t;
  process.stdout.write(JSON.stringify({ found: needles.map((n) => r.out.includes(n)), limits: r.limits, ms, peakMiB: peakMiB() }) + '\\n');
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
    ['--expose-gc', run, JSON.stringify(needles.map((n) => (typeof n === 'string' ? Buffer.from(n) : Buffer.from(n)).toString('base64'))), String(chunk)],
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
  record({
    module,
    name,
    inputs: sha(Buffer.concat(copies.map(([, c]) => c))),
    verdicts: results.map((got, k) => `${copies[k]![0]}: ${got.found[0] ? 'found' : got.limits.length > 0 ? 'named' : 'silent'}`),
  });
  expect(results.length).toBe(copies.length);
  expect(silent).toEqual([]);
}

/** What the rule for damaged input holds each copy to (`expectEachReadOrNamed`, `readOrNamedFailures`). */
const RULE = { ms: 5_000, MiB: 400 };

/**
 * Each of `copies` run through `name` of `module` in child processes, a child killed when one input has run 8 s (its
 * copy reported hung, the copies after it run in a new child), or when its peak memory passes 400 MiB, or when it
 * fails (its copy reported crashed, the rest run on): every copy that breaks the rule of `expectEachReadOrNamed` —
 * a hang, a throw, 5 s or 400 MiB, or neither `needle` found nor anything named (a silent pass) — as a line naming it,
 * so that a test reports how many copies fail, not the first. A child is given at most 32 MiB of copies (its peak
 * memory counts its input).
 */
export async function readOrNamedFailures(
  module: string,
  name: string,
  copies: Array<[string, Uint8Array]>,
  needle: string | Uint8Array,
  { perInputMs = 8_000, chunk = 65536 } = {},
): Promise<string[]> {
  const run = bundle(module, name);
  const node = resolve(import.meta.dirname, '../../../node_modules/.bin/node');
  const needles = JSON.stringify([typeof needle === 'string' ? Buffer.from(needle) : Buffer.from(needle)].map((n) => n.toString('base64')));
  const failures: string[] = [];
  const verdicts: string[] = [];
  for (let from = 0; from < copies.length;) {
    // At most 32 MiB of copies to a child (at least one): the child holds its whole input, counted in its peak memory.
    let upto = from + 1;
    for (let size = copies[from]![1].length; upto < copies.length && size + copies[upto]![1].length <= 32 << 20; upto++) size += copies[upto]![1].length;
    const rest = copies.slice(from, upto);
    const lines: Array<Omit<Isolated, 'hung'>> = [];
    const outcome = await new Promise<'done' | 'hung' | 'crashed' | 'memory'>((done) => {
      const child = spawn(node, ['--expose-gc', run, needles, String(chunk), 'stream'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let text = '';
      let stderr = '';
      let why: 'hung' | 'memory' | undefined;
      // The first input waits for the child's start too.
      let deadline = setTimeout(() => ((why = 'hung'), child.kill('SIGKILL')), perInputMs + 5_000);
      child.stdout.on('data', (d: Buffer) => {
        text += d.toString();
        for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n')) {
          const got = JSON.parse(text.slice(0, nl)) as Omit<Isolated, 'hung'>;
          text = text.slice(nl + 1);
          lines.push(got);
          clearTimeout(deadline);
          if (got.peakMiB >= RULE.MiB) {
            why = 'memory';
            child.kill('SIGKILL');
          } else deadline = setTimeout(() => ((why = 'hung'), child.kill('SIGKILL')), perInputMs);
        }
      });
      child.stderr.on('data', (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-4000)));
      child.on('close', (code) => {
        clearTimeout(deadline);
        if (why) done(why);
        else if (code === 0 && lines.length === rest.length) done('done');
        else {
          lines.push({ crashed: stderr.slice(-600), found: [], limits: [], ms: 0, peakMiB: 0 });
          done('crashed');
        }
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(Buffer.concat(rest.flatMap(([, b]) => [Buffer.from(Uint32Array.of(b.length).buffer), Buffer.from(b)])));
    });
    lines.forEach((got, k) => {
      const what = rest[k]![0];
      verdicts.push(`${what}: ${got.crashed !== undefined ? 'threw' : got.found[0] ? 'found' : got.limits.length > 0 ? 'named' : 'silent'}`);
      if (got.crashed !== undefined) failures.push(`${what}: threw ${got.crashed.split('\n').filter(Boolean).slice(0, 3).join(' | ')}`);
      else if (got.ms >= RULE.ms) failures.push(`${what}: ${got.ms.toFixed(0)} ms`);
      else if (got.peakMiB >= RULE.MiB) failures.push(`${what}: ${got.peakMiB.toFixed(0)} MiB`);
      else if (!got.found[0] && got.limits.length === 0) failures.push(`${what}: silent (nothing found, nothing named)`);
    });
    if (outcome === 'hung') failures.push(`${rest[lines.length]![0]}: hung (killed after ${perInputMs / 1000} s)`);
    if (outcome === 'hung') verdicts.push(`${rest[lines.length]![0]}: hung`);
    from += lines.length + (outcome === 'hung' ? 1 : 0);
  }
  record({ module, name, inputs: sha(Buffer.concat(copies.map(([, c]) => c))), verdicts });
  return failures;
}

/**
 * `count` damaged copies of `file` (as `damagedCopies` makes them) that leave its value whole: `twin` is the same file
 * made by the same tool with a value of the same length in its place, and a copy whose cut falls before, or whose set
 * bytes fall on, a byte where the two differ is drawn again — damage to the value's own bytes (stored, compressed or
 * checksummed) takes it out of the layer, and a reader cannot be asked to find it then; anything else left silent is a
 * reader's miss. Copies that change nothing, or that `keep` refuses (a copy its decoder's sniff no longer claims: the
 * router reads it as some other content), are drawn again too.
 */
export function damagedSparing(
  file: Buffer,
  twin: Buffer,
  r: Seeded,
  count: number,
  region: (k: number) => [number, number],
  keep: (copy: Buffer) => boolean = () => true,
): Array<[string, Buffer]> {
  const differs: number[] = [];
  for (let i = 0; i < Math.max(file.length, twin.length); i++) if (file[i] !== twin[i]) differs.push(i);
  const last = differs.at(-1) ?? -1;
  const copies: Array<[string, Buffer]> = [];
  for (let k = 0; copies.length < count && k < 50 * count; k++) {
    const [from, to] = region(k);
    if (k % 2 === 0) {
      const cut = from + r.int(Math.max(1, to - from));
      if (cut > last && cut < file.length && keep(file.subarray(0, cut))) copies.push([`cut at ${cut}`, file.subarray(0, cut)]);
      continue;
    }
    const at = from + r.int(Math.max(1, to - from));
    const [n, v] = [r.pick([1, 2, 4, 8]), r.pick([0, 0x80, 0xff])];
    if (differs.some((d) => d >= at && d < at + n) || file.subarray(at, at + n).every((b) => b === v)) continue;
    const copy = Buffer.from(file);
    copy.fill(v, at, at + n);
    if (keep(copy)) copies.push([`${n} bytes at ${at} set to ${v}`, copy]);
  }
  return copies;
}

/** The stretch of `file` within 4 KiB of where it and `twin` differ (the value's node, page or cell and its neighbours' headers). */
export function near(file: Buffer, twin: Buffer): [number, number] {
  let first = 0;
  while (first < file.length && file[first] === twin[first]) first++;
  let last = file.length - 1;
  while (last > first && file[last] === twin[last]) last--;
  return [Math.max(0, first - 4096), Math.min(file.length, last + 4097)];
}

/**
 * Copies of `file` each with one 32-bit word of [from, to) (4-byte aligned) set, little- or big-endian, to 2^32 - 1
 * (a count or a length of 4 GiB), 2^31 (past any signed check) or the word's own offset (an offset pointing back at
 * its own table: a cycle) — the crafted classes a header or table walk meets — keeping those `keep` accepts (its
 * decoder's sniff still claims it).
 */
export function wordCopies(file: Buffer, from: number, to: number, keep: (copy: Buffer) => boolean = () => true): Array<[string, Buffer]> {
  const copies: Array<[string, Buffer]> = [];
  for (let at = from & ~3; at + 4 <= Math.min(to, file.length); at += 4)
    for (const value of [0xffffffff, 0x80000000, at])
      for (const le of [true, false]) {
        const copy = Buffer.from(file);
        if (le) copy.writeUInt32LE(value >>> 0, at);
        else copy.writeUInt32BE(value >>> 0, at);
        if (!copy.equals(file) && keep(copy)) copies.push([`the word at ${at} set to ${value} (${le ? 'LE' : 'BE'})`, copy]);
      }
  return copies;
}

/** What `expectDamagedReadOrNamed` holds a reader's real file to. */
export interface DamagedFile {
  /** The file's name in the report. */
  what: string;
  /** The file as its tool made it, holding `marker`; `twin` the same made with a value of the same length. */
  file: Buffer;
  twin: Buffer;
  decoder: Pick<Decoder, 'sniff' | 'head'>;
  /** The decoder's module (in src/audit/decoders/) and export. */
  module: string;
  name: string;
  marker: string;
  seed: number;
  copies: number;
  /** How far the header and tables reach: a third of the copies are damaged there. */
  headBytes: number;
  /** The path the sniff is told (a reader claiming by name). */
  path?: string;
  /** The value may stand in the file as it is (a database's row): not asserted hidden. */
  mayBePlain?: boolean;
}

/**
 * The rule for a reader's real file: as made, its value found and nothing named (a reader that names everything would
 * pass the copies); then `copies` damaged copies sparing the value (a third anywhere, a third in the first `headBytes`,
 * a third near the value) and each word of the first 256 bytes set to 2^32 - 1, 2^31 or its own offset — those the
 * sniff still claims — each read or named, in 5 s and 400 MiB (a failure lists every copy that breaks the rule).
 */
export async function expectDamagedReadOrNamed(f: DamagedFile): Promise<void> {
  expect(f.file.includes(f.marker) && !f.mayBePlain, `${f.what}: the value is not in the file as it is`).toBe(false);
  record({ what: f.what, file: sha(f.file), twin: sha(f.twin), length: f.file.length });
  const clean = isolated(f.module, f.name, f.file, [f.marker]);
  expect([clean.found[0], clean.limits]).toEqual([true, []]);
  const head = (k: number): [number, number] => (k % 3 === 2 ? near(f.file, f.twin) : [0, k % 3 === 0 ? f.file.length : Math.min(f.file.length, f.headBytes)]);
  const claimed = (copy: Buffer) => f.decoder.sniff(copy.subarray(0, f.decoder.head ?? 512), f.path ?? 'x');
  const copies = damagedSparing(f.file, f.twin, seededOf(f.seed), f.copies, head, claimed);
  copies.push(...wordCopies(f.file, 0, 256, claimed));
  const failures = await readOrNamedFailures(f.module, f.name, copies, f.marker);
  expect(failures, `${f.what}: ${failures.length} of ${copies.length} copies break the rule`).toEqual([]);
}
