// The GitLab side of a family built as jobs, run by gitlab-ci-local (shell executor on the lab):
// the plan job (the build component with hierarchy_plan) writes hoist-hierarchy-pipeline.yml — the
// build component of the version HOIST_COMPONENT names, once per entry to build, needs: on the
// parent's job, the plan job's inputs but no secret —, and that child pipeline, its component
// include pointed at the same template file, runs: os, then app1 and app2, each on os's digest.
// Nearest real-world variant: `trigger: include: - artifact: hoist-hierarchy-pipeline.yml` in a
// GitLab pipeline whose child jobs run on separate runners.
import { execFile, spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { lab, ROOT, run, skopeoDigest, uniqueRepo } from './lab.js';
import { runShellPipeline } from '../support/gitlab-ci-local.js';

const execFileAsync = promisify(execFile);
const COMPONENT = 'gitlab.example.com/platform/hoist/build@1.2.3';

async function gitlabCiLocal(dir: string, pipeline: unknown): Promise<{ code: number; out: string }> {
  await writeFile(join(dir, '.gitlab-ci.yml'), stringify(pipeline));
  const git = (...args: string[]) => execFileAsync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { cwd: dir });
  await git('add', '-A');
  await git('commit', '-qm', 'pipeline', '--allow-empty');
  return await runShellPipeline(dir, { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', HOME: process.env.HOME ?? '/root', DOCKER_HOST: lab().docker.host }, 300_000);
}

describe('a hierarchy as a GitLab child pipeline', () => {
  it('the plan job writes the child pipeline; the child pipeline builds os, then both apps on its digest', async () => {
    const { plain } = lab().registries;
    const group = `${plain.host}/${uniqueRepo('gl-family')}`;
    const dir = await mkdtemp(join(tmpdir(), 'hoist-gl-family-'));
    await mkdir(join(dir, 'templates'));
    await cp(join(ROOT, 'gitlab/templates/build.yml'), join(dir, 'templates/build.yml'));
    for (const d of ['os', 'app1', 'app2']) await mkdir(join(dir, d));
    await writeFile(join(dir, 'os/Dockerfile'), `FROM ${plain.host}/lab/busybox:1.36\nRUN echo os > /os\n`);
    for (const app of ['app1', 'app2']) await writeFile(join(dir, `${app}/Dockerfile`), `FROM ${group}/os:1\nRUN echo ${app} > /${app}\n`);
    const entry = (name: string, from?: string) =>
      `  - { name: ${name}, context: ${name}, version: 1.0.0, images: [${group}/${name}]${from ? `, from: ${from}` : ''} }\n`;
    await writeFile(join(dir, 'family.yml'), `images:\n${entry('os')}${entry('app1', 'os')}${entry('app2', 'os')}`);
    await writeFile(join(dir, '.gitignore'), '.gitlab-ci-local/\n');
    await execFileAsync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
    const hoistCommand = `${join(ROOT, 'node_modules/.bin/node')} ${join(ROOT, 'dist/index.js')}`;

    const planned = await gitlabCiLocal(dir, {
      include: [
        {
          local: 'templates/build.yml',
          inputs: {
            hoist_command: hoistCommand,
            job_name: 'hoist-plan',
            hierarchy: 'family.yml',
            hierarchy_plan: true,
            insecure_registries: plain.host,
            network: 'host',
          },
        },
      ],
      'hoist-plan': { variables: { HOIST_COMPONENT: COMPONENT } },
    });
    expect(planned.out).toContain('plan: 3 of 3 to build in 2 level(s)');
    expect(planned.code).toBe(0);
    const written = (await run('find', [dir, '-name', 'hoist-hierarchy-pipeline.yml'])).trim().split('\n')[0]!;
    const child = parse(await readFile(written, 'utf8')) as Record<string, unknown> & {
      include: Array<{ component: string; inputs: Record<string, unknown> }>;
    };
    expect(child.include.map((i) => [i.component, i.inputs.job_name, i.inputs.hierarchy_entry])).toEqual([
      [COMPONENT, 'hoist-os', 'os'],
      [COMPONENT, 'hoist-app1', 'app1'],
      [COMPONENT, 'hoist-app2', 'app2'],
    ]);
    expect(child.include[0]!.inputs).toMatchObject({ insecure_registries: plain.host, push: true, network: 'host', hierarchy: 'family.yml' });
    expect(child['hoist-app2']).toEqual({ needs: ['hoist-os'] });

    // The child pipeline as GitLab would run it, the component include pointed at the same template.
    const local = child.include.map((i) => ({ local: 'templates/build.yml', inputs: { ...i.inputs, hoist_command: hoistCommand } }));
    const built = await gitlabCiLocal(dir, { ...child, include: local });
    expect(built.code, built.out.slice(-3000)).toBe(0);
    const os = await skopeoDigest(`${group}/os:1.0.0`);
    for (const app of ['app1', 'app2']) {
      const labels = (
        JSON.parse(await run('skopeo', ['inspect', '--tls-verify=false', `docker://${group}/${app}:1.0.0`])) as { Labels: Record<string, string> }
      ).Labels;
      expect(labels['org.opencontainers.image.base.digest']).toBe(os);
    }
  }, 600_000);
  it('a secret never reaches the child pipeline: a secret input is left out (said), a secret value in another input refuses the plan', async () => {
    const { plain } = lab().registries;
    const dir = await mkdtemp(join(tmpdir(), 'hoist-gl-plan-secret-'));
    await mkdir(join(dir, 'os'));
    await writeFile(join(dir, 'os/Dockerfile'), `FROM ${plain.host}/lab/busybox:1.36\n`);
    await writeFile(join(dir, 'family.yml'), `images:\n  - { name: os, context: os, version: 1.0.0, images: [${plain.host}/${uniqueRepo('gl-secret')}/os] }\n`);
    const secret = `npm-${Math.random().toString(36).slice(2)}-token`;
    const plan = (inputs: Record<string, string>) =>
      spawnSync(join(ROOT, 'node_modules/.bin/node'), [join(ROOT, 'dist/index.js')], {
        cwd: dir,
        encoding: 'utf8',
        env: {
          PATH: '/usr/bin:/bin:/usr/sbin:/sbin',
          HOME: process.env.HOME ?? '/root',
          DOCKER_HOST: lab().docker.host,
          GITLAB_CI: 'true',
          CI_PROJECT_DIR: dir,
          CI_JOB_ID: '7',
          HOIST_COMPONENT: COMPONENT,
          INPUT_HIERARCHY: 'family.yml',
          INPUT_HIERARCHY_PLAN: 'true',
          INPUT_PUSH: 'true',
          INPUT_INSECURE_REGISTRIES: plain.host,
          INPUT_SECRETS: `npm_token=${secret}`,
          ...inputs,
        },
      });
    const withheld = plan({});
    expect(withheld.status, withheld.stdout + withheld.stderr).toBe(0);
    expect(withheld.stdout + withheld.stderr).toContain('secrets carries secrets: not written into hoist-hierarchy-pipeline.yml');
    const text = await readFile(join(dir, 'hoist-hierarchy-pipeline.yml'), 'utf8');
    expect(text).toContain('"hierarchy_entry": "os"');
    expect(text).not.toContain(secret);

    await writeFile(join(dir, 'hoist-hierarchy-pipeline.yml'), '');
    const refused = plan({ INPUT_CGROUP_PARENT: `/ci/${secret}` }); // (labels with it are refused earlier, by the catalog)
    expect(refused.status).toBe(1);
    expect(refused.stdout + refused.stderr).toContain("Input 'hierarchy-plan': an input of the plan job holds a secret value");
    expect(refused.stdout + refused.stderr).not.toContain(secret);
    expect(await readFile(join(dir, 'hoist-hierarchy-pipeline.yml'), 'utf8')).toBe('');
    expect(existsSync(join(dir, 'hoist-hierarchy-pipeline.yml'))).toBe(true);
  }, 120_000);
});
