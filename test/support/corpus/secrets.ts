/**
 * Secret values shaped like the ones real pipelines carry, each with the characters its format
 * has to escape: a base64-ish token (+/=), one with HTML-sensitive characters (.NET and XML
 * escape them), one beyond ASCII (json.dumps, XML character references, esbuild's ASCII output),
 * one with a quote (shell quoting), one a URL's password has to percent-encode, one Java's
 * Properties.store escapes (= : # ! and beyond ASCII).
 */
import { randomInt } from 'node:crypto';

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

/** A fresh value of `shape`: 28 random alphanumerics with the shape's specials at random places, never at an end. */
export function secretOf(shape: Shape): string {
  const chars = Array.from({ length: 28 }, () => ALNUM[randomInt(ALNUM.length)]!);
  for (const s of SPECIALS[shape]) chars.splice(1 + randomInt(chars.length - 1), 0, s);
  return chars.join('');
}
