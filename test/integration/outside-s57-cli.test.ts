// The `hoist` command's colours as a user sets them, through the bundle (HOIST_TEST_CLI for a private
// one): FORCE_COLOR, which Node, chalk and most CLIs read, decides over the terminal and NO_COLOR —
// FORCE_COLOR=0 on a terminal printed colours; FORCE_COLOR=1 in a CI log (no terminal) printed none.
// A terminal is made by util-linux's `script`; the message is a warning (a repository with no tags).
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI, hoist, lab, ROOT } from './lab.js';

const execFileAsync = promisify(execFile);
const ESC = '\u001b[';

describe('FORCE_COLOR', () => {
  /** Property: FORCE_COLOR=0 turns colours off on a terminal. Nearest real variant: a shell profile's FORCE_COLOR=0. */
  it('FORCE_COLOR=0 on a terminal: no escape sequence', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-s57-cli-'));
    const registry = lab().registries.plain.host;
    const node = join(ROOT, 'node_modules/.bin/node');
    const line = `env -i PATH=/usr/bin:/bin HOME=${dir} DOCKER_CONFIG=${dir} FORCE_COLOR=0 ${node} ${CLI} tags list ${registry}/s57/none --insecure-registries ${registry}`;
    const { stdout } = await execFileAsync('script', ['-qec', line, '/dev/null'], { cwd: dir });
    expect({ warned: stdout.includes('no tags'), coloured: stdout.includes(ESC) }).toEqual({ warned: true, coloured: false });
  }, 60_000);

  /** Property: FORCE_COLOR=1 colours a log that is no terminal. Nearest real variant: Jenkins with AnsiColor, Buildkite. */
  it('FORCE_COLOR=1 with no terminal: the warning coloured', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-s57-cli-'));
    const registry = lab().registries.plain.host;
    const r = await hoist(['tags', 'list', `${registry}/s57/none`, '--insecure-registries', registry], {
      cwd: dir,
      env: { DOCKER_CONFIG: dir, FORCE_COLOR: '1' },
    });
    expect({ code: r.code, coloured: r.stderr.includes(`${ESC}33mwarning:`) }).toEqual({ code: 0, coloured: true });
  }, 60_000);
});
