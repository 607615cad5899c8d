// Property: colour follows the conventions a user sets — NO_COLOR off; FORCE_COLOR over both, as
// Node, chalk and most CLIs read it (0/false off on a terminal; ''/1/2/3/true on in a CI log).
// Nearest real variants: FORCE_COLOR=0 in a developer's shell profile; FORCE_COLOR=1 in a Jenkins job
// whose AnsiColor plugin renders colours.
import { describe, expect, it } from 'vitest';
import { wantsColour } from './cli.js';

describe('wantsColour', () => {
  it.each([
    [true, {}, true],
    [false, {}, false],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true],
    [true, { FORCE_COLOR: '0' }, false],
    [true, { FORCE_COLOR: 'false' }, false],
    [false, { FORCE_COLOR: '1' }, true],
    [false, { FORCE_COLOR: '' }, true],
    [false, { FORCE_COLOR: '3' }, true],
    [true, { FORCE_COLOR: '1', NO_COLOR: '1' }, true],
  ])('tty %s, %j → %s', (tty, env, expected) => {
    expect(wantsColour(tty, env)).toBe(expected);
  });
});
