/** `hoist merge`: merge/action.yml's inputs as flags. */
import { MERGE_FLAGS } from '../inputs.generated.js';
import { pipelineVerb } from './pipeline.js';

export const merge = pipelineVerb({
  name: 'merge',
  summary: 'join images built per platform (pushed by digest) into one index, with forward-only tags',
  flags: MERGE_FLAGS,
  examples: ['hoist merge --images registry.acme/team/app --sources-dir digests/ --version 1.4.2'],
  pipeline: async () => (await import('../../pipeline/merge.js')).merge,
});
