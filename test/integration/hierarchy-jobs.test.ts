// A family built as CI jobs, each job a separate process of dist/index.js under the Action's
// runner protocol (INPUT_*, GITHUB_OUTPUT): the plan lists os → runtime → app1, app2 by level;
// each level's jobs run concurrently; every child is pinned to the digest its parent's job pushed
// (checked with skopeo: base.digest); a second plan has nothing to build; a change in runtime plans
// runtime and both apps; an app's job started before runtime's refuses naming runtime and what it
// looked for (the CLI: exit 2), pushing nothing; a re-run of a finished job moves no tag.
// Nearest real-world variant: a GitHub workflow with a plan job and one matrix job per level
// (fromJSON(needs.plan.outputs.levels)[i]), each on its own runner; or GitLab's child pipeline.
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hoist, lab, run, runAction, skopeoDigest, uniqueRepo } from './lab.js';

const labels = async (reference: string) =>
  ((JSON.parse(await run('skopeo', ['inspect', '--tls-verify=false', `docker://${reference}`])) as { Labels?: Record<string, string> }).Labels ?? {}) as Record<
    string,
    string
  >;

describe('a hierarchy built as CI jobs, a level at a time', () => {
  const { plain } = lab().registries;
  const group = `${plain.host}/${uniqueRepo('jobs')}`;
  let ws = '';
  const write = (path: string, text: string) => writeFile(join(ws, path), text);
  const common = { hierarchy: 'family.yml', 'insecure-registries': plain.host };
  const plan = async () => {
    const r = await runAction({ workspace: ws, inputs: { ...common, 'hierarchy-plan': 'true' } });
    expect(r.errors).toEqual([]);
    return JSON.parse(r.outputs.levels!) as string[][];
  };
  const job = (entry: string) => runAction({ workspace: ws, inputs: { ...common, 'hierarchy-entry': entry } });
  /** Each level's jobs at once, as a matrix runs them; the next level once all are done. */
  const runLevels = async (levels: string[][]) => {
    const digests: Record<string, string> = {};
    for (const level of levels) {
      const runs = await Promise.all(level.map(job));
      for (const [i, r] of runs.entries()) {
        expect(r.errors, level[i]).toEqual([]);
        expect(r.exitCode).toBe(0);
        const [result] = JSON.parse(r.outputs.hierarchy!) as Array<{ name: string; status: string; digest: string }>;
        expect(result!.name).toBe(level[i]);
        digests[result!.name] = result!.digest;
      }
    }
    return digests;
  };
  const baseDigest = async (image: string) => (await labels(image))['org.opencontainers.image.base.digest'];

  beforeAll(async () => {
    ws = await mkdtemp(join(tmpdir(), 'hoist-jobs-'));
    for (const d of ['os', 'runtime', 'app1', 'app2']) await mkdir(join(ws, d));
    const entry = (name: string, version: string, from?: string) =>
      `  - { name: ${name}, context: ${name}, version: ${version}, images: [${group}/${name}]${from ? `, from: ${from}` : ''} }\n`;
    await write(
      'family.yml',
      `images:\n${entry('app1', '3.0.0', 'runtime')}${entry('os', '1.0.0')}${entry('runtime', '2.0.0', 'os')}${entry('app2', '4.0.0', 'runtime')}`,
    );
    await write('os/Dockerfile', `FROM ${plain.host}/lab/busybox:1.36\nCOPY os.txt /etc/os.txt\n`);
    await write('os/os.txt', 'os 1\n');
    await write('runtime/Dockerfile', `FROM ${group}/os:1\nCOPY runtime.txt /opt/runtime.txt\n`);
    await write('runtime/runtime.txt', 'runtime 1\n');
    for (const app of ['app1', 'app2']) {
      await write(`${app}/Dockerfile`, `FROM ${group}/runtime:latest\nCOPY app.txt /${app}.txt\n`);
      await write(`${app}/app.txt`, `${app} 1\n`);
    }
  });

  it('plans by level, builds each level’s jobs concurrently, each child on its parent’s pushed digest; then nothing to plan', async () => {
    const levels = await plan();
    expect(levels).toEqual([['os'], ['runtime'], ['app1', 'app2']]);
    const d = await runLevels(levels);
    expect(await skopeoDigest(`${group}/os:1.0.0`)).toBe(d.os);
    expect(await baseDigest(`${group}/runtime:2.0.0`)).toBe(d.os);
    expect(await baseDigest(`${group}/app1:3.0.0`)).toBe(d.runtime);
    expect(await baseDigest(`${group}/app2:4.0.0`)).toBe(d.runtime);
    expect((await labels(`${group}/app2:4.0.0`))['dev.hoist.inputs.digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await plan()).toEqual([]);
  }, 600_000);

  it('a change in runtime plans runtime and the apps; an app’s job before runtime’s refuses, pushing nothing; a re-run moves nothing', async () => {
    const before = await skopeoDigest(`${group}/app1:3.0.0`);
    await write('runtime/runtime.txt', 'runtime 2 (a fix)\n');
    const levels = await plan();
    expect(levels).toEqual([['runtime'], ['app1', 'app2']]);

    const early = await job('app1');
    expect(early.exitCode).toBe(1);
    expect(early.errors.join('\n')).toMatch(
      /app1 is built on runtime, which has no image from its inputs in this run: looked for an image labelled dev\.hoist\.inputs\.digest=sha256:[0-9a-f]{64} under .*\/runtime:\{2\.0\.0,.*found none — runtime's job failed or has not run yet/,
    );
    const cli = await hoist(['build', '--hierarchy', 'family.yml', '--entry', 'app2', '--insecure-registries', plain.host], { cwd: ws });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('app2 is built on runtime, which has no image from its inputs in this run');
    expect(await skopeoDigest(`${group}/app1:3.0.0`)).toBe(before);

    const d = await runLevels(levels);
    expect(await baseDigest(`${group}/app1:3.0.0`)).toBe(d.runtime);
    expect(await baseDigest(`${group}/app2:4.0.0`)).toBe(d.runtime);
    expect(d.app1).not.toBe(before);

    const again = await job('app1');
    expect(again.errors).toEqual([]);
    expect((JSON.parse(again.outputs.hierarchy!) as Array<{ status: string; digest: string }>)[0]).toMatchObject({ status: 'unchanged', digest: d.app1 });
    expect(await skopeoDigest(`${group}/app1:latest`)).toBe(d.app1);
    const cliPlan = await hoist(['build', '--hierarchy', 'family.yml', '--plan', '--insecure-registries', plain.host, '--json'], { cwd: ws });
    expect(cliPlan.code).toBe(0);
    expect((JSON.parse(cliPlan.stdout) as { outputs: { levels: unknown } }).outputs.levels).toEqual([]); // --json: an array, not a string of JSON
  }, 600_000);
});
