// Lays out the GitLab CI/CD component project from this repository, as the catalog wants it:
// templates/<name>.yml for every component (build, promote, merge, prune), a README.md with a section per
// component listing its inputs (read from each template's spec, so it cannot drift), and the
// release tag checked to be plain semver (the catalog refuses v1.2.3). `--check DIR` verifies an
// existing layout against the catalog's rules instead (the tests run both).
//   node scripts/catalog.mjs TAG OUT-DIR
//   node scripts/catalog.mjs --check DIR [TAG]
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const root = fileURLToPath(new URL('..', import.meta.url));
export const COMPONENTS = ['build', 'promote', 'merge', 'prune'];
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?$/;

/** A component's inputs, from the spec document of its template. */
export function inputsOf(template) {
  const [spec] = parseAllDocuments(template).map((d) => d.toJS());
  return spec?.spec?.inputs ?? {};
}

function readme(components) {
  const lines = [readFileSync(join(root, 'gitlab/README.md'), 'utf8').trimEnd(), '', '## Components', ''];
  for (const [name, inputs] of components) {
    lines.push(
      `### ${name}`,
      '',
      `\`include: - component: $CI_SERVER_FQDN/<group>/<project>/${name}@<version>\``,
      '',
      '| input | default | description |',
      '| --- | --- | --- |',
    );
    for (const [key, spec] of Object.entries(inputs)) {
      const dflt = spec.default === undefined ? '(required)' : `\`${JSON.stringify(spec.default)}\``;
      lines.push(
        `| \`${key}\` | ${dflt} | ${String(spec.description ?? '')
          .replace(/\|/g, '\\|')
          .replace(/\n/g, ' ')} |`,
      );
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
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
  for (const [name, path] of found) {
    if (!existsSync(path)) problems.push(`templates/${name} has no template.yml`);
    else if (!Object.keys(inputsOf(readFileSync(path, 'utf8'))).length) problems.push(`templates/${name}: no spec.inputs`);
    if (text && !text.includes(`### ${name}\n`)) problems.push(`README.md has no section for the ${name} component`);
  }
  for (const name of COMPONENTS) if (!found.some(([n]) => n === name)) problems.push(`the ${name} component is missing from templates/`);
  return problems;
}

function layOut(tag, out) {
  if (!SEMVER.test(tag)) throw new Error(`'${tag}' is not plain semantic versioning (1.2.3): the catalog refuses it; release as ${tag.replace(/^v/, '')}`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'templates'), { recursive: true });
  const components = COMPONENTS.map((name) => {
    const text = readFileSync(join(root, `gitlab/templates/${name}.yml`), 'utf8');
    copyFileSync(join(root, `gitlab/templates/${name}.yml`), join(out, 'templates', `${name}.yml`));
    return [name, inputsOf(text)];
  });
  writeFileSync(join(out, 'README.md'), readme(components));
  const problems = checkLayout(out, tag);
  if (problems.length) throw new Error(problems.join('\n'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [first, second, third] = process.argv.slice(2);
  try {
    if (first === '--check') {
      const problems = checkLayout(second, third);
      for (const p of problems) console.error(p);
      process.exitCode = problems.length ? 1 : 0;
    } else {
      layOut(first, second);
      console.log(`catalog layout for ${first} in ${second}: ${COMPONENTS.map((c) => `templates/${c}.yml`).join(', ')}, README.md`);
    }
  } catch (e) {
    console.error(e.message);
    process.exitCode = 1;
  }
}
