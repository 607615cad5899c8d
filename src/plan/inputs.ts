/**
 * The inputs with their release planned: the inputs stage reads the settings and collects their
 * problems (`inputs/index.ts`, `inputs/merge.ts`), the release is planned beside them
 * (`release.ts`), and every problem — the inputs' and the plan's — is thrown once, as one
 * ConfigError, before anything runs.
 */
import { ConfigError } from '../core/errors.js';
import type { LazyFacts } from '../core/facts.js';
import type { CiContext } from '../core/platform.js';
import type { SecretCatalog } from '../secrets/catalog.js';
import { readInputSettings, type BuildInputs } from '../inputs/index.js';
import { readMergeSettings, type MergeInputs } from '../inputs/merge.js';
import type { InputReader } from '../inputs/read.js';
import { planRelease, type ReleaseFacts } from './release.js';

const releaseFacts = (ctx: CiContext): ReleaseFacts => ({ facts: ctx.facts, now: ctx.now(), sourceDateEpoch: ctx.env.SOURCE_DATE_EPOCH });

/**
 * Every input of a build read and checked, and its release planned; secrets are in `catalog` before
 * any message is printed. `facts` (the checkout's, which a process finds) are asked for only when
 * the inputs hold: the release of inputs that do not is planned on the CI system's facts, for its
 * own problems (a tag, `created`), which the commit time does not change.
 */
export async function readBuildInputs(
  read: InputReader,
  ctx: CiContext,
  catalog: SecretCatalog,
  facts: LazyFacts = async () => ctx.facts,
): Promise<BuildInputs> {
  const { settings, images, issues, notes } = await readInputSettings(read, ctx, catalog);
  const run = issues.length ? ctx : { ...ctx, facts: await facts() };
  const release = planRelease(images, settings.tags, settings.metadata.created, releaseFacts(run), issues);
  if (issues.length) throw new ConfigError(issues);
  release.warnings.unshift(...notes);
  return { ...settings, release };
}

/** The inputs of a merge read and checked, and the release of its index planned with the build's tag rules. */
export async function readMergeInputs(read: InputReader, ctx: CiContext, catalog: SecretCatalog): Promise<MergeInputs> {
  const { settings, images, issues, created } = await readMergeSettings(read, ctx, catalog);
  const release = planRelease(images, settings.tags, created, releaseFacts(ctx), issues);
  if (issues.length) throw new ConfigError(issues);
  return { ...settings, release };
}
