// The input reference under docs/ is what scripts/input-docs.mjs makes from the action.yml files:
// every input and output a one-line row on its front door's page (Action, GitLab, CLI) and every
// build input on exactly one topic page; an input added to action.yml lands there by itself, and
// --check fails until the pages are regenerated. Nearest real-world variant: this session's new
// signing inputs and `result` output — inputs of that kind are added below to a copy of
// action.yml the way the other helpers add them.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script, no types
import * as inputDocs from './input-docs.mjs';
// @ts-expect-error: a plain .mjs script, no types
import { tableProblems } from './markdown-tables.mjs';
import { SECRET_INPUTS } from '../src/secrets/inputs.js';

type Spec = { description: string; default?: string; required?: boolean };
const { ACTIONS, cell, defaultOf, firstSentence, gitlabComponents, gitlabInputs, readAction, render, secretInputs, topicOf, TOPICS, typeOf } = inputDocs;
type Action = { file: string; title: string; verb?: string; gitlab?: string };
const ROOT = join(import.meta.dirname, '..');
const read = (path: string, root = ROOT) => readFileSync(join(root, path), 'utf8');
const section = (page: string, heading: string) => {
  const from = page.indexOf(`\n## ${heading}\n`);
  const to = page.indexOf('\n## ', from + 1);
  return page.slice(from, to < 0 ? undefined : to);
};
const tableRows = (text: string) => text.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---'));

