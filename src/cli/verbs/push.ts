/** `hoist push LAYOUT|ARCHIVE`: the build's inputs that apply to an image already built (where it goes, its tags, its audit). */
import { BUILD_FLAGS } from '../inputs.generated.js';
import { pipelineVerb } from './pipeline.js';

const PUSH_INPUTS = new Set([
  'images',
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
  'created',
  'secrets',
  'secret-files',
  'secret-envs',
  'audit',
  'audit-limits',
  'audit-values',
  'registry-auth',
  'registry-ca',
  'insecure-registries',
  'github-token',
  'retries',
  'concurrency',
  'sign',
  'signing-key',
  'signing-key-password',
]);

export const push = pipelineVerb({
  name: 'push',
  summary: 'push an image built earlier (OCI layout or docker archive): audited, tagged as a build is',
  flags: BUILD_FLAGS.filter((f) => PUSH_INPUTS.has(f.name)),
  positional: { input: 'artefact', name: 'LAYOUT|ARCHIVE', error: 'push takes one OCI layout directory or docker archive (hoist push ./layout --images …)' },
  examples: [
    'hoist build --images registry.acme/team/app --push=false --load --outputs type=oci,dest=out/layout   # build once',
    'docker run --rm registry.acme/team/app:1.4.2 ./run-tests                                              # test it',
    'hoist push out/layout --images registry.acme/team/app --version 1.4.2                               # push what was tested',
  ],
  pipeline: async () => (await import('../../pipeline/push-artefact.js')).pushArtefact,
});
