import { describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { createDockerBuilder, renderDockerBuildArgs } from './docker.js';
import { CommandError, type Exec } from '../effects/exec.js';
import { basePlan as plan } from '../../test/support/plan.js';
import type { BuildPlan } from '../core/builder.js';
import { blobPath, readLayoutImage } from '../oci/layout.js';
import { layerTar } from '../../test/support/tar.js';

describe('renderDockerBuildArgs', () => {
  it.each<[string, Partial<BuildPlan>, string[]]>([
    ['minimal', {}, []],
    ['target and network', { target: 'runtime', network: 'host' }, ['--target', 'runtime', '--network', 'host']],
    [
      'build args and labels',
      {
        buildArgs: [
          ['A', '1'],
          ['B', 'x=y'],
        ],
        labels: [['org.opencontainers.image.version', '1.0.0']],
      },
      ['--build-arg', 'A=1', '--build-arg', 'B=x=y', '--label', 'org.opencontainers.image.version=1.0.0'],
    ],
    ['secrets as files', { secretFiles: [{ id: 'npm', path: '/tmp/hoist-x/secrets/npm' }] }, ['--secret', 'id=npm,src=/tmp/hoist-x/secrets/npm']],
    [
      'ssh default and keys',
      {
        ssh: [
          { id: 'default', paths: [] },
          { id: 'git', paths: ['/k/a', '/k/b'] },
        ],
      },
      ['--ssh', 'default', '--ssh', 'git=/k/a,/k/b'],
    ],
    ['local tags', { localTags: ['r/app:1', 'r/app:latest'] }, ['--tag', 'r/app:1', '--tag', 'r/app:latest']],
    [
      'platform, cache, no-cache, pull, hosts',
      { platforms: ['linux/arm64'], cacheFrom: ['r/app:cache'], noCache: true, pull: true, addHosts: ['git.acme:10.0.0.5'] },
      ['--platform', 'linux/arm64', '--cache-from', 'r/app:cache', '--no-cache', '--pull', '--add-host', 'git.acme:10.0.0.5'],
    ],
  ])('%s', (_name, extra, middle) => {
    expect(renderDockerBuildArgs({ ...plan, ...extra })).toEqual([
      'build',
      '--progress=plain',
      '--file',
      '/ws/Dockerfile',
      '--iidfile',
      '/tmp/iid',
      ...middle,
      '/ws',
    ]);
  });
});

// The smallest archive docker save writes: an image of no layers.
const saveArchive = async (): Promise<Buffer> => {
  const pack = tar.pack();
  const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
  pack.entry({ name: 'c.json' }, config);
  pack.entry({ name: 'manifest.json' }, JSON.stringify([{ Config: 'c.json', RepoTags: [], Layers: [] }]));
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};

// The class: without load, the docker builder never names the build by a tag another run may share
// (the user's tags), so no run can remove the image another run is about to save. Shown on a fake of
// Hoist's own Exec seam that keeps a daemon's name table: two runs building the same names, the
// second built between the first's build and its cleanup, as a parallel:matrix on one daemon does.
// Nearest real-world variant: test/integration/gitlab.test.ts's amd64 + arm64 matrix jobs.
describe('docker builder without load: names of its own', () => {
  function daemon() {
    const tags = new Map<string, string>(); // name → image id
    const images = new Set<string>();
    const calls: string[][] = [];
    let next = 0;
    let removals = 0;
    // The second image's save waits for the first run's cleanup (bounded): the interleaving that broke.
    const saveGate = async (id: string) => {
      for (let i = 0; id.endsWith('2') && removals === 0 && i < 50; i++) await new Promise((r) => setTimeout(r, 10));
    };
    const exec: Exec = {
      async run(file, args) {
        calls.push([file, ...args]);
        if (args[0] === 'build') {
          const id = `sha256:${(++next).toString(16).padStart(64, '0')}`;
          images.add(id);
          for (let i = 0; i < args.length; i++) if (args[i] === '--tag') tags.set(args[i + 1]!, id);
          iid.set(args[args.indexOf('--iidfile') + 1]!, id);
        } else if (args[0] === 'image' && args[1] === 'rm') {
          for (const name of args.slice(2)) {
            const id = tags.get(name);
            if (!id) throw new CommandError(`docker exited with code 1: No such image: ${name}`, 'docker image rm', 1, '');
            tags.delete(name);
            removals++;
            if (![...tags.values()].includes(id)) images.delete(id);
          }
        }
        return { stdout: '', stderr: '' };
      },
      stream(file, args) {
        calls.push([file, ...args]);
        const id = args[1]!;
        // docker save reads the image when it starts: here, once the previous run's cleanup is over.
        let settle!: (e?: Error) => void;
        const done = new Promise<void>((resolve, reject) => (settle = (e) => (e ? reject(e) : resolve())));
        done.catch(() => undefined);
        const stdout = Readable.from(
          (async function* () {
            await saveGate(id);
            if (!images.has(id)) {
              settle(new CommandError(`docker exited with code 1: No such image: ${id}`, 'docker save', 1, ''));
              return;
            }
            yield await saveArchive();
            settle();
          })(),
        );
        return { stdout, done, kill() {} };
      },
      sink() {
        throw new Error('not used');
      },
      stopAll() {},
    };
    const iid = new Map<string, string>();
    return { exec, tags, images, calls, readIid: async (path: string) => iid.get(path) ?? '' };
  }

  it('tags each build with a run tag only, and removes only that tag', async () => {
    const d = daemon();
    const builder = createDockerBuilder(d.exec, {}, d.readIid);
    const userTags = ['r/app:1.2.3', 'r/app:1.2'];
    const one = { ...plan, localTags: userTags, iidFile: '/tmp/iid-a' };
    await expect(builder.build(one, await mkdtemp(join(tmpdir(), 'hoist-docker-')), () => undefined)).resolves.toMatch(/^sha256:/);
    const argv = d.calls.flat();
    for (const t of userTags) expect(argv).not.toContain(t);
    const built = d.calls.find((c) => c[1] === 'build')!;
    const runTag = built[built.indexOf('--tag') + 1]!;
    expect(runTag).toMatch(/^hoist-build:run-[a-f0-9]{16}$/);
    expect(d.calls.at(-1)).toEqual(['docker', 'image', 'rm', runTag]);
    expect(d.tags.size).toBe(0);
  });

  it("a second run's build between the first's build and cleanup keeps its image", async () => {
    const d = daemon();
    const builder = createDockerBuilder(d.exec, {}, d.readIid);
    const same = { ...plan, localTags: ['r/app:1.2.3'] };
    const a = builder.build({ ...same, iidFile: '/tmp/iid-a' }, await mkdtemp(join(tmpdir(), 'hoist-docker-a-')), () => undefined);
    const b = builder.build({ ...same, iidFile: '/tmp/iid-b' }, await mkdtemp(join(tmpdir(), 'hoist-docker-b-')), () => undefined);
    await a;
    expect(await b).toMatch(/^sha256:/); // its save found its image: a failed one says "No such image"
    expect(d.images.size).toBe(0); // and each run's cleanup dropped its own image
  });

  it('with load: the user tags, kept (the run tag beside them goes)', async () => {
    const d = daemon();
    const builder = createDockerBuilder(d.exec, {}, d.readIid);
    await builder.build(
      { ...plan, localTags: ['r/app:1'], keepLocalTags: true, iidFile: '/tmp/iid-a' },
      await mkdtemp(join(tmpdir(), 'hoist-docker-')),
      () => undefined,
    );
    expect([...d.tags.keys()]).toEqual(['r/app:1']);
    expect(d.calls.filter((c) => c[1] === 'image')).toEqual([['docker', 'image', 'rm', expect.stringMatching(/^hoist-build:run-[a-f0-9]{16}$/)]]);
  });
});

// docker save's pipe hands the conversion 64 KiB chunks as they come, unjoined; the bytes counted
// for the log are counted on the way, never by a reader that would start the stream flowing before
// the conversion listens (a chunk read then would be missing from the layout).
describe('docker builder: docker save read as its pipe gives it', () => {
  it('converts every byte of an archive in 64 KiB chunks, all there before the conversion reads, and counts them', async () => {
    const layer = await layerTar('app/data.bin', randomBytes(900 * 1024));
    const diffId = `sha256:${createHash('sha256').update(layer).digest('hex')}`;
    const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [diffId] } });
    const pack = tar.pack();
    pack.entry({ name: 'c.json' }, config);
    pack.entry({ name: 'l/layer.tar' }, layer);
    pack.entry({ name: 'manifest.json' }, JSON.stringify([{ Config: 'c.json', RepoTags: [], Layers: ['l/layer.tar'] }]));
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
    const archive = Buffer.concat(chunks);
    const exec: Exec = {
      run: async () => ({ stdout: '', stderr: '' }),
      stream() {
        const stdout = new PassThrough({ highWaterMark: archive.length });
        for (let at = 0; at < archive.length; at += 65536) stdout.write(archive.subarray(at, at + 65536));
        stdout.end();
        return { stdout, done: Promise.resolve(), kill() {} };
      },
      sink() {
        throw new Error('not used');
      },
      stopAll() {},
    };
    const id = `sha256:${'1'.repeat(64)}`;
    const lines: string[] = [];
    const dir = await mkdtemp(join(tmpdir(), 'hoist-docker-chunks-'));
    await createDockerBuilder(exec, {}, async () => id).build({ ...plan, keepLocalTags: true }, dir, (l) => void lines.push(l));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^docker save → OCI layout: ${(archive.length / 1048576).toFixed(1)} MiB in `)));
    const image = await readLayoutImage(dir);
    expect(image.manifest.layers).toHaveLength(1);
    expect(gunzipSync(await readFile(blobPath(dir, image.manifest.layers[0]!.digest))).equals(layer)).toBe(true); // toEqual walks 900 KiB byte by byte
  });
});

// The run tag's removal (360–460 ms on the lab's daemon) overlaps the conversion's tail: it starts
// once docker save has exited, not after the whole archive is audited, hashed and compressed — and
// it is over before build returns, failed or not. Shown on a fake of the Exec seam whose save has
// exited at once and whose `image rm` takes a while, with an audit that waits to see the removal.
describe('docker builder without load: the run tag removed while the conversion ends', () => {
  async function oneLayerSave(): Promise<Buffer> {
    const layer = await layerTar('app/data.bin', randomBytes(64 * 1024));
    const diffId = `sha256:${createHash('sha256').update(layer).digest('hex')}`;
    const pack = tar.pack();
    pack.entry({ name: 'c.json' }, JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [diffId] } }));
    pack.entry({ name: 'l/layer.tar' }, layer);
    pack.entry({ name: 'manifest.json' }, JSON.stringify([{ Config: 'c.json', RepoTags: [], Layers: ['l/layer.tar'] }]));
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
    return Buffer.concat(chunks);
  }
  async function daemon() {
    const archive = await oneLayerSave();
    const state = { removeStarted: false, removed: false, removals: 0 };
    const exec: Exec = {
      async run(_file, args) {
        if (args[0] === 'image' && args[1] === 'rm') {
          state.removeStarted = true;
          state.removals++;
          await new Promise((r) => setTimeout(r, 100));
          state.removed = true;
        }
        return { stdout: '', stderr: '' };
      },
      stream: () => ({ stdout: Readable.from([archive]), done: Promise.resolve(), kill() {} }),
      sink() {
        throw new Error('not used');
      },
      stopAll() {},
    };
    return { exec, state, readIid: async () => `sha256:${'2'.repeat(64)}` };
  }
  /** An audit that reads its layer, then waits (up to 2 s) for the run tag's removal to begin, saying whether it did. */
  const waitingAudit =
    (state: { removeStarted: boolean }, seen: boolean[], fail = false) =>
    () => ({
      async layer(stream: AsyncIterable<Buffer>) {
        for await (const _ of stream) void _;
        for (let i = 0; i < 200 && !state.removeStarted; i++) await new Promise((r) => setTimeout(r, 10));
        seen.push(state.removeStarted);
        if (fail) throw new Error('the audit failed');
      },
    });

  it('starts removing the run tag once docker save exited, while the layer is still audited; removed when build returns', async () => {
    const d = await daemon();
    const seen: boolean[] = [];
    const dir = await mkdtemp(join(tmpdir(), 'hoist-docker-rm-'));
    await createDockerBuilder(d.exec, {}, d.readIid).build({ ...plan, iidFile: '/tmp/iid-rm', auditLayers: waitingAudit(d.state, seen) }, dir, () => undefined);
    expect(seen).toEqual([true]);
    expect(d.state).toEqual({ removeStarted: true, removed: true, removals: 1 });
  });

  it('a conversion that fails still has the run tag removed, once, before build rejects', async () => {
    const d = await daemon();
    const seen: boolean[] = [];
    const dir = await mkdtemp(join(tmpdir(), 'hoist-docker-rm-'));
    const building = createDockerBuilder(d.exec, {}, d.readIid).build(
      { ...plan, iidFile: '/tmp/iid-rm', auditLayers: waitingAudit(d.state, seen, true) },
      dir,
      () => undefined,
    );
    await expect(building).rejects.toThrow('the audit failed');
    expect(d.state).toEqual({ removeStarted: true, removed: true, removals: 1 });
  });
});

// The class: dockerd losing the image a build has just written, because another client removed the
// same image id in that moment (four runs of one pipeline building one Dockerfile on one daemon, each
// removing its own run tag: seen in docker-local-tags.test). The build is run again from BuildKit's
// cache, a bounded number of times; a build's own failure is never retried. Shown on a fake of Hoist's
// Exec seam that fails a build with the daemon's own words; the real-world variant is that test.
describe('docker builder: an image the daemon lost while naming it', () => {
  const LOST =
    'failed to get digest sha256:0428c321a404ecb0ca6c1894d945a4005067b922c6370609eeb42bcf4b100106: open /var/lib/docker/image/overlay2/imagedb/content/sha256/0428c321a404ecb0ca6c1894d945a4005067b922c6370609eeb42bcf4b100106: no such file or directory';
  function daemon(failures: string[]) {
    const builds: (readonly string[])[] = [];
    const iid = new Map<string, string>();
    const exec: Exec = {
      async run(_file, args) {
        if (args[0] !== 'build') return { stdout: '', stderr: '' };
        builds.push(args);
        const failure = failures.shift();
        if (failure) throw new CommandError(`docker build exited with code 1: ${failure}`, 'docker build', 1, `#6 DONE 0.0s\n${failure}`);
        iid.set(args[args.indexOf('--iidfile') + 1]!, `sha256:${'a'.repeat(64)}`);
        return { stdout: '', stderr: '' };
      },
      stream() {
        const stdout = Readable.from(
          (async function* () {
            yield await saveArchive();
          })(),
        );
        return { stdout, done: new Promise<void>((r) => stdout.once('end', () => r())), kill() {} };
      },
      sink() {
        throw new Error('not used');
      },
      stopAll() {},
    };
    return { exec, builds, readIid: async (path: string) => iid.get(path) ?? '' };
  }
  const build = async (d: ReturnType<typeof daemon>, lines: string[]) =>
    createDockerBuilder(d.exec, {}, d.readIid).build({ ...plan, iidFile: '/tmp/iid-lost' }, await mkdtemp(join(tmpdir(), 'hoist-docker-lost-')), (l) =>
      lines.push(l),
    );

  it('builds again, saying why, and returns the image of the build that kept it', async () => {
    const d = daemon([LOST]);
    const lines: string[] = [];
    await expect(build(d, lines)).resolves.toBe(`sha256:${'a'.repeat(64)}`);
    expect(d.builds).toHaveLength(2);
    expect(d.builds[1]).toEqual(d.builds[0]); // the same run tag and arguments
    expect(lines.filter((l) => l.includes('lost the image'))).toEqual([expect.stringContaining('attempt 2 of 3')]);
  });

  it("stops after three builds with the daemon's own error", async () => {
    const d = daemon([LOST, LOST, LOST, LOST]);
    await expect(build(d, [])).rejects.toThrow(/failed to get digest sha256:0428/);
    expect(d.builds).toHaveLength(3);
  });

  it.each([
    ['a failing RUN step', 'process "/bin/sh -c exit 3" did not complete successfully: exit code: 3'],
    ['a missing base image', 'failed to get digest sha256:0428: pull access denied'],
    ['a lost file that is not the image store', 'open /tmp/ctx/a.txt: no such file or directory'],
  ])('does not retry %s', async (_name, failure) => {
    const d = daemon([failure, failure]);
    await expect(build(d, [])).rejects.toThrow(failure);
    expect(d.builds).toHaveLength(1);
  });
});

