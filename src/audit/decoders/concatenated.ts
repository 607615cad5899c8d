/**
 * Consecutive members of one format — gzip members, xz streams, lz4 frames — read by their decoder
 * as one content, as `gzip -dc` prints member after member (`cat a.gz b.gz`, `gzip -c >>`, bgzip's
 * BGZF blocks), so a value or a tar cut across two is whole. The router still searches what follows
 * a stream's start for more streams of its format (`Decoder.more`): that search is what reads bytes
 * after the last member (a tape's zeros, a signature, junk, a member after junk) as before. A member
 * it finds that the decoder already read as part of the joined content is passed over: the decoder
 * says where each later member starts (`joined`), before the router's search is given those bytes
 * (the router feeds the decoder each chunk first), and a stream found there opens as nothing (`read`).
 * Keyed by the file of the layer (`DecodeEnv.scope`: the same path in two layers audited at once is
 * two files) and the path the router gives a stream found inside (`path@offset`); forgotten when the
 * content ends (`forget`).
 */
import type { DecodeEnv, Decoding } from './types.js';

const taken = new WeakMap<object, Set<string>>();
/** The scope of an environment made without one (a decoder's unit test). */
const NO_SCOPE = {};
const takenIn = (env: DecodeEnv): Set<string> => {
  const scope = env.scope ?? NO_SCOPE;
  let set = taken.get(scope);
  if (!set) taken.set(scope, (set = new Set()));
  return set;
};

/** The place a stream found at `offset` inside the content at `path` is opened under: the router's `path@offset`. */
const key = (path: string, offset: number) => `${path}@${offset}`;

/** Consecutive members a decoder reads as one content: where each after the first starts, told as it meets it. */
export class Joined {
  readonly #keys: string[] = [];

  constructor(readonly env: DecodeEnv) {}

  /** A member after the first starts at `offset` in the content: read here, not again where the router finds it. */
  member(offset: number): void {
    if (this.env.trial) return; // a stream found inside is read one member at a time: the router finds each
    const k = key(this.env.path, offset);
    takenIn(this.env).add(k);
    this.#keys.push(k);
  }

  /** The content ended: its members' places are forgotten. */
  forget(): void {
    const set = takenIn(this.env);
    for (const k of this.#keys.splice(0)) set.delete(k);
  }
}

/** A stream found inside content at a place whose decoder read it already as one of its joined members: nothing to read. */
export function readAlready(env: DecodeEnv): boolean {
  return env.trial === true && takenIn(env).delete(env.path);
}

/** What a stream read already opens as: nothing, finished. */
export const NOTHING: Decoding = { finished: true, push: () => undefined, end: () => undefined };
