// The `hoist` command's colours as a user sets them, through the bundle (HOIST_TEST_CLI for a private
// one): FORCE_COLOR, which Node, chalk and most CLIs read, decides over the terminal and NO_COLOR —
// FORCE_COLOR=0 on a terminal printed colours; FORCE_COLOR=1 in a CI log (no terminal) printed none.
// A terminal is made by util-linux's `script`; the message is a warning (a repository with no tags).
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI, hoist, lab, leaks, password, ROOT } from './lab.js';

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

describe('a login file saved with a byte order mark', () => {
  /**
   * Property: a UTF-8 byte order mark (Windows Notepad's) is no part of a file's value: a
   * docker/login-action YAML list in --registry-auth-file beginning with one logs in. It was exit 2,
   * 'the YAML does not parse'. Nearest real variant: auth.yml written on Windows, checked out on Linux.
   */
  it('--registry-auth-file holding a YAML list after a BOM lists the token registry', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-s57-cli-'));
    const { token } = lab().registries;
    const file = join(dir, 'auth.yml');
    await writeFile(file, `\uFEFF- registry: ${token.host}\r\n  username: ${token.username}\r\n  password: ${password(token.passwordFile)}\r\n`, {
      mode: 0o600,
    });
    const r = await hoist(['tags', 'list', `${token.host}/lab/busybox`, '--registry-auth-file', file, '--insecure-registries', token.host, '--retries', '0'], {
      cwd: dir,
      env: { DOCKER_CONFIG: dir },
    });
    expect({ code: r.code, tags: r.stdout.split('\n').includes('1.36'), leaked: leaks(r.stdout + r.stderr, password(token.passwordFile)) }).toEqual({
      code: 0,
      tags: true,
      leaked: false,
    });
  }, 60_000);
});
