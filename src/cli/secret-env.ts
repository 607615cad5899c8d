/** The environment variables secret inputs come from (`HOIST_NAME`), and the environment tools get without them. */
import { SECRET_INPUTS } from '../secrets/inputs.js';

export const envName = (input: string) => `HOIST_${input.toUpperCase().replaceAll('-', '_')}`;

const SECRET_ENV_NAMES = new Set([...SECRET_INPUTS].map(envName));

/** The environment without the secret variables Hoist reads: what the tools it runs get. */
export const childEnv = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(env).filter(([k]) => !SECRET_ENV_NAMES.has(k)));
