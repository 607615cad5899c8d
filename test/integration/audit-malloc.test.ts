/**
 * The audit runs with glibc's malloc set to give back what it frees (src/core/malloc.ts): `hoist audit` starts Node
 * again in place (same pid) with GLIBC_TUNABLES holding arena_max=1 and a fixed mmap_threshold — on the large members'
 * row of bench/audit.ts, peak RSS 123–128 MiB with glibc's defaults, 114–122 with these (core/malloc.ts) — and gives the tools it runs the
 * user's own GLIBC_TUNABLES back (nearest real-world variant: a user's shell that sets one of its own,
 * glibc.malloc.tcache_count, as some container images do). `HOIST_MALLOC=default` keeps glibc's defaults; a verb that does
 * not audit (`--help`) does not start again. Seen from inside the audited process by a hook loaded with `--import`,
 * which records at exit the environment the process was started with (/proc/self/environ) and the one it ended with.
 * The bundle run is HOIST_TEST_CLI's when set (test/support/corpus/layout.ts), else dist/cli.js.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, writeLayout } from '../support/corpus/layout.js';

const NODE = join(ROOT, 'node_modules/.bin/node');
const CLI = process.env.HOIST_TEST_CLI ? resolve(process.env.HOIST_TEST_CLI) : join(ROOT, 'dist/cli.js');

/** At exit: the pid, GLIBC_TUNABLES and the re-exec's marker as the process was started with them, and GLIBC_TUNABLES at the end. */
const HOOK = `import { appendFileSync, readFileSync } from 'node:fs';
process.on('exit', () => {
  const started = Object.fromEntries(readFileSync('/proc/self/environ', 'latin1').split('\\0').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  appendFileSync(process.env.RECORD, JSON.stringify({ pid: process.pid, started: { tunables: started.GLIBC_TUNABLES, was: started.HOIST_GLIBC_TUNABLES_WAS }, ended: process.env.GLIBC_TUNABLES ?? null, marker: process.env.HOIST_GLIBC_TUNABLES_WAS ?? null }) + '\\n');
});
`;

interface Record {
  pid: number;
  started: { tunables?: string; was?: string };
  ended: string | null;
  marker: string | null;
}

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hoist-malloc-'));
  await writeFile(join(dir, 'hook.mjs'), HOOK);
  await mkdir(join(dir, 'files/etc'), { recursive: true });
  await writeFile(join(dir, 'files/etc/hostname'), 'bench\n');
  await writeLayout(join(dir, 'layout'), [{ dir: join(dir, 'files'), gzip: true }]);
  await writeFile(join(dir, 'values.txt'), 'ghp_NotInTheImage0123456789abcdefghijkl\n', { mode: 0o600 });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** `hoist ARGS` through the bundle with the hook loaded: its exit code and what the hook recorded. */
async function run(args: string[], env: { [k: string]: string }, node: string[] = []): Promise<{ code: number; pid: number; records: Record[] }> {
  const record = join(dir, `record-${Date.now()}-${Math.random()}.jsonl`);
  await writeFile(record, '');
  const child = spawn(NODE, [...node, '--import', join(dir, 'hook.mjs'), CLI, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, TMPDIR: dir, RECORD: record, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number>((done) => child.on('close', (c) => done(c ?? 1)));
  const records = (await readFile(record, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record);
  expect(records, stderr).not.toHaveLength(0);
  return { code, pid: child.pid!, records };
}

const audit = ['audit', './layout', '--audit-values-file', 'values.txt', '--json'];

describe.skipIf(process.platform !== 'linux')('the audit under glibc malloc tunables (core/malloc.ts)', () => {
  it('hoist audit: started again in place with arena_max=1 first in GLIBC_TUNABLES; the environment it ends with has none', async () => {
    const r = await run(audit, {});
    expect(r.code).toBe(0);
    // One process, the one spawned (execve keeps the pid); its exit handler ran once: the first image of it never exited.
    expect(r.records.map((x) => x.pid)).toEqual([r.pid]);
    // glibc 2.36 rewrites GLIBC_TUNABLES in place as it parses it, so /proc/self/environ may show the first tunable only.
    expect(r.records[0]!.started.tunables).toMatch(/^glibc\.malloc\.arena_max=1(:|$)/);
    expect(r.records[0]!.started.was).toBe('');
    expect(r.records[0]).toMatchObject({ ended: null, marker: null });
  });

  it("a user's own GLIBC_TUNABLES: given back to the process's environment (what docker, git would start with)", async () => {
    const r = await run(audit, { GLIBC_TUNABLES: 'glibc.malloc.tcache_count=7' });
    expect(r.code).toBe(0);
    expect(r.records.map((x) => x.pid)).toEqual([r.pid]);
    expect(r.records[0]!.started.tunables).toMatch(/^glibc\.malloc\.arena_max=1(:|$)/);
    expect(r.records[0]!.started.was).toBe('glibc.malloc.tcache_count=7');
    expect(r.records[0]).toMatchObject({ ended: 'glibc.malloc.tcache_count=7', marker: null });
  });

  it('HOIST_MALLOC=default, and a verb that does not audit: not started again, the environment untouched', async () => {
    for (const [args, env] of [
      [audit, { HOIST_MALLOC: 'default' }],
      [['--help'], {}],
    ] as const) {
      const r = await run([...args], env);
      expect(r.code).toBe(0);
      expect(r.records).toEqual([{ pid: r.pid, started: {}, ended: null, marker: null }]);
    }
  });

  it("under Node's permission model, which refuses process.execve: the audit runs on with glibc's defaults", async () => {
    const r = await run(audit, {}, ['--permission', '--allow-fs-read=*', '--allow-fs-write=*']);
    expect(r.code).toBe(0);
    expect(r.records).toEqual([{ pid: r.pid, started: {}, ended: null, marker: null }]);
  });
});
