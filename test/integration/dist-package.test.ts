// The `hoist` command as anyone installs it: the npm package hoist-cli, packed from this checkout
// (npm pack), installed globally from the tarball with an empty cache and --offline — so it can
// only succeed if the package needs nothing from the registry: no runtime dependencies, the bundle
// is all of it — then run from its bin. The nearest real-world variants: `npm i -g hoist-cli` and
// `npx hoist-cli build …` on a CI agent, and the same on an agent whose Node is too old (the
// guard's one line, exit 2).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { machineNode } from '../support/machine-node.js';
import { ROOT } from './lab.js';

const execFileAsync = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  bin: Record<string, string>;
};
/** npm on this test's Node (24, or 22.15 in test:oldest-node), as a user's PATH would find it. */
const env = { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, HOME: tmpdir(), npm_config_update_notifier: 'false', npm_config_fund: 'false' };

describe('the hoist-cli npm package', () => {
  let dir = '';
  let tarball = '';
  let packed: Array<{ path: string }> = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hoist-pkg-'));
    const r = await execFileAsync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, env, maxBuffer: 16 << 20 });
    const [info] = JSON.parse(r.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = join(dir, info!.filename);
    packed = info!.files;
  }, 120_000);

  it('is publishable: not private, a bin named hoist, no runtime dependencies', () => {
    expect(pkg.private).toBeUndefined();
    expect(pkg.name).toBe('hoist-cli');
    expect(pkg.bin).toEqual({ hoist: 'dist/cli.js' });
    expect(pkg.dependencies ?? {}).toEqual({});
  });

  it('packs only the bundle, its licenses, the README and the LICENSE', () => {
    const paths = packed.map((f) => f.path).sort();
    expect(paths.filter((p) => !p.startsWith('dist/'))).toEqual(['LICENSE', 'README.md', 'package.json']);
    expect(paths).toContain('dist/cli.js');
    expect(paths).toContain('dist/licenses.txt');
    const dist = readdirSync(join(ROOT, 'dist'), { recursive: true })
      .map((f) => `dist/${String(f)}`)
      .filter((f) => statSync(join(ROOT, f)).isFile());
    expect(paths.filter((p) => p.startsWith('dist/')).sort()).toEqual(dist.sort()); // every file of dist/, nothing else
  });

  it('installs globally from the tarball with an empty cache, offline, and `hoist --help` runs', async () => {
    const prefix = join(dir, 'prefix');
    const cache = join(dir, 'empty-cache');
    const r = await execFileAsync('npm', ['install', '-g', '--prefix', prefix, '--offline', '--cache', cache, '--no-audit', tarball], {
      cwd: dir,
      env,
      maxBuffer: 16 << 20,
    });
    expect(r.stdout).toMatch(/added 1 package/);
    const installed = join(prefix, 'lib/node_modules/hoist-cli');
    expect(existsSync(join(installed, 'node_modules'))).toBe(false); // nothing else came with it
    const help = await execFileAsync(join(prefix, 'bin/hoist'), ['--help'], { cwd: dir, env });
    expect(help.stdout).toMatch(/^Usage: hoist <command>/m);
    const build = await execFileAsync(join(prefix, 'bin/hoist'), ['build', '--help'], { cwd: dir, env });
    expect(build.stdout).toContain('--images VALUE');

    // An agent whose Node is older than engines: the guard's one line, exit 2.
    const old = machineNode();
    const oldVersion = (await execFileAsync(old, ['--version'])).stdout.trim();
    const refused = await execFileAsync(join(prefix, 'bin/hoist'), ['--help'], { cwd: dir, env: { ...env, PATH: `${dirname(old)}:/usr/bin:/bin` } }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `hoist: needs Node.js 22.15.0 or later on 22.x, 23.8.0 or later; found ${oldVersion} (${old}): install Node.js 24 (https://nodejs.org/), or run npx -p node@24 -p hoist-cli hoist\n`,
    );
  }, 120_000);
});
