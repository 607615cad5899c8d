/**
 * The SLSA v1 provenance Hoist writes itself for every build, whatever the builder (docker, buildx,
 * buildctl, buildah): an in-toto Statement v1 whose subjects are the image's manifest digests (an
 * index and each platform image), whose build definition holds what the inputs asked (Dockerfile,
 * target, platforms, build argument names — never their values —, the images and version) and the
 * resolved dependencies (the source commit, the base image by digest), and whose run details name
 * Hoist, the CI run and the times. Only what Hoist knows itself; no value of the secret catalog
 * (it is audited before it is pushed, like every byte of the image).
 */
import { relative } from 'node:path';
import type { Built } from '../builders/stage.js';
import { formatRepository } from '../core/reference.js';
import type { BuildInputs } from '../inputs/index.js';

export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
/** The build type: a URI naming Hoist's container build, whose parameters are the ones below. */
export const HOIST_BUILD_TYPE = 'urn:hoist:container-build:v1';

type Env = Readonly<Record<string, string | undefined>>;

/** The CI run that built it, as a URL where the CI system gives one. */
export function invocationOf(env: Env): string | undefined {
  if (env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY)
    return `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}/attempts/${env.GITHUB_RUN_ATTEMPT ?? '1'}`;
  return env.CI_JOB_URL ?? env.BUILD_URL ?? env.BUILDKITE_BUILD_URL ?? env.CIRCLE_BUILD_URL ?? undefined;
}

/** The CI system's builder id: the platform that ran the build (SLSA's `builder.id`). */
function builderId(env: Env): string {
  if (env.GITHUB_ACTIONS === 'true') return `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/actions/runner/${env.RUNNER_ENVIRONMENT ?? 'unknown'}`;
  if (env.GITLAB_CI) return `${env.CI_SERVER_URL ?? 'https://gitlab.com'}/gitlab-runner`;
  return 'urn:hoist:cli';
}

const label = (b: Pick<Built, 'meta'>, name: string) =>
  b.meta.annotations.values.find(([k]) => k === name)?.[1] ?? b.meta.labels.values.find(([k]) => k === name)?.[1];

export interface ProvenanceRun {
  env: Env;
  workspace: string;
  startedOn: Date;
  finishedOn: Date;
  hoistVersion: string;
}

/** The statement for one build: subjects are every manifest its signatures cover. */
export function provenanceStatement(b: Built, inputs: BuildInputs, digests: readonly string[], run: ProvenanceRun): Buffer {
  const name = b.unit.images[0] ? formatRepository(b.unit.images[0].repository) : 'image';
  const source = label(b, 'org.opencontainers.image.source');
  const revision = label(b, 'org.opencontainers.image.revision');
  const baseName = label(b, 'org.opencontainers.image.base.name');
  const baseDigest = label(b, 'org.opencontainers.image.base.digest');
  const dependencies = [
    ...(source && revision ? [{ uri: `git+${source}`, digest: { gitCommit: revision } }] : []),
    ...(baseName && baseDigest?.startsWith('sha256:') ? [{ uri: `pkg:docker/${baseName}`, digest: { sha256: baseDigest.slice(7) } }] : []),
  ];
  const invocation = invocationOf(run.env);
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: digests.map((d) => ({ name, digest: { sha256: d.slice('sha256:'.length) } })),
    predicateType: SLSA_PROVENANCE_V1,
    predicate: {
      buildDefinition: {
        buildType: HOIST_BUILD_TYPE,
        externalParameters: {
          dockerfile: relative(run.workspace, inputs.source.file) || inputs.source.file,
          context: inputs.source.git ? 'git' : relative(run.workspace, inputs.source.context) || '.',
          ...(b.unit.target ? { target: b.unit.target } : {}),
          platforms: b.platforms,
          buildArgs: inputs.source.buildArgs.map(([k]) => k),
          images: b.unit.images.map((i) => formatRepository(i.repository)),
          ...(inputs.release.version ? { version: inputs.release.version } : {}),
        },
        internalParameters: { builder: inputs.builder.builder, reproducible: inputs.builder.reproducible },
        resolvedDependencies: dependencies,
      },
      runDetails: {
        builder: { id: builderId(run.env), version: { hoist: run.hoistVersion } },
        metadata: {
          ...(invocation ? { invocationId: invocation } : {}),
          startedOn: run.startedOn.toISOString(),
          finishedOn: run.finishedOn.toISOString(),
        },
      },
    },
  };
  return Buffer.from(JSON.stringify(statement));
}
