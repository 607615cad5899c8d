import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compileCacheDir, ownDirectory } from './compile-cache.js';

const dirs: string[] = [];
const scratch = () => {
  const d = mkdtempSync(join(tmpdir(), 'hoist-compile-cache-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Runs a module that turns the cache on as the entries do, then imports `chunk`; prints the directory used. */
function runEntry(env: NodeJS.ProcessEnv, chunk: string): string {
  const src = join(import.meta.dirname, 'compile-cache.ts');
  const code = `const { cacheCompiledCode } = await import(${JSON.stringify(src)}); const d = cacheCompiledCode(); await import(${JSON.stringify(chunk)}); process.stdout.write(String(d));`;
  const r = spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', code], {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  return r.stdout;
}

describe('compile cache (Node compiles a chunk once, then reads it from the user’s own cache)', () => {
  // Property: the cache lives in the user's cache home (XDG first), never in a shared directory; no home, no cache.
  // Nearest real case: a GitHub runner (HOME=/home/runner, no XDG_CACHE_HOME) and a desktop with XDG_CACHE_HOME set.
  it('is placed under XDG_CACHE_HOME, else ~/.cache, and only at absolute paths', () => {
    expect(compileCacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' })).toBe('/x/cache/hoist/compile-cache');
    expect(compileCacheDir({ HOME: '/home/runner' })).toBe('/home/runner/.cache/hoist/compile-cache');
    expect(compileCacheDir({ XDG_CACHE_HOME: 'rel', HOME: '/home/u' })).toBe('/home/u/.cache/hoist/compile-cache');
    expect(compileCacheDir({ HOME: 'rel' })).toBeUndefined();
    expect(compileCacheDir({})).toBeUndefined();
  });

  // Property: V8 trusts a code cache, so a directory another user could write into (or a link to one) is never used.
  // Nearest real case: a shared self-hosted runner whose cache home was left group-writable.
  it('is used only in a directory of this user that no one else can write, never through a link', () => {
    const d = scratch();
    const own = join(d, 'own');
    mkdirSync(own, { mode: 0o700 });
    expect(ownDirectory(own)).toBe(true);
    const open = join(d, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    expect(ownDirectory(open)).toBe(false);
    const group = join(d, 'group');
    mkdirSync(group);
    chmodSync(group, 0o770);
    expect(ownDirectory(group)).toBe(false);
    const link = join(d, 'link');
    symlinkSync(own, link);
    expect(ownDirectory(link)).toBe(false);
    expect(ownDirectory(join(d, 'missing'))).toBe(false);
  });

  // Property: an entry turns it on in its user's cache (made 0700), and a chunk it loads is written there; an opt-out,
  // a group-writable cache home or a directory named by NODE_COMPILE_CACHE leaves Hoist's own off.
  // Nearest real case: the post step of an Action, which starts where the main step left the cache.
  it('writes the chunks a run loads into the 0700 directory, and stays off when told or when the place is not safe', () => {
    const home = scratch();
    const chunk = join(home, 'chunk.mjs');
    writeFileSync(chunk, `export const x = ${JSON.stringify('x'.repeat(4096))}.length;\n`);
    const dir = join(home, '.cache', 'hoist', 'compile-cache');
    expect(runEntry({ HOME: home }, chunk)).toBe(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir, { recursive: true }).length).toBeGreaterThan(1);
    expect(runEntry({ HOME: home, NODE_DISABLE_COMPILE_CACHE: '1' }, chunk)).toBe('undefined');
    const other = scratch();
    expect(runEntry({ HOME: other, NODE_COMPILE_CACHE: join(other, 'theirs') }, chunk)).toBe('undefined');
    const shared = scratch();
    mkdirSync(join(shared, 'hoist', 'compile-cache'), { recursive: true });
    chmodSync(join(shared, 'hoist', 'compile-cache'), 0o777);
    expect(runEntry({ XDG_CACHE_HOME: shared }, chunk)).toBe('undefined');
  });
});
