// Writes gitlab/templates/build.yml from action.yml, and merge.yml, stale.yml and push.yml from
// merge/, stale/ and push/action.yml, so each
// GitLab component has exactly its action's inputs (names with _ for -, typed: boolean, number, options) plus the job's own (name,
// stage, image, runner tags, rules, the command). Inputs reach the job as variables, never as
// script text. `--check` fails when the committed template differs (the tests run it).
//   node scripts/gitlab-template.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const root = fileURLToPath(new URL('..', import.meta.url));
const GITHUB_ONLY = new Set(['github-token', 'pr-comment']);
const NUMBERS = new Set(['retries', 'concurrency']);
const OPTIONS = {
  builder: ['auto', 'docker', 'buildx', 'buildctl', 'buildah'],
  audit: ['fail', 'warn', 'off'],
  'tag-latest': ['auto', 'always', 'never'],
  'floating-tags': ['forward', 'always'],
  'release-tags': ['protect', 'overwrite'],
  // A choice whose default is false: a string with options, not a boolean.
  sign: ['false', 'key', 'keyless'],
};

/** The components generated from an action file: build (action.yml) and merge (merge/action.yml). */
const COMPONENTS = {
  build: {
    action: 'action.yml',
    job: 'hoist-build',
    stage: 'build',
    // push: images is always set here (CI_REGISTRY_IMAGE), Hoist's form, so push is true unless said (action.yml's rule).
    defaults: { images: '$CI_REGISTRY_IMAGE', 'digest-dir': 'hoist-digests', push: 'true' },
    // GitLab's own, in place of pr-comment and github-token (src/report/comment.ts reads them).
    gitlabOnly: {
      'mr-comment': {
        description:
          'One note on the merge request with the references and digest, updated in place on every run (GitLab notes API). API failures are warnings.',
        default: 'false',
      },
      'gitlab-token': {
        description:
          'The token for the note: name a masked variable ($MR_NOTE_TOKEN), a project access token with the api scope. Default: the job token (CI_JOB_TOKEN), where the instance lets it write notes.',
      },
    },
    post: true,
    // hoist-layout/: where `outputs: type=oci,dest=hoist-layout` puts the image for the push component.
    paths: ['hoist-metadata.json', 'hoist-summary.md', 'hoist-digests/', 'hoist-hierarchy-pipeline.yml', 'hoist-layout/'],
  },
  merge: {
    action: 'merge/action.yml',
    job: 'hoist-merge',
    stage: 'deploy',
    mode: 'merge',
    defaults: { images: '$CI_REGISTRY_IMAGE', 'sources-dir': 'hoist-digests' },
    needs: "Jobs to wait for and take artifacts from: the platforms' build jobs (their hoist-digests/ files); every job of a parallel:matrix by its name.",
    paths: ['hoist-summary.md'],
  },
  // Build once (push: false, outputs: type=oci,dest=hoist-layout), test that image, then push it.
  push: {
    action: 'push/action.yml',
    job: 'hoist-push',
    stage: 'deploy',
    mode: 'push',
    defaults: { images: '$CI_REGISTRY_IMAGE', artefact: 'hoist-layout' },
    needs: 'Jobs to wait for and take artifacts from: the build job whose outputs wrote the layout (its hoist-layout/ artifact).',
  },
  stale: {
    action: 'stale/action.yml',
    job: 'hoist-stale',
    stage: 'test',
    mode: 'stale',
    defaults: {},
    rules: [{ if: '$CI_PIPELINE_SOURCE == "schedule"' }],
    paths: ['hoist-summary.md'],
  },
};

function template(name, c) {
  const action = parse(readFileSync(`${root}${c.action}`, 'utf8'));
  const inputs = {
    job_name: { default: c.job, description: 'Name of the job.' },
    stage: { default: c.stage, description: 'Stage of the job.' },
    image: {
      default: 'registry.gitlab.com/hoist/hoist:0',
      description:
        "The image the job runs in: Node 24, the Hoist bundle and the builder tools (the repository's Dockerfile). The catalog's components run in the image of their own commit instead (scripts/catalog.mjs).",
    },
    runner_tags: { type: 'array', default: [], description: 'Runner tags for the job.' },
    rules: { type: 'array', default: c.rules ?? [{ when: 'on_success' }], description: 'When the job runs (GitLab rules).' },
    ...(c.needs ? { needs: { type: 'array', default: ['hoist-build'], description: c.needs } } : {}),
    hoist_command: { default: 'node /opt/hoist/dist/index.js', description: 'How the job runs Hoist (a path into the runtime image).' },
  };
  const variables = c.mode ? { HOIST_MODE: c.mode } : {};
  for (const [input, spec] of [...Object.entries(action.inputs), ...Object.entries(c.gitlabOnly ?? {})]) {
    if (GITHUB_ONLY.has(input) || input === 'hoist-mode') continue;
    const key = input.replaceAll('-', '_');
    const entry = { description: spec.description };
    const fallback = c.defaults[input] ?? spec.default ?? '';
    if ((fallback === 'true' || fallback === 'false') && !OPTIONS[input]) Object.assign(entry, { type: 'boolean', default: fallback === 'true' });
    else if (NUMBERS.has(input)) Object.assign(entry, { type: 'number', default: Number(fallback) });
    else Object.assign(entry, { default: fallback });
    if (OPTIONS[input]) entry.options = OPTIONS[input];
    inputs[key] = entry;
    variables[`INPUT_${key.toUpperCase()}`] = `$[[ inputs.${key} ]]`;
  }
  variables.HOIST_COMMAND = '$[[ inputs.hoist_command ]]';
  const job = {
    stage: '$[[ inputs.stage ]]',
    image: '$[[ inputs.image ]]',
    tags: '$[[ inputs.runner_tags ]]',
    rules: '$[[ inputs.rules ]]',
    ...(c.needs ? { needs: '$[[ inputs.needs ]]' } : {}),
    variables,
    // $HOIST_COMMAND is split into words by the shell, never evaluated: no input becomes script text.
    script: ['$HOIST_COMMAND'],
    ...(c.post ? { after_script: ['HOIST_PHASE=post $HOIST_COMMAND'] } : {}),
    artifacts: { when: 'always', reports: { dotenv: 'hoist.env' }, ...(c.paths ? { paths: c.paths } : {}) },
  };
  const header = `# Generated from ${c.action} by scripts/gitlab-template.mjs: edit those, then run it.\n`;
  return `${header}${stringify({ spec: { inputs } }, { lineWidth: 0 })}---\n${stringify({ '$[[ inputs.job_name ]]': job }, { lineWidth: 0 })}`;
}

let stale = false;
for (const [name, c] of Object.entries(COMPONENTS)) {
  const text = template(name, c);
  const target = `${root}gitlab/templates/${name}.yml`;
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {
      /* missing */
    }
    if (current !== text) {
      console.error(`gitlab/templates/${name}.yml does not match ${c.action}: run node scripts/gitlab-template.mjs`);
      stale = true;
    } else console.log(`gitlab/templates/${name}.yml matches ${c.action}`);
  } else {
    writeFileSync(target, text);
    console.log(`wrote ${target}`);
  }
}
if (stale) process.exit(1);
