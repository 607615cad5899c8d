// Writes the input reference under docs/ from the action.yml files (the source of truth), the GitLab
// components' spec: headers and the CLI's secret-input rule, so the docs cannot drift from them:
// - docs/inputs/action.md, docs/inputs/gitlab.md, docs/inputs/cli.md: one page per front door, one
//   line per input (name, type, default, meaning — the description's first sentence);
// - in each topic page (docs/secrets.md, tags.md, registries.md, hierarchies.md, signing.md,
//   building.md) the table of the build inputs it explains, between its `<!-- inputs: … -->` and
//   `<!-- end inputs -->` lines; the prose around it is the page's own.
// An input added to action.yml lands on every page by itself: in the topic its name says
// (TOPICS; anything sign- or verify- is signing's), else in building.md. `--check` fails when a
// committed page differs (npm run check-dist runs it).
//   node scripts/input-docs.mjs [--check]
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The Action's entries, in the order the pages show them. */
export const ACTIONS = [
  { file: 'action.yml', uses: 'acme/hoist@v0', title: 'Build', verb: 'build', gitlab: 'build' },
  { file: 'promote/action.yml', uses: 'acme/hoist/promote@v0', title: 'Promote', verb: 'promote', gitlab: 'promote' },
  { file: 'merge/action.yml', uses: 'acme/hoist/merge@v0', title: 'Merge', verb: 'merge', gitlab: 'merge' },
  { file: 'push/action.yml', uses: 'acme/hoist/push@v0', title: 'Push', verb: 'push' },
  { file: 'prune/action.yml', uses: 'acme/hoist/prune@v0', title: 'Prune', gitlab: 'prune' },
  { file: 'stale/action.yml', uses: 'acme/hoist/stale@v0', title: 'Stale', verb: 'stale', gitlab: 'stale' },
];

/** The topic page that explains each build input at length; names not listed go by TOPIC_RULES, else to building.md. */
export const TOPICS = {
  secrets: {
    page: 'docs/secrets.md',
    inputs: ['secrets', 'secret-files', 'secret-envs', 'ssh', 'ssh-key', 'ssh-key-passphrase', 'ssh-known-hosts', 'secret-cache'],
  },
  audit: { page: 'docs/secrets.md', inputs: ['audit', 'audit-limits', 'audit-values', 'allowed-base-images', 'require-pinned-base'] },
  tags: {
    page: 'docs/tags.md',
    inputs: [
      'version',
      'version-pattern',
      'version-tags',
      'floating-tags',
      'release-tags',
      'tag-latest',
      'tag-major-zero',
      'tag-channel',
      'auto-tags',
      'tags',
      'flavor',
      'tag-prefix',
      'tag-suffix',
      'sha-source',
    ],
  },
  registries: {
    page: 'docs/registries.md',
    inputs: ['images', 'push', 'registry-auth', 'registry-ca', 'insecure-registries', 'github-token', 'pr-comment', 'retries', 'concurrency'],
  },
  hierarchies: { page: 'docs/hierarchies.md', inputs: ['hierarchy', 'hierarchy-plan', 'hierarchy-entry'] },
  signing: { page: 'docs/signing.md', inputs: [] },
  building: { page: 'docs/building.md', inputs: [] },
};
const TOPIC_RULES = [[/sign|verify/, 'signing']];

/** The topic a build input belongs to. */
export function topicOf(name) {
  for (const [topic, t] of Object.entries(TOPICS)) if (t.inputs.includes(name)) return topic;
  for (const [pattern, topic] of TOPIC_RULES) if (pattern.test(name)) return topic;
  return 'building';
}

/** An action file's inputs and outputs, the bundle's internal selector left out. */
export function readAction(root, file) {
  const action = parse(readFileSync(join(root, file), 'utf8'));
  const inputs = Object.entries(action.inputs ?? {}).filter(([name]) => name !== 'hoist-mode');
  return { description: action.description, inputs, outputs: Object.entries(action.outputs ?? {}) };
}

/** The first sentence of a description (as scripts/cli-inputs.mjs takes it for the CLI's help). */
export function firstSentence(text) {
  return sentences(text)[0].replace(/\.$/, '');
}

