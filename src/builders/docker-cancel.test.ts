// The docker builder's run tag when the step is cancelled (Ctrl-C, a cancelled CI job) before its removal started.
// Property: the synchronous cancel step removes the run tag through the CLI, so no `hoist-build:run-…` or
// `127.0.0.1:PORT/hoist-run-…` image is left in the daemon; once the removal has started (a normal end) the step does
// nothing. Shown on a fake of the Exec seam and a stand-in CLI (a script recording its arguments); the real daemon was
// checked by hand (SIGINT during the daemon's push to the sink: exit 130, no sink, nothing pushed, no run tag left).
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { basePlan as plan } from '../../test/support/plan.js';
import { CommandError, type Exec } from '../effects/exec.js';
import { createDockerBuilder } from './docker.js';

async function standInCli(): Promise<{ cli: string; calls: () => Promise<string[]> }> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-docker-cancel-'));
  const cli = join(dir, 'docker');
  await writeFile(cli, `#!/bin/sh\necho "$*" >> ${join(dir, 'calls')}\n`);
  await chmod(cli, 0o755);
  return { cli, calls: async () => (await readFile(join(dir, 'calls'), 'utf8').catch(() => '')).split('\n').filter(Boolean) };
}

describe('docker builder: the run tag when the step is cancelled', () => {
  it('cancelled during docker build: the cancel step removes the run tag', async () => {
    const { cli, calls } = await standInCli();
    const stops: Array<() => void> = [];
    const exec: Exec = {
      run: async (_file, args) => {
        if (args[0] === 'build') {
          for (const stop of stops) stop(); // SIGINT: the workdir runs its stops, then the process exits
          throw new CommandError('docker build was stopped', 'docker build', 130, '');
        }
        return { stdout: '', stderr: '' };
      },
      stream: () => {
        throw new Error('not used');
      },
      sink: () => {
        throw new Error('not used');
      },
      stopAll() {},
    };
    const builder = createDockerBuilder(exec, {}, async () => '', cli);
    await builder.build({ ...plan, onCancel: (stop) => void stops.push(stop) }, '/nonexistent', () => undefined).catch(() => undefined);
    expect((await calls())[0]).toMatch(/^image rm hoist-build:run-[0-9a-f]{16}$/);
  });
});
