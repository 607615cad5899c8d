// Property: a value written through a quoting family stacked with a doubling family — YAML's ''
// around compose's $$ (docker-compose: `POSTGRES_PASSWORD: 'pa''ss$$word'`) or around %% — is
// found whatever the value, wherever its ' and $ or % fall; another value in the same spelling is
// not; a value that holds $$ itself is still found as it is. Nearest real-world variant: a compose
// file shipped in a tooling image with a password holding both ' and $.
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../test/support/random.js';
import { findIn } from './escape-find.testing.js';

const rand = mulberry32(20261206);
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** 24 alphanumerics with `specials` spliced in at random places (side by side at times), never at an end. */
function valueWith(specials: string): string {
  const chars = Array.from({ length: 24 }, () => ALNUM[Math.floor(rand() * ALNUM.length)]!);
  for (const s of specials) chars.splice(1 + Math.floor(rand() * (chars.length - 1)), 0, s);
  return chars.join('');
}
const compose = (v: string) => `services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: '${v.replaceAll('$', '$$').replaceAll("'", "''")}'\n`;
const percent = (v: string) => `logging:\n  format: '${v.replaceAll('%', '%%').replaceAll("'", "''")}'\n`;

describe("YAML's '' stacked with $$ or %%", () => {
  it.each([
    ['$$ (docker-compose)', "'$'$", compose],
    ['%% (a value later %-interpolated)', "'%'%", percent],
  ])('%s: found for any value with both, and not for another value', (_name, specials, spell) => {
    for (let k = 0; k < 60; k++) {
      const value = valueWith(specials);
      expect(findIn(value, spell(value)), spell(value)).toEqual([expect.stringContaining("YAML single-quoted ('')")]);
      expect(findIn(value, spell(valueWith(specials)))).toEqual([]);
    }
  });

  it("one ' and one $ apart, as a one-line YAML value: missed by each family alone", () => {
    const value = "Ab3dEf9Gh$ij7Kl'mN8opQ1rSt";
    expect(findIn(value, "v: 'Ab3dEf9Gh$$ij7Kl''mN8opQ1rSt'")).toEqual([expect.stringContaining("YAML single-quoted ('')")]);
  });

  it('a value that holds $$ itself, in YAML single quotes, is found as it is written', () => {
    const value = "Ab3dEf9Gh$$ij7Kl'mN8opQ1rSt";
    expect(findIn(value, `command: '${value.replaceAll("'", "''")}'\n`)).toEqual([expect.stringContaining("YAML single-quoted ('')")]);
  });
});
