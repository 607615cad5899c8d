/** `hoist build`: the Action's build, action.yml's inputs as flags and the run context; `--plan`/`--entry` are short for `--hierarchy-plan`/`--hierarchy-entry`. */
import { BUILD_FLAGS } from '../inputs.generated.js';
import { pipelineVerb } from './pipeline.js';

export const build = pipelineVerb({
  name: 'build',
  summary: 'build an image, audit it for secrets, push it with its release tags',
  flags: BUILD_FLAGS,
  context: true,
  aliases: { '--plan': '--hierarchy-plan', '--entry': '--hierarchy-entry' },
  examples: [
    'hoist build --images registry.acme/team/app --secret-files token=token.txt',
    'HOIST_REGISTRY_AUTH="registry.acme=ci:$PASSWORD" hoist build --images registry.acme/team/app --json | jq -r .outputs.digest',
    'hoist build --images registry.acme/team/app --push=false --load   # build and test locally first',
  ],
  pipeline: async () => (await import('../../pipeline/build.js')).build,
});
