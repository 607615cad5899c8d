// What every Action step pays before it does anything (bench/bundle.ts measures it): the shipped
// dist/index.js, run with no inputs, reads its inputs and stops there — it must not start a process
// (the checkout's commit time is asked of git only once the inputs hold) nor load execa's chunk,
// the largest a run that stops at its inputs would otherwise load. Its twin, with inputs that hold,
// asks git and loads execa: the recorder (scripts/import-recorder.mjs) sees both when they happen.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './lab.js';

/** dist/index.js as a GitHub step in a git checkout, with the files it loaded and the processes it started. */
async function action(inputs: Record<string, string>) {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-start-'));
  const workspace = join(dir, 'workspace');
  await mkdir(workspace);
  await new Promise((done, fail) => execFile('git', ['init', '-q', workspace], (e) => (e ? fail(e) : done(undefined))));
  const [imports, processes] = [join(dir, 'imports.log'), join(dir, 'processes.log')];
  await Promise.all([writeFile(imports, ''), writeFile(processes, '')]);
  const env: Record<string, string> = {
    PATH: process.env.PATH!,
    HOME: dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: dir,
    NODE_OPTIONS: `--import=${join(ROOT, 'scripts/import-recorder.mjs')}`,
    HOIST_IMPORT_LOG: imports,
    HOIST_PROCESS_LOG: processes,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  };
  const out = await new Promise<{ code: number; stdout: string }>((done) =>
    execFile(process.execPath, [join(ROOT, 'dist/index.js')], { cwd: workspace, env }, (e, stdout) =>
      done({ code: e ? Number(e.code ?? 1) : 0, stdout: String(stdout) }),
    ),
  );
  const lines = async (f: string) => (await readFile(f, 'utf8')).split('\n').filter(Boolean);
  return { ...out, loaded: await lines(imports), started: await lines(processes), outside: dir };
}

const execa = (files: string[]) => files.filter((f) => /^chunks\/execa-\w+\.js$/.test(f));

describe('dist/index.js stopping at its inputs', () => {
  it('no inputs: the missing input reported, no process started, execa not loaded', async () => {
    const r = await action({});
    expect(r.stdout).toContain("::error::Input 'images': no image given");
    expect(r.code).toBe(1);
    expect(r.loaded).toContain('chunks/index.js'); // the recorder ran
    expect(r.started).toEqual([]);
    expect(execa(r.loaded)).toEqual([]);
  });

  it('inputs that hold (a context refused later, outside the workspace): git asked, execa loaded', async () => {
    const r = await action({ images: 'r.example/acme/app', version: '1.0.0', push: 'false', context: '..' });
    expect(r.stdout).toContain('outside the workspace');
    expect(r.code).toBe(1);
    expect(r.started).toEqual(['git']);
    expect(execa(r.loaded)).toHaveLength(1);
  });
});
