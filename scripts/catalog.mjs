// Lays out the GitLab CI/CD component project from this repository, as the catalog wants it:
// templates/<name>.yml for every component (build, promote, merge, prune, stale, push), each job running
// in the runtime image of its own commit (`image: REPO:commit-$[[ component.sha ]]` in the job
// body: GitLab does not interpolate `$[[ component.* ]]` inside spec:, and a component included by
// SHA has no version); a README.md with a section per component listing its inputs (read from each
// template's spec, so it cannot drift); the LICENSE; the runtime image's Dockerfile (this
// repository's, which also makes the `hoist` command's image) with the bundle it copies; and a
// .gitlab-ci.yml that builds that image with the build component of the same commit, tests every
// component from the same commit, and publishes a release on a plain semver tag (the catalog
// refuses v1.2.3) with glab. `--check DIR` verifies an existing layout against the catalog's rules
// instead (scripts/catalog-check.mjs; the tests run both).
//   node scripts/catalog.mjs TAG OUT-DIR [RUNTIME-REPOSITORY]
//   node scripts/catalog.mjs --check DIR [TAG]
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { checkLayout, COMPONENTS, inputsOf, RELEASE_IMAGE, SEMVER } from './catalog-check.mjs';

export { checkLayout, COMPONENTS, inputsOf };
const root = fileURLToPath(new URL('..', import.meta.url));
/** Where the components' runtime image lives unless the layout is told otherwise. */
export const RUNTIME_REPOSITORY = 'registry.gitlab.com/hoist/hoist';
const RELEASE_RULE = '$CI_COMMIT_TAG =~ /^\\d+\\.\\d+\\.\\d+$/';

/**
 * A template as the catalog publishes it: the `image` input goes (its default could not name the
 * release: GitLab leaves `$[[ component.* ]]` in spec: as it is), and the job runs in the runtime
 * image of the component's own commit, which a release and a SHA include both have. A consumer
 * who wants another image sets `image:` on the job (`hoist-build: { image: … }`).
 */
export function pinTemplate(text, repository) {
  const [spec, job] = text.split('\n---\n');
  const unpinned = spec.replace(/^ {4}image:\n(?: {6}.*\n)+/m, '');
  if (unpinned === spec) throw new Error('the template has no image input to pin');
  const pinned = unpinned.replace(/^spec:\n/m, 'spec:\n  component: [sha]\n');
  const body = job.replace(/^ {2}image: \$\[\[ inputs\.image \]\]$/m, `  image: ${repository}:commit-$[[ component.sha ]]`);
  return `${pinned}\n---\n${body}`;
}

const component = (name) => `$CI_SERVER_FQDN/$CI_PROJECT_PATH/${name}@$CI_COMMIT_SHA`;

/**
 * The component project's pipeline. Every component is included from this very commit (as the
 * catalog's docs advise), so a change is tested before it is released; what the tests reach
 * (registries, the private repository, the bases) comes from CI/CD variables with defaults for
 * GitLab.com, so the same file runs in the lab with the lab's.
 */
