// The component project scripts/catalog.mjs lays out, against the CI/CD catalog's rules: every
// component under templates/, a README section for each (its inputs read from the template), a
// plain semver release tag — and the check fails on each kind of break.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script, no types
import { checkLayout, COMPONENTS, inputsOf } from './catalog.mjs';

const node = process.execPath;
const script = join(import.meta.dirname, 'catalog.mjs');
const layOut = (tag: string) => {
  const out = join(mkdtempSync(join(tmpdir(), 'hoist-catalog-')), 'project');
  execFileSync(node, [script, tag, out]);
  return out;
};

describe('the GitLab component project', () => {
  it('has every component under templates/ and a README section listing each one’s inputs', () => {
    const out = layOut('1.4.0');
    expect(checkLayout(out, '1.4.0')).toEqual([]);
    const readme = readFileSync(join(out, 'README.md'), 'utf8');
    for (const name of COMPONENTS as string[]) {
      const inputs = Object.keys(inputsOf(readFileSync(join(out, 'templates', `${name}.yml`), 'utf8')));
      expect(inputs.length).toBeGreaterThan(3);
      const section = readme.slice(readme.indexOf(`### ${name}\n`));
      for (const input of inputs) expect(section, `${name}: ${input}`).toContain(`| \`${input}\` |`);
    }
  });

  it('pins each component’s runtime image in its job body to its own commit (nothing of component.* in spec:), and ships the pipeline that tests and releases them', () => {
    const out = layOut('1.4.0');
    for (const name of COMPONENTS as string[]) {
      const template = readFileSync(join(out, 'templates', `${name}.yml`), 'utf8');
      const [spec, job] = template.split('\n---\n');
      expect(spec).toMatch(/^spec:\n {2}component: \[sha\]\n/m);
      expect(spec).not.toContain('$[[ component.');
      expect(inputsOf(template).image).toBeUndefined();
      expect(job).toMatch(/^ {2}image: registry\.gitlab\.com\/hoist\/hoist:commit-\$\[\[ component\.sha \]\]$/m);
    }
    expect(readFileSync(join(out, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    const ci = readFileSync(join(out, '.gitlab-ci.yml'), 'utf8');
    for (const name of COMPONENTS as string[]) expect(ci).toContain(`component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/${name}@$CI_COMMIT_SHA`);
    expect(readFileSync(join(out, 'runtime/Dockerfile'), 'utf8')).toBe(readFileSync(join(import.meta.dirname, '../Dockerfile'), 'utf8'));
    expect(readFileSync(join(out, 'dist/index.js'), 'utf8')).toBe(readFileSync(join(import.meta.dirname, '../dist/index.js'), 'utf8'));
  });

  it('fails the check on an unpinned image, an untested component, a release on every pipeline, no pipeline', () => {
    const out = layOut('1.4.0');
    const merge = join(out, 'templates', 'merge.yml');
    writeFileSync(merge, readFileSync(merge, 'utf8').replace('commit-$[[ component.sha ]]', '0'));
    const ci = join(out, '.gitlab-ci.yml');
    writeFileSync(
      ci,
      readFileSync(ci, 'utf8')
        .replace('/prune@$CI_COMMIT_SHA', '/prune@1.0.0')
        .replace(/\n {2}rules:\n {4}- if: \$CI_COMMIT_TAG[^\n]*/, ''),
    );
    expect(checkLayout(out, '1.4.0')).toEqual([
      "templates/merge: its job's image is not pinned to the component's commit (image: REPO:commit-$[[ component.sha ]], spec component: [sha])",
      '.gitlab-ci.yml does not test the prune component',
      '.gitlab-ci.yml releases on every pipeline, not on a tag',
    ]);
    renameSync(ci, `${ci}.bak`);
    expect(checkLayout(out, '1.4.0')).toContain('there is no .gitlab-ci.yml: the components are neither tested nor released');
  });

  it('refuses a v-prefixed release tag, as the catalog does', () => {
    expect(() => execFileSync(node, [script, 'v1.4.0', join(tmpdir(), 'never')], { stdio: 'pipe' })).toThrow(/not plain semantic versioning/);
  });

  it('fails the check on a component outside templates/, a missing README section, a missing component', () => {
    const out = layOut('1.4.0');
    writeFileSync(join(out, 'stray.yml'), 'spec: {}\n');
    writeFileSync(join(out, 'README.md'), readFileSync(join(out, 'README.md'), 'utf8').replace('### promote\n', '### (gone)\n'));
    renameSync(join(out, 'templates', 'prune.yml'), join(out, 'prune.yml.bak'));
    expect(checkLayout(out, '1.4')).toEqual([
      "the release tag '1.4' is not plain semantic versioning (1.2.3): the catalog refuses it",
      'stray.yml is a component outside templates/',
      'README.md has no section for the promote component',
      'the prune component is missing from templates/',
    ]);
  });

  // Each rule GitLab's catalog (or a real catalog's breakage) taught, broken one at a time.
  it.each([
    [
      'the version interpolated inside spec: (GitLab leaves it literal, issue 601160)',
      (out: string) => edit(join(out, 'templates/build.yml'), (t) => t.replace('      default: hoist-build', '      default: hoist-$[[ component.version ]]')),
      'templates/build: $[[ component.* ]] inside spec: is not interpolated by GitLab (issue 601160): pin the image in the job body',
    ],
    [
      'an input without a description',
      (out: string) => edit(join(out, 'templates/prune.yml'), (t) => t.replace(/(\n {4}dry_run:\n(?: {6}.*\n)*?) {6}description: [^\n]*\n/, '$1')),
      'templates/prune: input dry_run has no description',
    ],
    [
      'a constrained input without options:',
      (out: string) => edit(join(out, 'templates/promote.yml'), (t) => t.replace(/\n {6}options:\n {8}- protect\n {8}- overwrite/, '')),
      'templates/promote: input release_tags is constrained but has no options:',
    ],
    [
      'the release job on release-cli (deprecated since GitLab 18.0)',
      (out: string) =>
        edit(join(out, '.gitlab-ci.yml'), (t) => t.replace('registry.gitlab.com/gitlab-org/cli:latest', 'registry.gitlab.com/gitlab-org/release-cli:latest')),
      '.gitlab-ci.yml: the release job runs in registry.gitlab.com/gitlab-org/release-cli:latest: use registry.gitlab.com/gitlab-org/cli:latest (release-cli is deprecated since GitLab 18.0)',
    ],
    [
      'a dead relative link in the README',
      (out: string) => edit(join(out, 'README.md'), (t) => `${t}\nSee [the inputs](../README.md#inputs) and [build](templates/build.yml).\n`),
      'README.md links to ../README.md#inputs, which is not in the project',
    ],
    ['no LICENSE', (out: string) => renameSync(join(out, 'LICENSE'), join(out, 'LICENSE.bak')), 'there is no LICENSE'],
  ])('fails the check on %s, and only on that', (_, breakIt, problem) => {
    const out = layOut('1.4.0');
    expect(checkLayout(out, '1.4.0')).toEqual([]);
    breakIt(out);
    expect(checkLayout(out, '1.4.0')).toEqual([problem]);
  });
});

function edit(path: string, change: (text: string) => string) {
  const before = readFileSync(path, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`the edit of ${path} changed nothing`);
  writeFileSync(path, after);
}
