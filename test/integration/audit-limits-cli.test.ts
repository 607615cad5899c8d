// Property: every flag that `hoist audit`'s own output tells a user to set is a flag `hoist audit`
// takes, and it does what the output says. A part not fully audited is a warning that names its
// fix (`--audit-limits strict`); given, that flag fails the audit (exit 1) on the same layout, and a
// wrong value of it is a usage error (exit 2) naming the flag and its choices. Nearest real-world
// variant: a `.tar.gz` backup cut short by a full disk in an image's layer, audited with the shipped
// dist/cli.js as a CI job runs it (the warning used to say "set --audit-limits strict", which
// `hoist audit` refused as an unknown flag). Needs no docker.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tarOf } from '../support/tar.js';
import { layoutOf } from '../../src/audit/decoders/testing.js';

const work = mkdtempSync(join(tmpdir(), 'hoist-audit-limits-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const layout = join(work, 'layout');
const valuesFile = join(work, 'values.txt');

beforeAll(async () => {
  // A whole backup's gzip, cut in the middle of its deflate stream: what was written is read, the rest is named.
  const lines = Array.from({ length: 4000 }, (_, i) => `row ${i} ${((i * 2654435761) >>> 0).toString(36)}`).join('\n');
  const whole = gzipSync(await tarOf({ 'db/dump.sql': lines }));
  await layoutOf(layout, { 'srv/backup.tar.gz': whole.subarray(0, whole.length >> 1), 'srv/readme.txt': 'nothing here\n' });
  writeFileSync(valuesFile, 'limits-cli-4f2a9c71e0b8\n', { mode: 0o600 });
});

const audit = (...flags: string[]) =>
  spawnSync(process.execPath, ['dist/cli.js', 'audit', layout, '--audit-values-file', valuesFile, ...flags], { encoding: 'utf8', timeout: 120_000 });

/** The flags `hoist audit --help` lists in its usage line. */
const auditFlags = () => {
  const help = spawnSync(process.execPath, ['dist/cli.js', 'audit', '--help'], { encoding: 'utf8' }).stdout;
  const usage = help.split('\n').find((l) => l.includes('hoist audit REF')) ?? '';
  return new Set(usage.match(/--[a-z][a-z-]*/g) ?? []);
};

it('a limit warns by default and names a flag hoist audit takes; that flag fails the audit on the same layout', () => {
  const report = audit();
  expect(report.status).toBe(0);
  expect(report.stderr).toMatch(/not fully audited[^\n]*srv\/backup\.tar\.gz/);
  const named = [...(report.stdout + report.stderr).matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]);
  expect(named).toContain('--audit-limits');
  const known = auditFlags();
  expect(named.filter((f) => !known.has(f))).toEqual([]);

  const strict = audit('--audit-limits', 'strict');
  expect({ status: strict.status, out: strict.stdout }).toEqual({ status: 1, out: expect.stringMatching(/not fully audited[^\n]*srv\/backup\.tar\.gz/) });
  expect(audit('--audit-limits', 'report').status).toBe(0);
}, 180_000);

it('a wrong --audit-limits is a usage error naming the flag and its choices, before anything is read', () => {
  const wrong = audit('--audit-limits', 'strictly');
  expect(wrong.status).toBe(2);
  expect(wrong.stderr).toContain("--audit-limits: 'strictly' is not one of report, strict");
  expect(wrong.stderr).not.toMatch(/\n\s+at /); // no stack trace
}, 60_000);
