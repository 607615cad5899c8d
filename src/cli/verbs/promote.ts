/** `hoist promote`: promote/action.yml's inputs as flags. */
import { PROMOTE_FLAGS } from '../inputs.generated.js';
import { pipelineVerb } from './pipeline.js';

export const promote = pipelineVerb({
  name: 'promote',
  summary: 'copy an image by digest to other registries, sending only what each lacks',
  flags: PROMOTE_FLAGS,
  examples: ['hoist promote --source registry.acme/team/app@sha256:… --destinations prod.acme/app --tags 1.4.2 --tags stable'],
  pipeline: async () => (await import('../../pipeline/promote.js')).promote,
});
