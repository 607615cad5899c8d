/**
 * Fault injection for the races of runs sharing one Docker daemon or one containers-storage: the
 * real tools do all the work, and the test holds one of their steps until it has done what another
 * client would do in that moment (moved a tag, removed a dangling image). The order the race needs
 * is then the only order, so the test neither waits on luck nor flakes.
 *
 * - `DockerStall`: a byte-for-byte proxy on a unix socket in front of the lab's dockerd (the CLI
 *   points at it with DOCKER_HOST). A request whose first line matches `hold` (e.g. docker save's
 *   `GET /v1.41/images/get?names=…`) is held, with everything after it on that connection, until
 *   `release()`. Everything else — BuildKit's session and gRPC streams included — passes untouched.
 * - `toolGate`: a directory to put first on PATH with a script of the tool's name that runs the
 *   real tool (its absolute path), but for the subcommand named first waits until `release()`.
 */
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { hoist, type CliRun } from './lab.js';

/** Runs the CLI in `cwd` with the lab's tool environment (and `env` over it). */
export const hoistCli = (args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliRun> => hoist(args, { cwd, env });

/** The label a case's images carry, so its cleanups touch only them. */
export const RACE_LABEL = 'hoist.test.race';

/** A project whose image carries the case's label and content of its own. */
export async function raceProject(from: string, mark: string, label: string, body = `RUN echo ${mark} > /n`): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-concurrent-'));
  await writeFile(join(dir, 'f'), `${mark}\n`);
  await writeFile(join(dir, 'Dockerfile'), `FROM ${from}\nLABEL ${RACE_LABEL}=${label}\n${body}\n`);
  return dir;
}

/** Waits for the held step, failing at once (with the run's log) if the run ended first. */
export async function heldOrEnded(held: Promise<string>, running: Promise<CliRun>): Promise<string> {
  return Promise.race([held, running.then((r) => Promise.reject(new Error(`the run ended (code ${r.code}) before its export step was held:\n${r.stderr}`)))]);
}

/** The image id a run's log names (`OCI layout: …, image id sha256:…`). */
export const imageIdOf = (log: string) => /image id (sha256:[a-f0-9]{64})/.exec(log)?.[1];

export interface Stall {
  /** Resolves with the held request's first line once one is held. */
  held: Promise<string>;
  /** Lets the held request (and all later ones) through. */
  release(): void;
  close(): Promise<void>;
}

export async function dockerStall(daemonSocket: string, hold: RegExp): Promise<Stall & { host: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-stall-'));
  const path = join(dir, 'docker.sock');
  let released = false;
  const waiting: Array<() => void> = [];
  let onHeld!: (line: string) => void;
  const held = new Promise<string>((r) => (onHeld = r));
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const daemon = connect(daemonSocket.replace(/^unix:\/\//, ''));
    sockets.add(client).add(daemon);
    let holding = false;
    const queue: Buffer[] = [];
    const flush = () => {
      holding = false;
      for (const c of queue.splice(0)) daemon.write(c);
    };
    client.on('data', (chunk: Buffer) => {
      if (!holding && !released) {
        const line = /^[A-Z]+ \S+ HTTP\/1\.[01]/.exec(chunk.subarray(0, 2048).toString('latin1'))?.[0];
        if (line && hold.test(line)) {
          holding = true;
          waiting.push(flush);
          onHeld(line);
        }
      }
      if (holding) queue.push(chunk);
      else daemon.write(chunk);
    });
    daemon.on('data', (chunk: Buffer) => client.write(chunk));
    const end = () => (client.destroy(), daemon.destroy());
    client.on('close', end).on('error', end);
    daemon.on('close', end).on('error', end);
  });
  await new Promise<void>((r) => server.listen(path, r));
  const release = () => {
    released = true;
    for (const w of waiting.splice(0)) w();
  };
  return {
    host: `unix://${path}`,
    held,
    release,
    close: async () => {
      release();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A PATH directory whose `name` runs `real`, holding `subcommand` until release (a file the script polls for, bounded by `limitS`). */
export async function toolGate(name: string, real: string, subcommand: string, limitS = 60): Promise<Stall & { dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-gate-'));
  const go = join(dir, 'go');
  const mark = join(dir, 'held');
  await writeFile(
    join(dir, name),
    [
      '#!/bin/sh',
      `if [ "$1" = ${subcommand} ]; then`,
      `  : > ${mark}`,
      `  i=0; while [ ! -e ${go} ] && [ $i -lt ${limitS * 20} ]; do sleep 0.05; i=$((i+1)); done`,
      'fi',
      `exec ${real} "$@"`,
      '',
    ].join('\n'),
  );
  await chmod(join(dir, name), 0o755);
  const held = (async () => {
    for (let i = 0; i < limitS * 20; i++) {
      if (existsSync(mark)) return `${name} ${subcommand}`;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${name} ${subcommand} was not run within ${limitS} s`);
  })();
  held.catch(() => undefined);
  const release = () => void writeFile(go, '').catch(() => undefined);
  return { dir, held, release, close: async () => release() };
}
