// A family of images through the Effects seam: the whole-family build, the plan of a family built
// as CI jobs, and one entry's job — a fake builder writing real OCI layouts, an in-process registry
// reached by the real client, a recording platform. Each test asserts what the registry holds and
// what the builder was given (the pinned FROM), and pins the outputs and the summary.
// Nearest real-world variant: a platform team's golden images (os → runtime → app) rebuilt on a
// schedule, the runtime's Dockerfile naming `os:1` by tag, each child to be built on the os just pushed.
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { MemoryRegistry } from '../../test/support/memory-registry.js';
import { harness, type Harness } from '../../test/support/pipeline.js';
import type { Effects } from '../effects/effects.js';
import { CHILD_PIPELINE } from '../plan/hierarchy.js';
import { build, runBuild } from './build.js';

const registries: MemoryRegistry[] = [];
afterEach(async () => {
  await Promise.all(registries.splice(0).map((r) => r.close()));
});
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as Error,
  );

interface Entry {
  name: string;
  status: string;
  digest?: string;
  repositories: string[];
  references?: string[];
  error?: string;
}

/** os → runtime → app and os → tool in `h`'s workspace, images in `reg`'s g/; runtime names its parent by tag. */
async function family(h: Harness, reg: MemoryRegistry, o: { brokenTool?: boolean } = {}) {
  const g = `${reg.host}/g`;
  const files: Record<string, string> = {
    'family.yml': `images:
  - { name: app, context: app, from: runtime, version: 3.0.0, images: [${g}/app] }
  - { name: os, context: os, version: 1.0.0, images: [${g}/os] }
  - { name: runtime, context: runtime, from: os, version: 2.0.0, images: [${g}/runtime] }
  - { name: tool, context: tool, from: os, version: 1.0.0, images: [${g}/tool] }
`,
    'os/Dockerfile': 'FROM scratch\nCOPY . /os\n',
    'runtime/Dockerfile': `FROM ${g}/os:1\nCOPY . /runtime\n`,
    'app/Dockerfile': `ARG RUNTIME=${g}/runtime:latest\nFROM \${RUNTIME}\nCOPY . /app\n`,
    // A tool that names no image of its parent: the entry fails, its siblings are built.
    'tool/Dockerfile': o.brokenTool ? 'FROM scratch\nCOPY . /tool\n' : `FROM ${g}/os:1.0.0\nCOPY . /tool\n`,
  };
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(h.workspace, path, '..'), { recursive: true });
    await writeFile(join(h.workspace, path), text);
  }
  return g;
}

async function setUp(inputs: Record<string, string> = {}, o: { brokenTool?: boolean } = {}) {
  const reg = await MemoryRegistry.start();
  registries.push(reg);
  const fromLines: Array<[string, string]> = [];
  const h = await harness(
    { hierarchy: 'family.yml', 'insecure-registries': reg.host, retries: '0', ...inputs },
    {
      // What the builder was handed: the FROM line of each Dockerfile it built.
      during: async (plan) =>
        void fromLines.push([plan.context.split('/').pop()!, (await readFile(plan.file, 'utf8')).split('\n').find((l) => l.startsWith('FROM'))!]),
    },
  );
  const g = await family(h, reg, o);
  return { reg, h, g, fromLines };
}
const entries = (h: Harness) => JSON.parse(h.platform.outputs.get('hierarchy')!) as Entry[];
const tagOf = (reg: MemoryRegistry, repo: string, tag: string) => reg.repos.get(repo)?.tags.get(tag);

