// A usage error (exit 2, before anything ran) follows the same colour rule as every other error line:
// a terminal, NO_COLOR, and FORCE_COLOR over both (platform/cli.ts's wantsColour). It stayed plain.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { cli } from './main.js';

async function usageError(env: Record<string, string>, tty: boolean): Promise<{ code: number; stderr: string }> {
  const stderr = Object.assign(new PassThrough(), { isTTY: tty });
  const stdout = new PassThrough();
  let text = '';
  stderr.on('data', (c: Buffer) => (text += c.toString()));
  const code = await cli(['build', '--imagez', 'x'], env, { stdout, stderr });
  return { code, stderr: text };
}

const RED = '\u001b[31mhoist: --imagez: no such flag';

describe('the colour of a usage error', () => {
  /** Property: FORCE_COLOR=1 colours it in a log that is no terminal. Nearest real variant: Jenkins with AnsiColor. */
  it('FORCE_COLOR=1, no terminal: red', async () => {
    const r = await usageError({ FORCE_COLOR: '1' }, false);
    expect({ code: r.code, red: r.stderr.startsWith(RED) }).toEqual({ code: 2, red: true });
  });

  /** Property: a terminal colours it, NO_COLOR and FORCE_COLOR=0 do not. Nearest real variant: a developer's shell with NO_COLOR=1. */
  it.each([
    [{}, true, true],
    [{ NO_COLOR: '1' }, true, false],
    [{ FORCE_COLOR: '0' }, true, false],
    [{}, false, false],
    [{ TERM: 'dumb' }, true, false],
  ])('%j on a terminal %s: red %s', async (env, tty, red) => {
    const r = await usageError(env as Record<string, string>, tty);
    expect({ code: r.code, red: r.stderr.startsWith(RED), plain: r.stderr.startsWith('hoist: --imagez') }).toEqual({ code: 2, red, plain: !red });
  });

  /** Property: the help names FORCE_COLOR beside NO_COLOR. */
  it('the help names FORCE_COLOR', async () => {
    const stdout = new PassThrough();
    let text = '';
    stdout.on('data', (c: Buffer) => (text += c.toString()));
    await cli(['--help'], {}, { stdout, stderr: new PassThrough() });
    expect(text).toMatch(/NO_COLOR=1 \(no colours\),\n\s+FORCE_COLOR=1 or 0/);
  });
});
