/**
 * Secret values shaped like the ones real pipelines carry, each with the characters its format
 * has to escape: a base64-ish token (+/=), one with HTML-sensitive characters (.NET and XML
 * escape them), one beyond ASCII (json.dumps, XML character references, esbuild's ASCII output),
 * one with a quote (shell quoting), one a URL's password has to percent-encode, one Java's
 * Properties.store escapes (= : # ! and beyond ASCII).
 *
 * Where the specials go and the alphanumerics around them are drawn from seeded generators
 * (test/support/random.ts), so a run's values are made again from HOIST_TEST_SEED=<SECRET_SEED>. The
 * alphanumerics shape what a tool does with a value (textwrap breaks after a hyphen only between
 * letters; icalendar reads `\N` as a line break): unpredictable, they made a round fail one run in
 * tens and no failure could be replayed (stop 47's CI). Other draws: HOIST_TEST_SEED=$RANDOM.
 */
import { seeded, testSeed } from '../random.js';

export type Shape = 'token' | 'html' | 'unicode' | 'shell' | 'url' | 'props' | 'alnum';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const SPECIALS: Record<Shape, string[]> = {
  alnum: [],
  token: ['+', '/', '=', '+', '/'],
  html: ['&', '<', '>', '"', "'", '+'],
  unicode: ['é', '€', '😀', '"', '\\', 'ß'],
  shell: ["'", '$', '"', '!', '`'],
  url: ['@', ':', '/', '?', '#', '%', '&', '+', '='],
  props: ['=', ':', '#', '!', 'é', '€', '\\'],
};

/** The seed a run's values are drawn from, their specials' places and their alphanumerics (HOIST_TEST_SEED when set); a test names it. */
export const SECRET_SEED = testSeed(0x5ec7e7);
const places = seeded(SECRET_SEED);
/** The alphanumerics' own generator (the specials' places stay the draws they were for a seed). */
const letters = seeded((SECRET_SEED ^ 0xa1f4a7) >>> 0);

/** `n` alphanumerics of the seeded draw: two calls never give the same ones. */
export const alnums = (n: number): string => letters.chars(ALNUM, n);

/** A fresh value of `shape`: 28 drawn alphanumerics with the shape's specials at drawn places, never at an end. */
export function secretOf(shape: Shape): string {
  const chars = [...alnums(28)];
  for (const s of SPECIALS[shape]) chars.splice(1 + places.int(chars.length - 1), 0, s);
  return chars.join('');
}