describe('hierarchy: the whole family from one step', () => {
  // Property: parents first, each child's FROM of its parent pinned to the digest just pushed; a
  // second run of the same inputs builds nothing and moves no tag; outputs and summary as pinned.
  it('builds parents first on the digests just pushed; a second run finds every entry unchanged', async () => {
    const { reg, h, g, fromLines } = await setUp();
    await build(h.fx);
    const os = tagOf(reg, 'g/os', '1.0.0')!;
    const runtime = tagOf(reg, 'g/runtime', '2.0.0')!;
    expect(fromLines).toEqual([
      ['os', 'FROM scratch'],
      ['runtime', `FROM ${g}/os:1@${os}`],
      ['tool', `FROM ${g}/os:1.0.0@${os}`],
      ['app', `FROM ${g}/runtime:latest@${runtime}`],
    ]);
    const first = entries(h);
    expect(first.map((e) => [e.name, e.status, e.digest])).toEqual([
      ['os', 'built', os],
      ['runtime', 'built', runtime],
      ['tool', 'built', tagOf(reg, 'g/tool', '1.0.0')],
      ['app', 'built', tagOf(reg, 'g/app', '3.0.0')],
    ]);
    expect(first[0]!.repositories).toEqual([`${g}/os`]);
    expect(Object.keys(first[0]!)).toEqual(['name', 'status', 'digest', 'references', 'repositories']);
    expect([...h.platform.outputs.keys()]).toEqual(['hierarchy']);
    const d = (name: string) => first.find((e) => e.name === name)!.digest;
    expect(h.platform.summaries).toEqual([
      [
        '### Hoist hierarchy: family.yml',
        '',
        `- **os** 🔨 built \`${d('os')}\``,
        `  - **runtime** 🔨 built \`${d('runtime')}\``,
        `  - **tool** 🔨 built \`${d('tool')}\``,
        `    - **app** 🔨 built \`${d('app')}\``,
        '',
      ].join('\n'),
    ]);

    const again = await harness({ hierarchy: 'family.yml', 'insecure-registries': reg.host, retries: '0' });
    await family(again, reg);
    const tags = new Map(reg.repos.get('g/os')!.tags);
    await build(again.fx);
    expect(again.builder.plans).toEqual([]);
    expect(entries(again).map((e) => [e.name, e.status, e.digest])).toEqual(first.map((e) => [e.name, 'unchanged', e.digest]));
    expect(reg.repos.get('g/os')!.tags).toEqual(tags);
    expect(again.platform.summaries[0]).toContain(`- **os** ✅ unchanged \`${d('os')}\``);
  }, 30_000);

  // Property: a failed entry skips its descendants, not its siblings; the run fails naming it.
  it('a failing entry: its siblings built, the run fails naming it; the summary says why', async () => {
    const { reg, h } = await setUp({}, { brokenTool: true });
    const e = await failure(build(h.fx));
    expect(e?.message).toBe('1 of 4 images of family.yml failed (tool); nothing depended on them');
    expect(entries(h).map((x) => [x.name, x.status])).toEqual([
      ['os', 'built'],
      ['runtime', 'built'],
      ['tool', 'failed'],
      ['app', 'built'],
    ]);
    expect(reg.repos.get('g/tool')?.tags.size ?? 0).toBe(0);
    expect(h.platform.summaries[0]!.split('\n')[4]).toBe(
      `  - **tool** ❌ failed — hierarchy: tool is from os, but no FROM of its Dockerfile names os's images (${reg.host}/g/os): build it FROM one of them`,
    );
  }, 30_000);
});