function sentences(text) {
  return String(text ?? '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\b(e\.g|i\.e)\./g, '$1\uE000')
    .split(/(?<=[a-z0-9)'`])\. /)
    .map((s) => s.replace(/\uE000/g, '.'));
}

/** Text from YAML made safe inside a table cell: no character opens markup or ends the cell. */
export function cell(text) {
  return String(text).replace(/[\\`*_<>|[\]]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : `\\${c}`));
}

const code = (text) => `\`${String(text).replaceAll('|', '\\|')}\``;

/** The type an input takes, read from its default and description (GitLab's options where its template has them). */
export function typeOf(spec, options) {
  if (options?.length) return options.map(code).join(', ');
  const first = firstSentence(spec.description);
  if (spec.default === 'true' || spec.default === 'false' || spec.type === 'boolean' || /\(true\).*\(false\)/.test(first)) return 'boolean';
  if (spec.type === 'number' || /^\d+$/.test(String(spec.default ?? ''))) return 'number';
  if (spec.type === 'array') return 'array';
  if (/per line|comma-separated/i.test(spec.description ?? '')) return 'list';
  return 'string';
}

/** The default column: the value, `required`, or the rule a description's "Default:" / "Not set:" sentence gives. */
export function defaultOf(spec) {
  if (spec.required) return 'required';
  if (spec.default !== undefined && spec.default !== '' && !(Array.isArray(spec.default) && spec.default.length === 0)) {
    return code(typeof spec.default === 'string' ? spec.default : JSON.stringify(spec.default));
  }
  const rule = sentences(spec.description).find((s) => /^(Default|Not set):/.test(s));
  return rule ? cell(rule.replace(/^(Default|Not set):\s*/, '').replace(/\.$/, '')) : '';
}

const row = (cells) => `| ${cells.join(' | ')} |`;
const HEAD = ['| input | type | default | meaning |', '| --- | --- | --- | --- |'];

/** One line per input: name (linked to its topic page when `link` gives one), type, default, meaning. */
export function inputTable(inputs, { name = (n) => code(n), options = {} } = {}) {
  return [...HEAD, ...inputs.map(([n, spec]) => row([name(n), typeOf(spec, options[n]), defaultOf(spec), cell(firstSentence(spec.description))]))];
}

const outputTable = (outputs) => [
  '| output | meaning |',
  '| --- | --- |',
  ...outputs.map(([n, spec]) => row([code(n), cell(firstSentence(spec.description))])),
];

/** A GitLab template's spec: inputs (the header before `---`). */
export function gitlabInputs(root, name) {
  const text = readFileSync(join(root, 'gitlab/templates', `${name}.yml`), 'utf8');
  return Object.entries(parse(text.split('\n---\n')[0]).spec.inputs);
}

/**
 * The inputs that carry secret material on the Action and the CLI (never a plain flag), as the one table
 * declares them (`SECRET_INPUT_TABLE` in src/secrets/inputs.ts): every entry but the GitLab-only ones.
 */
export function secretInputs(root) {
  const files = readdirSync(join(root, 'src'), { recursive: true }).map(String);
  for (const f of files.filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const m = /export const SECRET_INPUT_TABLE\b[^=]*=\s*\[([\s\S]*?)\n\];/.exec(readFileSync(join(root, 'src', f), 'utf8'));
    if (!m) continue;
    const entries = [...m[1].matchAll(/\{ name: '([a-z-]+)'[^}]*\bdoors: '([a-z]+)' \}/g)];
    if (!entries.length) break;
    return entries.filter((e) => e[2] !== 'gitlab').map((e) => e[1]);
  }
  throw new Error(
    "input-docs: no `export const SECRET_INPUT_TABLE = [{ name: '…', …, doors: '…' }, …]` under src/: tell scripts/input-docs.mjs where the secret inputs are declared",
  );
}

/**
 * The choices of each input that takes one of a few words (`sign`: false, key, keyless), as the action's GitLab
 * component declares them (`options:`), keyed by the action's input name; the build's for an action without one.
 */
function choices(root, action) {
  const inputs = gitlabInputs(root, action.gitlab ?? 'build');
  return Object.fromEntries(inputs.filter(([, s]) => s.options).map(([n, s]) => [n.replaceAll('_', '-'), s.options]));
}

const GENERATED = '<!-- Generated by scripts/input-docs.mjs from the action.yml files: edit those, then run it. -->';
const topicLink = (prefix) => (n) => `[${code(n)}](${prefix}${TOPICS[topicOf(n)].page.replace('docs/', '')})`;

function actionPage(root) {
  const lines = [GENERATED, '', '# Inputs and outputs: the GitHub Action', ''];
  lines.push('One line per input, from the `description` in each `action.yml` (its first sentence). A name links to the page that explains it.');
  lines.push('Other front doors: [GitLab components](gitlab.md), [the `hoist` command](cli.md).', '');
  for (const a of ACTIONS) lines.push(`- [${a.title}](#${a.title.toLowerCase()}): \`uses: ${a.uses}\``);
  for (const a of ACTIONS) {
    const { description, inputs, outputs } = readAction(root, a.file);
    const link = a.file === 'action.yml' ? topicLink('../') : undefined;
    lines.push('', `## ${a.title}`, '', `\`uses: ${a.uses}\` (\`${a.file}\`): ${cell(description)}`, '');
    lines.push(...inputTable(inputs, { ...(link ? { name: link } : {}), options: choices(root, a) }));
    if (outputs.length) lines.push('', ...outputTable(outputs));
  }
  return lines;
}

/** The GitLab components: the actions' own, in their order, then any other template under gitlab/templates/. */
export function gitlabComponents(root) {
  const names = readdirSync(join(root, 'gitlab/templates'))
    .filter((f) => f.endsWith('.yml'))
    .map((f) => f.slice(0, -4));
  const known = ACTIONS.filter((a) => a.gitlab && names.includes(a.gitlab));
  const others = names
    .filter((n) => !known.some((a) => a.gitlab === n))
    .sort()
    .map((n) => ({ gitlab: n, file: ACTIONS.find((a) => a.file === `${n}/action.yml`)?.file ?? `gitlab/templates/${n}.yml` }));
  return [...known, ...others];
}

function gitlabPage(root) {
  const lines = [GENERATED, '', '# Inputs: the GitLab CI/CD components', ''];
  lines.push("Each component takes its action's inputs with `_` for `-` (`build_args` for `build-args`), typed, plus the job's own (`job_name`, `stage`,");
  lines.push('`image`, `runner_tags`, `rules`, `hoist_command`). Read from the `spec:` header of each `gitlab/templates/*.yml`. See also');
  lines.push("[gitlab/README.md](../../gitlab/README.md) and [the Action's inputs](action.md).", '');
  const components = gitlabComponents(root);
  for (const a of components) lines.push(`- [${a.gitlab}](#${a.gitlab}): \`component: $CI_SERVER_FQDN/acme/hoist/${a.gitlab}@0\``);
  for (const a of components) {
    const inputs = gitlabInputs(root, a.gitlab);
    const options = Object.fromEntries(inputs.filter(([, s]) => s.options).map(([n, s]) => [n, s.options]));
    const of = a.file.startsWith('gitlab/') ? '' : `, the component of \`${a.file}\``;
    lines.push('', `## ${a.gitlab}`, '', `\`gitlab/templates/${a.gitlab}.yml\`${of}.`, '');
    lines.push(...inputTable(inputs, { options }));
  }
  return lines;
}

function cliPage(root) {
  const secret = new Set(secretInputs(root));
  const lines = [GENERATED, '', '# Flags: the `hoist` command', ''];
  lines.push('Every input of the Action is a flag of the same name (`--name value` or `--name=value`; a list input may be repeated). An input that');
  lines.push('carries secret material is never a flag (argv is readable by every process on the machine): give `--NAME-file PATH` or the');
  lines.push('`HOIST_NAME` variable; the plain flag is refused before anything runs. `hoist help VERB` prints these with examples;');
  lines.push('[the command line](../cli.md) covers the verbs of its own (`tags`, `audit`, `inspect`), `--json` and exit codes.', '');
  const verbs = ACTIONS.filter((a) => a.verb);
  for (const a of verbs) lines.push(`- [hoist ${a.verb}](#hoist-${a.verb})`);
  for (const a of verbs) {
    const inputs = readAction(root, a.file).inputs.filter(([n]) => n !== 'artefact');
    const flag = (n) => (secret.has(n) ? `\`--${n}-file PATH\`, \`HOIST_${n.toUpperCase().replaceAll('-', '_')}\`` : `\`--${n}\``);
    const positional = a.verb === 'push' ? ' The image is its argument: `hoist push LAYOUT|ARCHIVE`.' : '';
    lines.push('', `## hoist ${a.verb}`, '', `The inputs of \`${a.file}\`.${positional}`, '');
    lines.push(...inputTable(inputs, { name: flag, options: choices(root, a) }).map((l, i) => (i === 0 ? l.replace('| input |', '| flag |') : l)));
  }
  return lines;
}

const BEGIN = /^<!-- inputs: .* -->$/;
const END = '<!-- end inputs -->';

/** A topic page with its generated table replaced: the build inputs of its topics. */
export function withTopicTable(text, page, inputs, options = {}) {
  const lines = text.split('\n');
  const begin = lines.findIndex((l) => BEGIN.test(l));
  const end = lines.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`input-docs: ${page} has no '<!-- inputs: … -->' … '${END}' block for its table`);
  const mine = inputs.filter(([n]) => TOPICS[topicOf(n)].page === page);
  const table = mine.length ? inputTable(mine, { options }) : ['No input of `action.yml` is about this yet.'];
  return [...lines.slice(0, begin + 1), ...table, ...lines.slice(end)].join('\n');
}

/** Every page this script owns, path → text. */
export function render(root = ROOT) {
  const pages = new Map([
    ['docs/inputs/action.md', actionPage(root)],
    ['docs/inputs/gitlab.md', gitlabPage(root)],
    ['docs/inputs/cli.md', cliPage(root)],
  ]);
  const out = new Map([...pages].map(([p, l]) => [p, `${l.join('\n')}\n`]));
  const build = readAction(root, 'action.yml').inputs;
  for (const page of new Set(Object.values(TOPICS).map((t) => t.page))) {
    const path = join(root, page);
    if (!existsSync(path)) throw new Error(`input-docs: ${page} is missing (a topic page of scripts/input-docs.mjs)`);
    out.set(page, withTopicTable(readFileSync(path, 'utf8'), page, build, choices(root, ACTIONS[0])));
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const check = process.argv.includes('--check');
    let stale = false;
    for (const [page, text] of render()) {
      const path = join(ROOT, page);
      const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
      if (check && current !== text) {
        console.error(`${page} does not match the action.yml files: run node scripts/input-docs.mjs`);
        stale = true;
      } else if (!check && current !== text) {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, text);
        console.log(`wrote ${page}`);
      }
    }
    if (stale) process.exit(1);
    console.log(check ? 'docs/inputs and the topic pages match the action.yml files' : 'docs/inputs and the topic pages are up to date');
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
