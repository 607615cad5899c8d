// gitlab-ci-local run for real with its shell executor, as the GitLab front-door tests run it.
// gitlab-ci-local writes each File-type variable (an SSH key, a token) to
// /tmp/gitlab-ci-local-file-variables-<slug>-<job> and never removes it; a GitLab runner removes
// them when the job ends. The run here does the same for the directories it created, so no test
// secret outlives the test.
import { execFile } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const FILE_VARIABLES = /^gitlab-ci-local-file-variables-/;

async function fileVariableDirs(): Promise<Set<string>> {
  return new Set((await readdir('/tmp')).filter((n) => FILE_VARIABLES.test(n)));
}

export interface PipelineRun {
  code: number;
  out: string;
}

/** Runs the pipeline committed in `dir`; its output (stdout then stderr) and exit code, never a throw. */
export async function runShellPipeline(dir: string, env: NodeJS.ProcessEnv, timeout: number): Promise<PipelineRun> {
  const before = await fileVariableDirs();
  try {
    const r = await execFileAsync(
      process.execPath,
      [join(ROOT, 'node_modules/gitlab-ci-local/dist/index.js'), '--force-shell-executor', '--ignore-schema-paths', '#/definitions/tags/minItems'],
      { cwd: dir, env, maxBuffer: 64 << 20, timeout },
    );
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, out: (err.stdout ?? '') + (err.stderr ?? '') };
  } finally {
    for (const name of await fileVariableDirs()) {
      if (!before.has(name)) await rm(join('/tmp', name), { recursive: true, force: true });
    }
  }
}
