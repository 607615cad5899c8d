// Property: the version a refusal tells the user to write is one the check accepts — following the hint never gives
// a second refusal. A prefixed calendar version (`release-2024.12.06`, `app-2.1.0-rc.01` given as version) was told
// "give 2024.12.06" — itself refused for its zero-padded day. Nearest real-world variants: `version: release-2024.12.06`
// (a release branch's name pasted in), `version: app-2.1.0-rc.01`, `version: build-3.04.1`.
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { resolveVersion } from './tags.js';

/** The refusal's message for `input` as the version input. */
function refusal(input: string): string {
  try {
    resolveVersion({ input, pattern: '', gitTag: undefined });
  } catch (e) {
    return (e as Error).message;
  }
  return '(accepted)';
}

describe('the version a hint names is valid', () => {
  it.each(['release-2024.12.06', 'app-2.1.0-rc.01', 'build-3.04.1', 'release-2024.12.6', 'v 2024.12.06'])('%s', (input) => {
    const message = refusal(input);
    const named = /(?:write|give) (\S+?)(?:\)|$|\s|,)/.exec(message)?.[1] ?? '(none)';
    expect({ message, named, valid: semver.valid(named) === named }).toMatchObject({ named: expect.not.stringMatching(/^\(none\)$/), valid: true });
  });
});
