/** `hoist push LAYOUT|ARCHIVE`: push/action.yml's inputs, those of a build that apply to an image already built (where it goes, its tags, its audit, its signature). */
import { PUSH_FLAGS } from '../inputs.generated.js';
import { pipelineVerb } from './pipeline.js';

export const push = pipelineVerb({
  name: 'push',
  summary: 'push an image built earlier (OCI layout or docker archive): audited, tagged as a build is',
  flags: PUSH_FLAGS,
  positional: { input: 'artefact', name: 'LAYOUT|ARCHIVE', error: 'push takes one OCI layout directory or docker archive (hoist push ./layout --images …)' },
  examples: [
    'hoist build --images registry.acme/team/app --push=false --load --outputs type=oci,dest=out/layout   # build once',
    'docker run --rm registry.acme/team/app:1.4.2 ./run-tests                                              # test it',
    'hoist push out/layout --images registry.acme/team/app --version 1.4.2                               # push what was tested',
  ],
  pipeline: async () => (await import('../../pipeline/push-artefact.js')).pushArtefact,
});
