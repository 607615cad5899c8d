/**
 * The build inputs read as a step reads them, for the unit tests of src/inputs: a fixed run context,
 * a reader over a plain record, and what the inputs hid (masked and redacted) on the way.
 */
import { ConfigError, type ConfigIssue } from '../../src/core/errors.js';
import type { BuildInputs } from '../../src/inputs/index.js';
import { readBuildInputs } from '../../src/plan/inputs.js';
import type { CiContext } from '../../src/platform/platform.js';
import { SecretCatalog } from '../../src/secrets/catalog.js';

export const ctx: CiContext = {
  facts: { git: { branch: 'main', sha: 'abcdef0123456789', scheduled: false }, commitTime: '2026-11-20T09:30:00+01:00', repository: {} },
  now: () => new Date('2026-11-23T12:00:00Z'),
  workspace: '/ws',
  tempDir: '/tmp',
  env: {},
};

export const reader = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? '';

/** The inputs, and every value they hid (masked and redacted) on the way. */
const hidden = new WeakMap<BuildInputs, string[]>();

export const parseConfig = async (read: (name: string) => string, context: CiContext): Promise<BuildInputs> => {
  const values: string[] = [];
  const inputs = await readBuildInputs(read, context, new SecretCatalog((v) => values.push(v)));
  hidden.set(inputs, values);
  return inputs;
};

export const secretValues = (c: BuildInputs) => hidden.get(c)!;

/** The problems the inputs are refused for, or none. */
export const issuesOf = async (inputs: Record<string, string>, context = ctx): Promise<ConfigIssue[]> => {
  try {
    await parseConfig(reader(inputs), context);
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.issues;
  }
};
