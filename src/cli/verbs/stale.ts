/** `hoist stale`: stale/action.yml's inputs as flags; prints the images to rebuild, one a line. */
import { STALE_FLAGS } from '../inputs.generated.js';
import { pipelineVerb } from './pipeline.js';

export const stale = pipelineVerb({
  name: 'stale',
  summary: 'list the images built on a base that has moved since (exit 1 when any is)',
  flags: STALE_FLAGS,
  examples: [
    'hoist stale --images registry.acme/team/app:1.4.2 --images registry.acme/team/worker   # exit 1: rebuild what it prints',
    'hoist stale --hierarchy images.yml --json | jq -r ".outputs.stale[]"',
  ],
  pipeline: async () => (await import('../../pipeline/stale.js')).stale,
});
