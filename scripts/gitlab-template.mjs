// Writes gitlab/templates/build.yml from action.yml, so the GitLab component has exactly the
// action's inputs (names with _ for -, typed: boolean, number, options) plus the job's own (name,
// stage, image, runner tags, rules, the command). Inputs reach the job as variables, never as
// script text. `--check` fails when the committed template differs (the tests run it).
//   node scripts/gitlab-template.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const root = fileURLToPath(new URL('..', import.meta.url));
const action = parse(readFileSync(`${root}action.yml`, 'utf8'));
const GITHUB_ONLY = new Set(['github-token', 'pr-comment']);
const NUMBERS = new Set(['retries', 'concurrency']);
const OPTIONS = {
  builder: ['auto', 'docker', 'buildx', 'buildctl', 'buildah'],
  audit: ['fail', 'warn', 'off'],
  'tag-latest': ['auto', 'always', 'never'],
  'floating-tags': ['forward', 'always'],
};
const GITLAB_DEFAULTS = { images: '$CI_REGISTRY_IMAGE' };

const inputs = {
  job_name: { default: 'hoist-build', description: 'Name of the job.' },
  stage: { default: 'build', description: 'Stage of the job.' },
  image: {
    default: 'registry.gitlab.com/hoist/hoist:0',
    description: 'The image the job runs in: Node 24, the Hoist bundle and the builder tools (gitlab/runtime/Dockerfile).',
  },
  runner_tags: { type: 'array', default: [], description: 'Runner tags for the job.' },
  rules: { type: 'array', default: [{ when: 'on_success' }], description: 'When the job runs (GitLab rules).' },
  hoist_command: { default: 'node /opt/hoist/dist/index.js', description: 'How the job runs Hoist (a path into the runtime image).' },
};
const variables = {};
for (const [name, spec] of Object.entries(action.inputs)) {
  if (GITHUB_ONLY.has(name)) continue;
  const key = name.replaceAll('-', '_');
  const input = { description: spec.description };
  const fallback = GITLAB_DEFAULTS[name] ?? spec.default ?? '';
  if (fallback === 'true' || fallback === 'false') Object.assign(input, { type: 'boolean', default: fallback === 'true' });
  else if (NUMBERS.has(name)) Object.assign(input, { type: 'number', default: Number(fallback) });
  else Object.assign(input, { default: fallback });
  if (OPTIONS[name]) input.options = OPTIONS[name];
  inputs[key] = input;
  variables[`INPUT_${key.toUpperCase()}`] = `$[[ inputs.${key} ]]`;
}
variables.HOIST_COMMAND = '$[[ inputs.hoist_command ]]';

const job = {
  stage: '$[[ inputs.stage ]]',
  image: '$[[ inputs.image ]]',
  tags: '$[[ inputs.runner_tags ]]',
  rules: '$[[ inputs.rules ]]',
  variables,
  // $HOIST_COMMAND is split into words by the shell, never evaluated: no input becomes script text.
  script: ['$HOIST_COMMAND'],
  after_script: ['HOIST_PHASE=post $HOIST_COMMAND'],
  artifacts: { when: 'always', reports: { dotenv: 'hoist.env' }, paths: ['hoist-metadata.json', 'hoist-summary.md'] },
};
const header = '# Generated from action.yml by scripts/gitlab-template.mjs: edit those, then run it.\n';
const text = `${header}${stringify({ spec: { inputs } }, { lineWidth: 0 })}---\n${stringify({ '$[[ inputs.job_name ]]': job }, { lineWidth: 0 })}`;
const target = `${root}gitlab/templates/build.yml`;
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    /* missing */
  }
  if (current !== text) {
    console.error('gitlab/templates/build.yml does not match action.yml: run node scripts/gitlab-template.mjs');
    process.exit(1);
  }
  console.log('gitlab/templates/build.yml matches action.yml');
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
