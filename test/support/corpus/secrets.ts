/**
 * Secret values shaped like the ones real pipelines carry, each with the characters its format
 * has to escape: a base64-ish token (+/=), one with HTML-sensitive characters (.NET and XML
 * escape them), one beyond ASCII (json.dumps, XML character references, esbuild's ASCII output),
 * one with a quote (shell quoting), one a URL's password has to percent-encode, one Java's
 * Properties.store escapes (= : # ! and beyond ASCII).
 *
 * Where the specials go is drawn from one seeded generator (test/support/random.ts), so a value's
 * shape that made a case fail is made again from HOIST_TEST_SEED=<SECRET_SEED>; the alphanumerics
 * stay unpredictable (a value's only job there is to be unique).
 */
import { randomInt } from 'node:crypto';
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

/** The seed the specials' places are drawn from (HOIST_TEST_SEED when set); a test names it where a value's shape may matter. */
export const SECRET_SEED = testSeed(0x5ec7e7);
const places = seeded(SECRET_SEED);

/** A fresh value of `shape`: 28 random alphanumerics with the shape's specials at random places, never at an end. */
export function secretOf(shape: Shape): string {
  const chars = Array.from({ length: 28 }, () => ALNUM[randomInt(ALNUM.length)]!);
  for (const s of SPECIALS[shape]) chars.splice(1 + places.int(chars.length - 1), 0, s);
  return chars.join('');
}