// With load the daemon keeps the user's tags, and until docker save has read the image it is also
// named by a tag of its run's own: another run of the same tags (two pipelines of one branch) moves
// them to its image, and a cleanup of dangling images in that moment (`docker image prune`) removed
// this run's image under docker save. Property: the save finds the image its own build made; the
// user's tags stay where the last run put them; the run tag goes, only it. A model of the daemon's
// names (an image goes with its last name, as `image rm` and `image prune` do); the real daemon's
// race is concurrent-daemon.test. Nearest real-world variant: a shell runner's cron pruning images.
describe('docker builder with load: the image named by its run until saved', () => {
  function daemon(beforeSave: (d: { tags: Map<string, string>; images: Set<string> }) => void) {
    const tags = new Map<string, string>();
    const images = new Set<string>();
    const calls: string[][] = [];
    const iid = new Map<string, string>();
    const exec: Exec = {
      async run(file, args) {
        calls.push([file, ...args]);
        if (args[0] === 'build') {
          const id = `sha256:${'b'.repeat(64)}`;
          images.add(id);
          for (let i = 0; i < args.length; i++) if (args[i] === '--tag') tags.set(args[i + 1]!, id);
          iid.set(args[args.indexOf('--iidfile') + 1]!, id);
        } else if (args[0] === 'image' && args[1] === 'rm') {
          const id = tags.get(args[2]!);
          if (!id) throw new CommandError(`docker exited with code 1: No such image: ${args[2]}`, 'docker image rm', 1, '');
          tags.delete(args[2]!);
          if (![...tags.values()].includes(id)) images.delete(id);
        }
        return { stdout: '', stderr: '' };
      },
      stream(file, args) {
        calls.push([file, ...args]);
        beforeSave({ tags, images });
        const id = args[1]!;
        const gone = !images.has(id);
        const stdout = Readable.from(
          (async function* () {
            if (!gone) yield await saveArchive();
          })(),
        );
        const done = gone ? Promise.reject(new CommandError(`docker exited with code 1: No such image: ${id}`, 'docker save', 1, '')) : Promise.resolve();
        done.catch(() => undefined);
        return { stdout, done, kill() {} };
      },
      sink() {
        throw new Error('not used');
      },
      stopAll() {},
    };
    return { exec, tags, images, calls, readIid: async (path: string) => iid.get(path) ?? '' };
  }
  const other = `sha256:${'c'.repeat(64)}`;

  it("another run moves the user's tag and dangling images are pruned before the save: the save reads this run's image", async () => {
    const d = daemon(({ tags, images }) => {
      tags.set('r/app:main', other);
      images.add(other);
      for (const id of images) if (![...tags.values()].includes(id)) images.delete(id);
    });
    const lines: string[] = [];
    const dir = await mkdtemp(join(tmpdir(), 'hoist-docker-load-'));
    await expect(
      createDockerBuilder(d.exec, {}, d.readIid).build({ ...plan, localTags: ['r/app:main'], keepLocalTags: true, iidFile: '/tmp/iid-load' }, dir, (l) =>
        lines.push(l),
      ),
    ).resolves.toBe(`sha256:${'b'.repeat(64)}`);
    expect([...d.tags]).toEqual([['r/app:main', other]]);
    expect(lines).toContainEqual(expect.stringMatching(/^removed its run's own tag hoist-build:run-[a-f0-9]{16} from the Docker daemon \(load is true/));
  });

  it("tags the build with the user's tags and one run tag, and removes only the run tag", async () => {
    const d = daemon(() => undefined);
    await createDockerBuilder(d.exec, {}, d.readIid).build(
      { ...plan, localTags: ['r/app:1.2.3', 'r/app:1.2'], keepLocalTags: true, iidFile: '/tmp/iid-load' },
      await mkdtemp(join(tmpdir(), 'hoist-docker-load-')),
      () => undefined,
    );
    const built = d.calls.find((c) => c[1] === 'build')!;
    const tags = built.flatMap((a, i) => (built[i - 1] === '--tag' ? [a] : []));
    expect(tags.slice(0, 2)).toEqual(['r/app:1.2.3', 'r/app:1.2']);
    expect(tags[2]).toMatch(/^hoist-build:run-[a-f0-9]{16}$/);
    expect(d.calls.filter((c) => c[1] === 'image')).toEqual([['docker', 'image', 'rm', tags[2]]]);
    expect([...d.tags.keys()]).toEqual(['r/app:1.2.3', 'r/app:1.2']);
  });
});
