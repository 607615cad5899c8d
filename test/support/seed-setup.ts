/**
 * Every test file starts here (vitest setupFiles).
 *
 * fast-check's properties run from one fixed seed (HOIST_TEST_SEED replaces it), as the suite's
 * other generated cases do (random.ts) — left to itself fast-check draws a new seed each run, and a
 * case that fails once in CI may not come back. A failing property prints its seed and path; a test
 * that passes a seed of its own keeps it.
 *
 * Each file's temporary files live under a directory of its own (TMPDIR, which os.tmpdir() and the
 * tools the tests start read), removed when the file ends: the workspaces, runner directories and
 * artifacts the tests make hold test secrets, and no file of them outlives its test file.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll } from 'vitest';
import { testSeed } from './random.js';

fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: testSeed(1) });

const outer = process.env.TMPDIR;
const own = mkdtempSync(join(tmpdir(), 'hoist-test-'));
// Open as /tmp is (sticky, anyone may write): tools a test starts as another user — nginx's workers run as nobody —
// write under it as they did under /tmp.
chmodSync(own, 0o1777);
process.env.TMPDIR = own;
afterAll(() => {
  if (outer === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = outer;
  rmSync(own, { recursive: true, force: true, maxRetries: 3 });
});