/** A copy of the project's sources of the docs (action files, templates, src/, docs/) to change freely. */
function copyProject(): string {
  const root = mkdtempSync(join(tmpdir(), 'hoist-input-docs-'));
  for (const path of [
    'action.yml',
    'promote',
    'merge',
    'push',
    'prune',
    'stale',
    'gitlab/templates',
    'src/cli',
    'src/secrets',
    'docs',
    'scripts/input-docs.mjs',
  ]) {
    cpSync(join(ROOT, path), join(root, path), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  return root;
}

describe('the input reference (scripts/input-docs.mjs)', () => {
  it('the committed pages are what the action.yml files make (--check)', () => {
    expect(execFileSync(process.execPath, [join(ROOT, 'scripts/input-docs.mjs'), '--check'], { encoding: 'utf8' })).toContain('match the action.yml files');
  });

  it('has one row per input and per output of every action.yml, in its section of docs/inputs/action.md', () => {
    const page = read('docs/inputs/action.md');
    for (const a of ACTIONS as Action[]) {
      const { inputs, outputs } = readAction(ROOT, a.file) as { inputs: [string, Spec][]; outputs: [string, Spec][] };
      const rows = tableRows(section(page, a.title));
      expect(rows.length, a.file).toBe(inputs.length + outputs.length + 2);
      for (const [name, spec] of [...inputs, ...outputs]) {
        const row = rows.filter((r) => r.startsWith(`| \`${name}\` |`) || r.startsWith(`| [\`${name}\`](`));
        expect(row.length, `${a.file}: ${name}`).toBeGreaterThan(0);
        expect(
          row.some((r) => r.endsWith(` ${cell(firstSentence(spec.description))} |`)),
          `${a.file}: ${name}`,
        ).toBe(true);
      }
    }
  });

  it('puts every build input on exactly one topic page, linked from its row', () => {
    const build = readAction(ROOT, 'action.yml').inputs as [string, Spec][];
    const pages = [...new Set(Object.values(TOPICS as Record<string, { page: string }>).map((t) => t.page))];
    for (const [name] of build) {
      const holding = pages.filter((p) => tableRows(read(p)).some((r) => r.startsWith(`| \`${name}\` |`)));
      expect(holding, name).toEqual([TOPICS[topicOf(name)].page]);
      expect(read('docs/inputs/action.md'), name).toContain(`| [\`${name}\`](../${holding[0]!.replace('docs/', '')}) |`);
    }
    expect(pages).toEqual(expect.arrayContaining(['docs/secrets.md', 'docs/tags.md', 'docs/registries.md', 'docs/hierarchies.md', 'docs/signing.md']));
  });

  it("lists each GitLab component's spec inputs, and each CLI verb's flags with secrets only as --NAME-file or HOIST_NAME", () => {
    const gitlab = read('docs/inputs/gitlab.md');
    const components = gitlabComponents(ROOT) as Action[];
    // Every template under gitlab/templates/ is a component on the page (push.yml arrives without a line here).
    expect(components.map((c) => `${c.gitlab}.yml`).sort()).toEqual(
      readdirSync(join(ROOT, 'gitlab/templates'))
        .filter((f) => f.endsWith('.yml'))
        .sort(),
    );
    for (const a of components) {
      const rows = tableRows(section(gitlab, a.gitlab!));
      for (const [name] of gitlabInputs(ROOT, a.gitlab) as [string, Spec][])
        expect(
          rows.some((r) => r.startsWith(`| \`${name}\` |`)),
          `${a.gitlab}: ${name}`,
        ).toBe(true);
    }
    // The generator reads the one table (src/secrets/inputs.ts): the same set the CLI's parser refuses as plain flags.
    expect(new Set(secretInputs(ROOT))).toEqual(SECRET_INPUTS);
    const cli = read('docs/inputs/cli.md');
    for (const a of (ACTIONS as Action[]).filter((x) => x.verb)) {
      const rows = tableRows(section(cli, `hoist ${a.verb}`));
      for (const [name] of (readAction(ROOT, a.file).inputs as [string, Spec][]).filter(([n]) => n !== 'artefact')) {
        const env = `HOIST_${name.toUpperCase().replaceAll('-', '_')}`;
        const head = SECRET_INPUTS.has(name) ? `| \`--${name}-file PATH\`, \`${env}\` |` : `| \`--${name}\` |`;
        expect(
          rows.some((r) => r.startsWith(head)),
          `${a.verb}: ${name}`,
        ).toBe(true);
      }
    }
    expect(cli).not.toMatch(/^\| `--(secrets|ssh-key|registry-auth|github-token)` \|/m);
  });

  it('keeps each row on one line that renders as one table row, whatever the description holds', () => {
    for (const [page, text] of render(ROOT) as Map<string, string>) {
      expect(tableProblems(text), page).toEqual([]);
      for (const r of tableRows(text)) expect(r.length, `${page}: ${r.slice(0, 60)}`).toBeLessThan(600);
    }
    const spec = { description: 'Pattern a|b with *stars*, <context>/Dockerfile and `ticks`. More text here.' };
    const row = `| x | ${typeOf(spec)} | ${defaultOf(spec)} | ${cell(firstSentence(spec.description))} |`;
    expect(tableProblems(`| a | b | c | d |\n| --- | --- | --- | --- |\n${row}\n`)).toEqual([]);
    expect(cell(firstSentence(spec.description))).toBe('Pattern a\\|b with \\*stars\\*, &lt;context&gt;/Dockerfile and \\`ticks\\`');
    expect(firstSentence('Network mode for RUN steps (e.g. host). More.')).toBe('Network mode for RUN steps (e.g. host)');
  });

  it('reads type and default from the spec: booleans, numbers, lists, GitLab options, a "Default:" sentence, required', () => {
    const build = Object.fromEntries(readAction(ROOT, 'action.yml').inputs as [string, Spec][]);
    expect(typeOf(build['no-cache'])).toBe('boolean');
    expect(typeOf(build.push)).toBe('boolean');
    expect(typeOf(build.retries)).toBe('number');
    expect(typeOf(build.secrets)).toBe('list');
    expect(typeOf(build.target)).toBe('string');
    expect(typeOf(build.audit, ['fail', 'warn', 'off'])).toBe('`fail`, `warn`, `off`');
    expect(defaultOf(build.images)).toBe('required');
    expect(defaultOf(build.retries)).toBe('`3`');
    expect(defaultOf(build.version)).toBe('the git tag of the run (refs/tags/v2.1.106)');
    expect(defaultOf(build.target)).toBe('');
  });

  // A choice whose first word is `false` (sign: false | key | keyless) is not a boolean on any front door's page.
  it("types a choice input by its GitLab component's options on the Action, CLI and topic pages alike", () => {
    const pages = render(ROOT) as Map<string, string>;
    for (const page of ['docs/inputs/action.md', 'docs/inputs/cli.md', 'docs/inputs/gitlab.md', 'docs/signing.md']) {
      const row = tableRows(pages.get(page) ?? '').find((l) => /^\| \[?`(--)?sign`/.test(l));
      expect(row, page).toContain('`false`, `key`, `keyless`');
    }
  });

  it('picks up inputs and outputs added to action.yml (signing lands on its topic page), and --check fails until regenerated', () => {
    const root = copyProject();
    const action = read('action.yml', root);
    // Names of the signing kind that no helper uses, so the copy never holds them twice.
    const added = action.replace(
      '\noutputs:\n',
      '  sign-with:\n    description: "Sign the image with this key (cosign\'s key signature). Pushed beside it."\n    default: "false"\n' +
        '  verify-base-key:\n    description: "Public keys the base image must be signed by, one per line."\n\noutputs:\n' +
        '  run-result:\n    description: "JSON: what the run did. For scripts."\n',
    );
    expect(parse(added).inputs['sign-with']).toBeDefined();
    writeFileSync(join(root, 'action.yml'), added);
    const script = join(root, 'scripts/input-docs.mjs');
    expect(() => execFileSync(process.execPath, [script, '--check'], { encoding: 'utf8', stdio: 'pipe' })).toThrow(/docs\/inputs\/action\.md does not match/);
    execFileSync(process.execPath, [script], { encoding: 'utf8' });
    expect(execFileSync(process.execPath, [script, '--check'], { encoding: 'utf8' })).toContain('match');
    expect(read('docs/signing.md', root)).toContain("| `sign-with` | boolean | `false` | Sign the image with this key (cosign's key signature) |");
    expect(read('docs/signing.md', root)).toContain('| `verify-base-key` | list |  | Public keys the base image must be signed by, one per line |');
    expect(read('docs/inputs/action.md', root)).toContain('| `run-result` | JSON: what the run did |');
    expect(read('docs/inputs/cli.md', root)).toContain('| `--sign-with` | boolean | `false` |');
    expect(read('docs/building.md', root)).not.toContain('`sign-with`');
  });

  it('names the missing block when a topic page lost its generated table', () => {
    const root = copyProject();
    writeFileSync(join(root, 'docs/tags.md'), read('docs/tags.md', root).replace('<!-- end inputs -->', ''));
    expect(() => render(root)).toThrow("docs/tags.md has no '<!-- inputs: … -->' … '<!-- end inputs -->' block for its table");
  });
});
