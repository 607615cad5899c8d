/** The verbs of `hoist`, in the order the top help page lists them: the one table the parser, help and completion read. */
import { audit } from './audit.js';
import { build } from './build.js';
import { completion } from './completion.js';
import { inspect } from './inspect.js';
import { merge } from './merge.js';
import { promote } from './promote.js';
import { push } from './push.js';
import { stale } from './stale.js';
import { tags } from './tags.js';
import type { Verb } from './verb.js';
import { verify } from './verify.js';

export const VERB_TABLE: readonly Verb[] = [build, promote, merge, stale, push, tags, audit, inspect, verify, completion];

export const verbNamed = (name: string): Verb | undefined => VERB_TABLE.find((v) => v.name === name);
