// The builder probe through a hand-written fake of Hoist's own process seam (core/exec.ts) and real
// PATH directories: which docker calls it starts, that they run at once, and what the machine has.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Exec, ExecOptions, ExecResult } from '../core/exec.js';
import { probeBuilders } from './builders.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A PATH of one directory holding executables of these names. */
async function pathWith(...tools: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-probe-'));
  dirs.push(dir);
  for (const tool of tools) {
    await writeFile(join(dir, tool), '#!/bin/sh\nexit 0\n');
    await chmod(join(dir, tool), 0o755);
  }
  return dir;
}

/**
 * A fake Exec: each docker call waits until both docker calls were asked (a probe that asked them
 * one after another would hang, and the test time out), then answers as `answers` says.
 */
function fakeExec(answers: { version?: string; inspect?: string }) {
  const asked: string[] = [];
  let release!: () => void;
  const both = new Promise<void>((r) => (release = r));
  const exec: Exec = {
    async run(file: string, args: readonly string[], _o?: ExecOptions): Promise<ExecResult> {
      asked.push([file, ...args].join(' '));
      if (asked.filter((a) => a.startsWith('docker ')).length === 2) release();
      await both;
      const answer = args[0] === 'version' ? answers.version : answers.inspect;
      if (answer === undefined) throw new Error(`${file} ${args.join(' ')} exited with code 1`);
      return { stdout: answer, stderr: '' };
    },
    stream: () => {
      throw new Error('not used by the probe');
    },
    sink: () => {
      throw new Error('not used by the probe');
    },
    stopAll: () => undefined,
  };
  return { exec, asked };
}

describe('probeBuilders', () => {
  it('asks docker for buildx and its version at once, and finds a daemon whose CLI builds with BuildKit', async () => {
    const { exec, asked } = fakeExec({ version: '20.10.24|20.10.24' });
    const probe = await probeBuilders(exec, { PATH: await pathWith('docker', 'buildah') });
    expect(asked.sort()).toEqual(['docker buildx inspect', 'docker version --format {{.Client.Version}}|{{.Server.Version}}']);
    expect(probe).toEqual({ buildx: false, buildxDockerDriver: false, buildctl: false, daemonless: false, dockerDaemon: true, buildah: true });
  });

  it('reads the buildx driver, and a daemon that does not answer is no daemon', async () => {
    const { exec } = fakeExec({ inspect: 'Name: default\nDriver: docker\n' });
    expect(await probeBuilders(exec, { PATH: await pathWith('docker') })).toMatchObject({ buildx: true, buildxDockerDriver: true, dockerDaemon: false });
  });

  it('counts nothing docker said when no docker is on PATH (the calls start before PATH is looked through)', async () => {
    const { exec } = fakeExec({ version: '20.10.24|20.10.24', inspect: 'Driver: docker-container\n' });
    expect(await probeBuilders(exec, { PATH: await pathWith('buildctl') })).toEqual({
      buildx: false,
      buildxDockerDriver: false,
      buildctl: true,
      daemonless: false,
      dockerDaemon: false,
      buildah: false,
    });
  });
});
