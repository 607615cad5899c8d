import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { dockerEngineSocket, EngineUnreachable, removeImage } from './docker-api.js';
import { createDockerBuilder } from './docker.js';
import type { Exec } from '../effects/exec.js';
import { basePlan as plan } from '../../test/support/plan.js';

// The class: the docker CLI's endpoint told from its environment only where it is certain — a unix:// DOCKER_HOST,
// or the default socket with no other context chosen; any other endpoint (tcp, ssh, a context) is the CLI's to reach.
// Nearest real-world variants: GitHub's runners (no DOCKER_HOST, /var/run/docker.sock), the lab's DOCKER_HOST=unix://,
// GitLab's docker:dind (DOCKER_HOST=tcp://docker:2376 with TLS), `docker context use remote`.
describe('dockerEngineSocket', () => {
  const there = () => true;
  it.each<[string, Record<string, string>, string | undefined]>([
    ['a unix DOCKER_HOST', { DOCKER_HOST: 'unix:///var/tmp/lab/docker.sock' }, '/var/tmp/lab/docker.sock'],
    ['a tcp DOCKER_HOST (dind)', { DOCKER_HOST: 'tcp://docker:2376', DOCKER_TLS_VERIFY: '1' }, undefined],
    ['an ssh DOCKER_HOST', { DOCKER_HOST: 'ssh://builder@10.0.0.5' }, undefined],
    ['a unix DOCKER_HOST with no path', { DOCKER_HOST: 'unix://' }, undefined],
    ['a context by DOCKER_CONTEXT', { DOCKER_CONTEXT: 'remote', DOCKER_CONFIG: '/nonexistent' }, undefined],
    ['the default context by name', { DOCKER_CONTEXT: 'default', DOCKER_CONFIG: '/nonexistent' }, '/var/run/docker.sock'],
    ['nothing set: the default socket', { DOCKER_CONFIG: '/nonexistent' }, '/var/run/docker.sock'],
  ])('%s', (_name, env, socket) => {
    expect(dockerEngineSocket(env, there)).toBe(socket);
  });

  it("a current context in the CLI's config.json is the CLI's to reach", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-docker-config-'));
    await writeFile(join(dir, 'config.json'), JSON.stringify({ currentContext: 'colima' }));
    expect(dockerEngineSocket({ DOCKER_CONFIG: dir }, there)).toBeUndefined();
  });

  it('no default socket on the machine: the CLI', () => {
    expect(dockerEngineSocket({ DOCKER_CONFIG: '/nonexistent' }, () => false)).toBeUndefined();
  });
});

/** A daemon's Engine API on a unix socket: DELETE /images/NAME removes a name it holds, 404s any other. */
async function engine(names: string[]) {
  const held = new Set(names);
  const requests: string[] = [];
  const path = join(await mkdtemp(join(tmpdir(), 'hoist-engine-')), 'docker.sock');
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const name = decodeURIComponent((req.url ?? '').replace(/^\/images\//, ''));
    if (req.method === 'DELETE' && held.delete(name))
      return res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify([{ Untagged: name }]));
    res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ message: `No such image: ${name}` }));
  });
  await new Promise<void>((r) => server.listen(path, r));
  servers.push(server);
  return { path, held, requests };
}
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

// The class: a name removed on the daemon's socket says what the CLI said — done, the daemon's own refusal, or a
// socket that is not there (then the CLI is asked). Nearest real-world variant: integration docker-local-tags.test.
describe('removeImage', () => {
  it('removes the name with one DELETE', async () => {
    const e = await engine(['hoist-build:run-00ff']);
    await removeImage(e.path, 'hoist-build:run-00ff');
    expect(e.requests).toEqual(['DELETE /images/hoist-build:run-00ff']);
    expect(e.held.size).toBe(0);
  });

  it("a name the daemon does not hold: the daemon's own message", async () => {
    const e = await engine([]);
    await expect(removeImage(e.path, 'hoist-build:run-gone')).rejects.toThrow('Error response from daemon: No such image: hoist-build:run-gone');
  });

  it('no socket there: unreachable, for the CLI to try', async () => {
    await expect(removeImage('/nonexistent/docker.sock', 'x:1')).rejects.toBeInstanceOf(EngineUnreachable);
  });
});

// The class: the docker builder's run tag removed on the daemon's socket when it is known (no CLI start), and by the
// CLI when there is none or it does not answer; the log says the same either way. Shown on Hoist's Exec seam (the CLI)
// beside a socket that answers as dockerd does; the real-world variant is bench/run.sh base's removal row.
describe('docker builder: the run tag removed on the socket', () => {
  async function saveArchive(): Promise<Buffer> {
    const pack = tar.pack();
    pack.entry({ name: 'c.json' }, JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
    pack.entry({ name: 'manifest.json' }, JSON.stringify([{ Config: 'c.json', RepoTags: [], Layers: [] }]));
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
    return Buffer.concat(chunks);
  }
  /** One build whose docker build also makes its tag on `daemon` (the socket's side), when there is one. */
  async function run(socket: string, daemon?: { held: Set<string> }) {
    const archive = await saveArchive();
    const cli: string[][] = [];
    let tag = '';
    const exec: Exec = {
      async run(_file, args) {
        if (args[0] !== 'build') cli.push([...args]);
        else {
          tag = args[args.indexOf('--tag') + 1]!;
          daemon?.held.add(tag);
        }
        return { stdout: '', stderr: '' };
      },
      stream: () => ({ stdout: Readable.from([archive]), done: Promise.resolve(), kill() {} }),
      sink() {
        throw new Error('not used');
      },
      stopAll() {},
    };
    const lines: string[] = [];
    const dir = await mkdtemp(join(tmpdir(), 'hoist-docker-api-'));
    const builder = createDockerBuilder(exec, {}, async () => `sha256:${'3'.repeat(64)}`, 'docker', socket);
    await builder.build({ ...plan, iidFile: '/tmp/iid-api' }, dir, (l) => void lines.push(l));
    return { cli, tag, lines };
  }

  it('removes it with a DELETE on the socket, and runs no docker image rm', async () => {
    const e = await engine([]);
    const r = await run(e.path, e);
    expect(r.cli).toEqual([]);
    expect(e.requests).toEqual([`DELETE /images/${r.tag}`]);
    expect(e.held.size).toBe(0);
    expect(r.lines.some((l) => l.startsWith(`removed its run's own tag ${r.tag} from the Docker daemon`))).toBe(true);
  });

  it('a socket that is not there: docker image rm, as before', async () => {
    const r = await run('/nonexistent/docker.sock');
    expect(r.cli).toEqual([['image', 'rm', r.tag]]);
    expect(r.lines.some((l) => l.startsWith(`removed its run's own tag ${r.tag} from the Docker daemon`))).toBe(true);
  });
});
