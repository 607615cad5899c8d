// The Node version guard's decision, on generated versions: it lets a Node through exactly when
// semver says the version satisfies package.json's engines (the oracle), and otherwise prints one
// line and exits 2. The nearest real-world cases are pinned beside the generated ones: 22.14.0
// (no zlib zstd), 23.7.0 (the same), 22.15.0 and 23.8.0 (the first with it), 20.x, 25.x. Each case
// runs the real guard text in a real Node whose reported version is set by an --import preload.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script, no types
import { describeEngines, guard, parseEngines } from './guard.mjs';

const engines = (JSON.parse(readFileSync(join(import.meta.dirname, '../package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
const dir = mkdtempSync(join(tmpdir(), 'hoist-guard-unit-'));
writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
writeFileSync(join(dir, 'bundle.js'), "process.stdout.write('bundle loaded\\n');\n");
writeFileSync(join(dir, 'guard.js'), guard(engines, './bundle.js', 'hoist', 'upgrade Node.js'));

/** Runs the guard in a Node that reports `version`. */
function runAs(version: string): { code: number; stdout: string; stderr: string } {
  const spoof = `data:text/javascript,Object.defineProperty(process,'versions',{value:{...process.versions,node:'${version}'}});Object.defineProperty(process,'version',{value:'v${version}'});`;
  try {
    const stdout = execFileSync(process.execPath, ['--import', spoof, join(dir, 'guard.js')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: {} });
    return { code: 0, stdout, stderr: '' };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { code: err.status, stdout: err.stdout, stderr: err.stderr };
  }
}

/** What the guard must do on `version`: let it through exactly where semver says engines allows it. */
function expected(version: string) {
  return semver.satisfies(version, engines)
    ? { code: 0, stdout: 'bundle loaded\n', stderr: '' }
    : { code: 2, stdout: '', stderr: `hoist: needs Node.js ${describeEngines(engines)}; found v${version} (${process.execPath}): upgrade Node.js\n` };
}

describe('the Node version guard', () => {
  it.each(['22.14.0', '22.14.99', '23.7.0', '20.20.2', '18.0.0', '22.15.0', '22.23.3', '23.8.0', '24.21.0', '25.0.0', '30.1.2'])(
    'decides %s as semver does',
    (version) => expect(runAs(version)).toEqual(expected(version)),
  );

  it('decides generated versions as semver does', () => {
    const part = fc.integer({ min: 0, max: 40 });
    fc.assert(
      fc.property(fc.integer({ min: 14, max: 30 }), part, part, (major, minor, patch) => {
        const version = `${major}.${minor}.${patch}`;
        expect(runAs(version), version).toEqual(expected(version));
      }),
      { numRuns: 40 },
    );
  }, 60_000);

  it('refuses engines it cannot enforce', () => {
    expect(() => parseEngines('>=22')).toThrow(/'>=22' is not \^A\.B\.C or >=A\.B\.C/);
    expect(() => parseEngines('~22.15.0')).toThrow(/not \^A\.B\.C/);
    expect(parseEngines('^22.15.0 || >=23.8.0')).toEqual([
      { min: [22, 15, 0], sameMajor: true },
      { min: [23, 8, 0], sameMajor: false },
    ]);
  });

  it('parses on an ES5 parser: nothing but var, function-free statements and one import() call', () => {
    const text = guard(engines, './bundle.js', 'hoist', 'x').replace(/^#!.*\n/, '');
    expect(text).not.toMatch(/\b(let|const|class)\b|=>|`|\.\.\.|^\s*(import|export)\s/m);
    expect(text.match(/import\(/g)).toHaveLength(1);
  });
});
