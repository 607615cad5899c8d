// The Node version guard in front of the shipped bundle (dist/cli.js, dist/index.js; written by
// scripts/guard.mjs): on a Node outside package.json's engines — the machine's own Node 20 here,
// the nearest real-world case being a CI image or a laptop that never upgraded — each prints one
// line naming the Node it needs and the one it found, exits 2, and loads nothing else; on the
// oldest Node engines allows (node@22.15.0, installed by scripts/setup.sh) the CLI runs. The
// CLI's own tests run on that Node as well: npm run test:oldest-node.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { machineNode } from '../support/machine-node.js';
import { ROOT } from './lab.js';

const engines = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
const OLDEST = join(ROOT, 'node_modules/.node-oldest/node_modules/.bin/node');
const versionOf = (node: string) => execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();

const run = (node: string, file: string, args: string[] = []) => {
  // No inputs, no GitHub runner: the Action would fail on its missing input, the guard must not get that far.
  const r = spawnSync(node, [file, ...args], {
    cwd: tmpdir(),
    env: { PATH: '/usr/bin:/bin', HOME: tmpdir() },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('dist/ on a Node outside engines', () => {
  const old = machineNode();
  const found = versionOf(old);

  it('the machine’s Node is one engines refuses (else this test proves nothing)', () => {
    expect(found).toMatch(/^v(1\d|2[01])\.|^v22\.(\d|1[0-4])\.|^v23\.[0-7]\./);
  });

  it.each([
    ['dist/cli.js', ['--help'], 'hoist', 'npx -p node@24 -p hoist-cli hoist'],
    ['dist/index.js', [], 'Hoist', 'runs.using: node24'],
  ])('%s prints one line naming the Node it needs and the one found, and exits 2', (file, args, name, fix) => {
    const r = run(old, join(ROOT, file), args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${name}: needs Node.js 22.15.0 or later on 22.x, 23.8.0 or later; found ${found} (`);
    expect(lines[0]).toContain(fix);
    expect(r.stderr).not.toMatch(/SyntaxError|at .*:\d+:\d+/); // no stack, no minified code
  });

  it('on a GitHub runner the line is an error annotation', () => {
    const r = spawnSync(old, [join(ROOT, 'dist/index.js')], { env: { PATH: '/usr/bin:/bin', GITHUB_ACTIONS: 'true' }, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/^::error::Hoist: needs Node\.js .*; found v\d+[^\n]*\n$/);
  });

  it('loads nothing else: the guard alone, without the chunks beside it, still answers (and cannot run on a good Node)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoist-guard-'));
    copyFileSync(join(ROOT, 'dist/cli.js'), join(dir, 'cli.js'));
    copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json')); // "type": "module", as in the package
    const alone = run(old, join(dir, 'cli.js'), ['--help']);
    expect(alone.code).toBe(2);
    expect(alone.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    const good = run(process.execPath, join(dir, 'cli.js'), ['--help']);
    expect(good.code).not.toBe(0);
    expect(good.stderr).toContain('ERR_MODULE_NOT_FOUND');
  });
});

describe('dist/ on the oldest Node engines allows', () => {
  it(`node@22.15.0 (${engines}) runs dist/cli.js`, () => {
    expect(versionOf(OLDEST)).toBe('v22.15.0');
    const r = run(OLDEST, join(ROOT, 'dist/cli.js'), ['--help']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: hoist <command>/m);
  });

  it('dist/index.js runs on it as far as the Action’s own input check', () => {
    const r = run(OLDEST, join(ROOT, 'dist/index.js'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("::error::Input 'images'");
  });

  it('this test process runs on a Node engines allows (24 in npm test, 22.15.0 in test:oldest-node)', () => {
    const r = run(process.execPath, join(ROOT, 'dist/cli.js'), ['--help']);
    expect(r.code).toBe(0);
  });
});