export function projectPipeline(repository = RUNTIME_REPOSITORY) {
  const run = '$HOIST_RUN';
  const access = { hoist_command: run, registry_auth: '$HOIST_TEST_REGISTRY_AUTH', insecure_registries: '$HOIST_TEST_INSECURE' };
  // The tests run in the templates' own image, the runtime image this pipeline built for its commit.
  const common = access;
  const pipeline = {
    // The matrix has a stage of its own: on a shell runner the jobs of one stage share a checkout,
    // and with it the dotenv report the promotion reads from the test build.
    stages: ['build', 'test', 'matrix', 'deploy', 'release'],
    variables: {
      HOIST_RUN: { value: 'node /opt/hoist/dist/index.js', description: 'How the jobs run Hoist: the runtime image’s bundle.' },
      HOIST_RUNTIME_IMAGE: {
        value: repository,
        description: 'Where the runtime image goes: the repository the templates name (image: REPO:commit-SHA); a release tag adds its version tags.',
      },
      HOIST_NODE_IMAGE: { value: 'node:24-alpine', description: 'The runtime image’s Node 24.' },
      HOIST_BUILDKIT_IMAGE: { value: 'moby/buildkit:rootless', description: 'The runtime image’s base: rootless BuildKit.' },
      HOIST_RUNTIME_PACKAGES: { value: 'ca-certificates git libgcc libstdc++ openssh-client', description: 'apk packages added to the base.' },
      HOIST_BOOTSTRAP_IMAGE: {
        value: '',
        description: 'The image the runtime-image job runs in: the last release’s runtime image (set it to build this one).',
      },
      HOIST_TEST_IMAGE: { value: '$CI_REGISTRY_IMAGE/test', description: 'Where the tests push.' },
      HOIST_TEST_NETWORK: { value: '', description: 'The test build’s network (host to reach a repository on the runner’s loopback).' },
      HOIST_TEST_BASE: { value: 'alpine/git:latest', description: 'A base with git and ssh, for the test build.' },
      HOIST_TEST_MULTI_BASE: { value: 'alpine:3', description: 'A base for linux/amd64 and linux/arm64, for the matrix test.' },
      HOIST_TEST_GIT_URL: {
        value: 'ssh://git@$CI_SERVER_SHELL_SSH_HOST:$CI_SERVER_SHELL_SSH_PORT/$CI_PROJECT_PATH.git',
        description: 'A repository the test clones over SSH (a deploy key in HOIST_TEST_SSH_KEY).',
      },
      HOIST_TEST_KNOWN_HOSTS: { value: '', description: 'The SSH host keys of HOIST_TEST_GIT_URL.' },
      HOIST_TEST_REGISTRY_AUTH: { value: '', description: 'registry-auth lines for registries other than $CI_REGISTRY.' },
      HOIST_TEST_INSECURE: { value: '', description: 'Registries the tests reach over plain HTTP.' },
    },
    include: [
      {
        component: component('build'),
        inputs: {
          ...access,
          job_name: 'runtime-image',
          stage: 'build',
          context: '.',
          file: 'runtime/Dockerfile',
          images: '$HOIST_RUNTIME_IMAGE',
          tags: 'commit-$CI_COMMIT_SHA',
          build_args: 'NODE_IMAGE=$HOIST_NODE_IMAGE\nBUILDKIT_IMAGE=$HOIST_BUILDKIT_IMAGE\nPACKAGES=$HOIST_RUNTIME_PACKAGES',
          digest_dir: '',
        },
      },
      {
        component: component('build'),
        inputs: {
          ...common,
          job_name: 'test-build',
          stage: 'test',
          context: 'test/app',
          images: '$HOIST_TEST_IMAGE/app',
          build_args: 'BASE=$HOIST_TEST_BASE\nGIT_URL=$HOIST_TEST_GIT_URL',
          secrets: 'token=$HOIST_TEST_SECRET',
          ssh_key: '$HOIST_TEST_SSH_KEY',
          ssh_known_hosts: '$HOIST_TEST_KNOWN_HOSTS',
          network: '$HOIST_TEST_NETWORK',
          digest_dir: '',
        },
      },
      {
        component: component('build'),
        inputs: {
          ...common,
          job_name: 'test-platforms',
          stage: 'matrix',
          context: 'test/platforms',
          images: '$HOIST_TEST_IMAGE/parts',
          build_args: 'BASE=$HOIST_TEST_MULTI_BASE',
          platforms: 'linux/$ARCH',
          push_by_digest: true,
        },
      },
      {
        component: component('merge'),
        inputs: { ...common, job_name: 'test-merge', stage: 'deploy', needs: ['test-platforms'], images: '$HOIST_TEST_IMAGE/multi' },
      },
      {
        component: component('promote'),
        inputs: {
          ...common,
          job_name: 'test-promote',
          stage: 'deploy',
          source: '$HOIST_TEST_IMAGE/app@$IMAGE_DIGEST',
          destinations: '$HOIST_TEST_IMAGE/promoted',
          tags: 'stable',
        },
      },
      {
        component: component('prune'),
        inputs: {
          ...common,
          job_name: 'test-prune',
          stage: 'release',
          rules: [{ when: 'on_success' }],
          repository: '$HOIST_TEST_IMAGE/app',
          keep: 5,
          dry_run: true,
        },
      },
      {
        component: component('stale'),
        inputs: { ...common, job_name: 'test-stale', stage: 'deploy', rules: [{ when: 'on_success' }], images: '$HOIST_TEST_IMAGE/app@$IMAGE_DIGEST' },
      },
      // Build once into an OCI layout without pushing (the build component keeps hoist-layout/ as an
      // artifact), then the push component pushes that layout: the digest built is the digest pushed.
      {
        component: component('build'),
        inputs: {
          ...common,
          job_name: 'test-layout',
          stage: 'matrix',
          context: 'test/pushed',
          images: '$HOIST_TEST_IMAGE/pushed',
          build_args: 'BASE=$HOIST_TEST_MULTI_BASE',
          push: false,
          outputs: 'type=oci,dest=hoist-layout',
          digest_dir: '',
        },
      },
      {
        component: component('push'),
        inputs: { ...common, job_name: 'test-push', stage: 'deploy', needs: ['test-layout'], images: '$HOIST_TEST_IMAGE/pushed' },
      },
    ],
    // Keys added to the components' jobs: one platform per matrix job; the promotion takes the test build's digest only.
    'test-platforms': { parallel: { matrix: [{ ARCH: ['amd64', 'arm64'] }] } },
    'test-promote': { needs: ['test-build'] },
    'test-stale': { needs: ['test-build'] },
    'runtime-image': { image: '$HOIST_BOOTSTRAP_IMAGE', rules: [{ if: '$HOIST_BOOTSTRAP_IMAGE' }] },
    release: {
      stage: 'release',
      image: RELEASE_IMAGE, // the release keyword runs glab here
      rules: [{ if: RELEASE_RULE }],
      script: ['echo "Hoist components $CI_COMMIT_TAG, runtime image $HOIST_RUNTIME_IMAGE:$CI_COMMIT_TAG"'],
      release: {
        tag_name: '$CI_COMMIT_TAG',
        name: 'Hoist $CI_COMMIT_TAG',
        description: 'Hoist CI/CD components $CI_COMMIT_TAG: build, promote, merge, prune, stale, push.',
      },
    },
  };
  return `# The Hoist component project's pipeline, generated by scripts/catalog.mjs.\n${stringify(pipeline, { lineWidth: 0 })}`;
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

function layOut(tag, out, repository = RUNTIME_REPOSITORY) {
  if (!SEMVER.test(tag)) throw new Error(`'${tag}' is not plain semantic versioning (1.2.3): the catalog refuses it; release as ${tag.replace(/^v/, '')}`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'templates'), { recursive: true });
  const components = COMPONENTS.map((name) => {
    const text = pinTemplate(readFileSync(join(root, `gitlab/templates/${name}.yml`), 'utf8'), repository);
    writeFileSync(join(out, 'templates', `${name}.yml`), text);
    return [name, inputsOf(text)];
  });
  writeFileSync(join(out, 'README.md'), readme(components));
  writeFileSync(join(out, '.gitlab-ci.yml'), projectPipeline(repository));
  copyFileSync(join(root, 'LICENSE'), join(out, 'LICENSE'));
  // What the runtime image is built from: its Dockerfile, the bundle, and the tests' apps.
  mkdirSync(join(out, 'runtime'));
  copyFileSync(join(root, 'Dockerfile'), join(out, 'runtime/Dockerfile'));
  cpSync(join(root, 'dist'), join(out, 'dist'), { recursive: true });
  cpSync(join(root, 'gitlab/project/test'), join(out, 'test'), { recursive: true });
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
      layOut(first, second, third);
      console.log(`catalog layout for ${first} in ${second}: ${COMPONENTS.map((c) => `templates/${c}.yml`).join(', ')}, README.md`);
    }
  } catch (e) {
    console.error(e.message);
    process.exitCode = 1;
  }
}
