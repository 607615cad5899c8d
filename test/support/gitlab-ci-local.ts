// gitlab-ci-local run for real with its shell executor, as the GitLab front-door tests run it.
// gitlab-ci-local writes each File-type variable (an SSH key, a token) to
// /tmp/gitlab-ci-local-file-variables-<slug>-<job> and never removes it; a GitLab runner removes
// them when the job ends. The run here does the same for the directories it created, so no test
// secret outlives the test.
import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';

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

/** A project as a GitLab pipeline sees it: the component's templates, files, the pipeline, its variables. */
export interface ComponentProject {
  /** Templates of gitlab/templates/ copied into templates/ (as a project's own copy of the component). */
  templates: string[];
  /** Files by path in the project (directories made as needed). */
  files: Record<string, string>;
  /** The .gitlab-ci.yml, as an object. */
  ci: Record<string, unknown>;
  /** .gitlab-ci-local-variables.yml (written 0600 and git-ignored: it holds the test's secrets). */
  variables?: Record<string, unknown>;
  /** Git tags on the commit. */
  tags?: string[];
}

/** Writes the project into `dir` and commits it (gitlab-ci-local reads the committed tree). */
export async function commitComponentProject(dir: string, project: ComponentProject): Promise<void> {
  await mkdir(join(dir, 'templates'), { recursive: true });
  for (const t of project.templates) await cp(join(ROOT, `gitlab/templates/${t}.yml`), join(dir, `templates/${t}.yml`));
  for (const [path, text] of Object.entries(project.files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  await writeFile(join(dir, '.gitlab-ci.yml'), stringify(project.ci));
  if (project.variables) await writeFile(join(dir, '.gitlab-ci-local-variables.yml'), stringify(project.variables), { mode: 0o600 });
  await writeFile(join(dir, '.gitignore'), '.gitlab-ci-local-variables.yml\n.gitlab-ci-local/\n');
  const git = (...args: string[]) => execFileAsync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { cwd: dir });
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('commit', '-qm', 'pipeline');
  for (const tag of project.tags ?? []) await git('tag', tag);
}
