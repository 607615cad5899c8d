// The CI/CD catalog's rules for a laid-out component project (scripts/catalog.mjs), as GitLab
// applies them and as real catalogs broke on them. Each rule is one check with one message:
// - layout: templates/<name>.yml (or <name>/template.yml), a README section per component, a
//   LICENSE, a plain semver release tag, a .gitlab-ci.yml that tests each component from its own
//   commit and releases on a tag only;
// - no `$[[ component.* ]]` inside `spec:` (GitLab does not interpolate it there — issue 601160:
//   consumers pulled the literal `…:$[[ component.version ]]`); the runtime image is pinned in the
//   job body to the component's own commit, which a SHA include has too (component.version is
//   empty then);
// - every input described; an input whose values are constrained carries options:, regex: or a type;
// - the release job uses GitLab's supported tooling (glab: registry.gitlab.com/gitlab-org/cli),
//   not release-cli (deprecated in GitLab 18.0);
// - no dead relative link in the README.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const COMPONENTS = ['build', 'promote', 'merge', 'prune', 'stale', 'push'];
export const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?$/;
/** The image GitLab documents for the release keyword since release-cli's deprecation (glab). */
export const RELEASE_IMAGE = 'registry.gitlab.com/gitlab-org/cli:latest';
/** Inputs whose values are constrained, and what constrains them. */
export const CONSTRAINED = {
  builder: 'options',
  audit: 'options',
  tag_latest: 'options',
  floating_tags: 'options',
  release_tags: 'options',
  older_than: 'regex',
  retries: 'number',
  concurrency: 'number',
  keep: 'number',
  dry_run: 'boolean',
  push: 'boolean',
  push_by_digest: 'boolean',
  mr_comment: 'boolean',
};

/** A component's inputs, from the spec document of its template. */
export function inputsOf(template) {
  const [spec] = parseAllDocuments(template).map((d) => d.toJS());
  return spec?.spec?.inputs ?? {};
}

function templateProblems(name, text) {
  const problems = [];
  const [spec, job = ''] = text.split(/\n---\n/);
  const inputs = inputsOf(text);
  if (!Object.keys(inputs).length) problems.push(`templates/${name}: no spec.inputs`);
  if (/\$\[\[\s*component\./.test(spec))
    problems.push(`templates/${name}: $[[ component.* ]] inside spec: is not interpolated by GitLab (issue 601160): pin the image in the job body`);
  if (!/^ {2}image: \S+:commit-\$\[\[ component\.sha \]\]$/m.test(job) || !/^ {2}component: \[.*\bsha\b.*\]$/m.test(spec))
    problems.push(
      `templates/${name}: its job's image is not pinned to the component's commit (image: REPO:commit-$[[ component.sha ]], spec component: [sha])`,
    );
  for (const [key, input] of Object.entries(inputs)) {
    if (!String(input?.description ?? '').trim()) problems.push(`templates/${name}: input ${key} has no description`);
    const want = CONSTRAINED[key];
    const has = want === 'options' ? input?.options : want === 'regex' ? input?.regex : input?.type === want;
    if (want && !has)
      problems.push(`templates/${name}: input ${key} is constrained but has no ${want === 'options' || want === 'regex' ? `${want}:` : `type: ${want}`}`);
  }
  return problems;
}

/** Relative links of a markdown text that lead nowhere inside `dir`. */
export function deadLinks(markdown, dir) {
  const dead = [];
  for (const [, target] of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z][a-z0-9+.-]*:|^#/i.test(target)) continue; // https:, mailto:, an anchor
    const path = target.split('#')[0];
    if (path && !existsSync(join(dir, path))) dead.push(target);
  }
  return dead;
}

function pipelineProblems(ci) {
  const problems = [];
  for (const name of COMPONENTS) if (!ci.includes(`/${name}@$CI_COMMIT_SHA`)) problems.push(`.gitlab-ci.yml does not test the ${name} component`);
  const pipeline = parseAllDocuments(ci)[0]?.toJS() ?? {};
  const release = Object.values(pipeline).find((j) => j && typeof j === 'object' && j.release);
  if (!release) return [...problems, '.gitlab-ci.yml has no release job'];
  if (!JSON.stringify(release.rules ?? []).includes('CI_COMMIT_TAG')) problems.push('.gitlab-ci.yml releases on every pipeline, not on a tag');
  const image = typeof release.image === 'string' ? release.image : release.image?.name;
  if (image !== RELEASE_IMAGE)
    problems.push(`.gitlab-ci.yml: the release job runs in ${image ?? 'no image'}: use ${RELEASE_IMAGE} (release-cli is deprecated since GitLab 18.0)`);
  return problems;
}

/** The problems of a laid-out component project, by the catalog's rules (empty: none). */
export function checkLayout(dir, tag) {
  const problems = [];
  if (tag !== undefined && !SEMVER.test(tag)) problems.push(`the release tag '${tag}' is not plain semantic versioning (1.2.3): the catalog refuses it`);
  const templates = join(dir, 'templates');
  if (!existsSync(templates)) return [...problems, 'there is no templates/ directory'];
  for (const entry of readdirSync(dir)) {
    if (entry.endsWith('.yml') && entry !== '.gitlab-ci.yml') problems.push(`${entry} is a component outside templates/`);
  }
  const found = readdirSync(templates).map((f) => {
    const path = join(templates, f);
    return statSync(path).isDirectory() ? [f, join(path, 'template.yml')] : [f.replace(/\.yml$/, ''), path];
  });
  const text = existsSync(join(dir, 'README.md')) ? readFileSync(join(dir, 'README.md'), 'utf8') : undefined;
  if (!text) problems.push('there is no README.md');
  else for (const link of deadLinks(text, dir)) problems.push(`README.md links to ${link}, which is not in the project`);
  if (!existsSync(join(dir, 'LICENSE'))) problems.push('there is no LICENSE');
  for (const [name, path] of found) {
    if (!existsSync(path)) problems.push(`templates/${name} has no template.yml`);
    else problems.push(...templateProblems(name, readFileSync(path, 'utf8')));
    if (text && !text.includes(`### ${name}\n`)) problems.push(`README.md has no section for the ${name} component`);
  }
  for (const name of COMPONENTS) if (!found.some(([n]) => n === name)) problems.push(`the ${name} component is missing from templates/`);
  const ci = existsSync(join(dir, '.gitlab-ci.yml')) ? readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8') : undefined;
  if (!ci) problems.push('there is no .gitlab-ci.yml: the components are neither tested nor released');
  else problems.push(...pipelineProblems(ci));
  return problems;
}