describe('hierarchy as CI jobs', () => {
  // Property: the plan builds nothing, lists what changed and everything under it by level; on
  // GitLab it writes the child pipeline without the secret inputs; outputs and summary as pinned.
  it('the plan: levels of what changed, nothing built; GitLab: the child pipeline written, secrets withheld', async () => {
    const { reg, h } = await setUp();
    await build(h.fx); // the family as it is
    await writeFile(join(h.workspace, 'runtime/Dockerfile'), `${await readFile(join(h.workspace, 'runtime/Dockerfile'), 'utf8')}ENV V=2\n`);
    const env = {
      HOIST_COMPONENT: 'gitlab.example/hoist/hoist/build@1.2.0',
      INPUT_HIERARCHY: 'family.yml',
      INPUT_HIERARCHY_PLAN: 'true',
      INPUT_REGISTRY_AUTH: `${reg.host}=u:secret-pass-1234`,
      INPUT_INSECURE_REGISTRIES: reg.host,
    };
    const plan = await harness({ hierarchy: 'family.yml', 'hierarchy-plan': 'true', 'insecure-registries': reg.host, retries: '0' }, { env });
    await family(plan, reg);
    await writeFile(join(plan.workspace, 'runtime/Dockerfile'), await readFile(join(h.workspace, 'runtime/Dockerfile'), 'utf8'));
    const fx: Effects = { ...plan.fx, platform: { ...plan.fx.platform, name: 'gitlab' } };
    await (await import('./hierarchy.js')).buildHierarchy(fx, 'family.yml', runBuild);
    expect(plan.builder.plans).toEqual([]);
    expect(Object.fromEntries(plan.platform.outputs)).toEqual({
      levels: '[["runtime"],["app"]]',
      hierarchy: JSON.stringify([
        { name: 'os', depth: 0, status: 'unchanged', digest: tagOf(reg, 'g/os', '1.0.0') },
        { name: 'runtime', from: 'os', depth: 1, status: 'build' },
        { name: 'tool', from: 'os', depth: 1, status: 'unchanged', digest: tagOf(reg, 'g/tool', '1.0.0') },
        { name: 'app', from: 'runtime', depth: 2, status: 'build' },
      ]),
    });
    expect(plan.platform.summaries).toEqual([
      [
        '### Hoist hierarchy plan: family.yml',
        '',
        '- **os** ✅ unchanged',
        '  - **runtime** 🔨 to build',
        '  - **tool** ✅ unchanged',
        '    - **app** 🔨 to build',
        '',
        'levels: `[["runtime"],["app"]]`',
        '',
      ].join('\n'),
    ]);
    const child = await readFile(join(plan.workspace, CHILD_PIPELINE), 'utf8');
    expect((JSON.parse(child) as { include: Array<{ inputs: Record<string, unknown> }> }).include.map((i) => i.inputs.hierarchy_entry)).toEqual([
      'runtime',
      'app',
    ]);
    expect(child).not.toContain('secret-pass-1234');
    expect(plan.platform.log()).toContain('warning: registry_auth carries secrets: not written into hoist-hierarchy-pipeline.yml');
  }, 30_000);

  // Property: one entry's job finds its parent by inputs digest (nothing handed between jobs), is
  // built on it, and sets hierarchy and digest; a job whose parent has not run is refused naming it.
  it("one entry's job: built on its parent found by inputs digest; refused while the parent has not run", async () => {
    const { reg, h, g, fromLines } = await setUp({ 'hierarchy-entry': 'runtime' });
    const e = await failure(build(h.fx));
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).issues[0]!.message).toMatch(
      /^runtime is built on os, which has no image from its inputs in this run: looked for an image labelled dev\.hoist\.inputs\.digest=sha256:/,
    );
    expect(reg.repos.get('g/runtime')?.tags.size ?? 0).toBe(0);

    const os = await harness({ hierarchy: 'family.yml', 'hierarchy-entry': 'os', 'insecure-registries': reg.host, retries: '0' });
    await family(os, reg);
    await writeFile(join(os.workspace, 'family.yml'), await readFile(join(h.workspace, 'family.yml'), 'utf8'));
    await build(os.fx);
    const osDigest = tagOf(reg, 'g/os', '1.0.0')!;
    expect(Object.fromEntries(os.platform.outputs)).toEqual({
      hierarchy: JSON.stringify([
        {
          name: 'os',
          status: 'built',
          digest: osDigest,
          references: ['1.0.0', '1.0', '1', 'latest', 'sha-0123456', 'main'].map((t) => `${g}/os:${t}`),
          repositories: [`${g}/os`],
        },
      ]),
      digest: osDigest,
    });
    expect(os.platform.summaries).toEqual([`### Hoist hierarchy: family.yml, os\n\n- **os** built: \`${osDigest}\`\n`]);

    await build(h.fx);
    const runtime = tagOf(reg, 'g/runtime', '2.0.0')!;
    expect(fromLines).toEqual([['runtime', `FROM ${g}/os:1@${osDigest}`]]);
    expect(h.platform.outputs.get('digest')).toBe(runtime);
    expect(h.platform.summaries.at(-1)).toBe(`### Hoist hierarchy: family.yml, runtime\n\n- **runtime** built on os \`${osDigest}\`: \`${runtime}\`\n`);
  }, 30_000);
});
