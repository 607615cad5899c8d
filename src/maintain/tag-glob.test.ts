// Property: a --match glob either matches tags as the shell would match file names, or is refused
// naming the character and the fix — never a glob that silently matches nothing. Nearest real-world
// variant: `hoist tags prune … --match 'sha-[0-9a-f*'` typed in a scheduled job, which pruned
// nothing for months and said nothing.
import { describe, expect, it } from 'vitest';
import { tagGlob } from './tag-glob.js';

describe('tag globs', () => {
  it.each([
    ['sha-[0-9a-f]*', 'sha-0a1b', true],
    ['sha-[0-9a-f]*', 'sha-zz', false],
    ['pr-[!0]*', 'pr-12', true],
    ['pr-[^1]*', 'pr-12', false],
    ['[]x]y', ']y', true],
    ['nightly-2026??[0-3]?', 'nightly-20261207', true],
    ['a\\*', 'a*', true],
    ['a\\*', 'ab', false],
    ['1.*', '10', false],
    ['v[1-2].*', 'v2.0', true],
    ['[a-]x', '-x', true],
  ])('%s matches %s: %s', (glob, tag, matches) => {
    expect(tagGlob(glob).test(tag)).toBe(matches);
  });

  it.each([
    ['[', "opens a class with '[' at character 1 and never closes it"],
    ['sha-[0-9a-f*', 'at character 5 and never closes it: close it (sha-[0-9a-f]*)'],
    ['{sha,pr}-*', "holds '{', which no tag can hold"],
    ['team/app-*', "holds '/', which no tag can hold"],
    ['x\\', "ends with '\\', which escapes nothing"],
  ])('refuses %s, naming why', (glob, message) => {
    expect(() => tagGlob(glob)).toThrow(message);
  });
});
