// buildah's storage is shared by every run and client on the machine: the image a build made is named
// there only by the user's tags (which another run of the same names moves to its image) or, a
// platform image of a multi-platform build, by nothing; a cleanup of dangling images between the build
// and its push removed it ("<id>: image not known"), before or while the push read it, and one during
// the build removed a cached step's image it was looking up ("layer not known"). Property: the build
// is run again (at most three builds, saying why) and the run ends with a pushed image of its own
// build; no other failure is retried; a partial layout of the failed push is not left under the next. The storage here is a
// model of containers-storage's names (dangling: no name); the real buildah's race, held in that
// moment, is concurrent-builds.test. Nearest real-world variant: two pipelines of one branch building
// `:main` with buildah on one shell runner while its cleanup job runs `buildah rmi --prune`.
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandError, type Exec } from '../effects/exec.js';
import type { BuildPlan } from '../core/builder.js';
import { createBuildahBuilder } from './buildah.js';

const plan = {
  context: '/ctx',
  file: '/ctx/Dockerfile',
  buildArgs: [],
  labels: [],
  annotations: [],
  secretFiles: [],
  ssh: [],
  platforms: [],
  cacheFrom: [],
  cacheTo: [],
  noCache: false,
  pull: false,
  addHosts: [],
  buildContexts: [],
  provenance: 'false',
  sbom: false,
  extras: { ulimits: [], allow: [], attests: [], noCacheFilters: [], call: 'build' },
  localTags: [],
  iidFile: '/tmp/iid',
} as unknown as BuildPlan;

/** Names → image ids, as containers-storage keeps them; `beforePush` runs before each push reads its image. */
function storage(beforePush: (s: { names: Map<string, string>; images: Set<string>; pruneDangling(): void }, push: number) => void = () => undefined) {
  const names = new Map<string, string>();
  const images = new Set<string>();
  const calls: string[][] = [];
  const iid = new Map<string, string>();
  let next = 0;
  let pushes = 0;
  const s = {
    names,
    images,
    pruneDangling: () => {
      for (const id of images) if (![...names.values()].includes(id)) images.delete(id);
    },
  };
  const exec: Exec = {
    async run(file, args) {
      calls.push([file, ...args]);
      if (args[0] === 'build') {
        const id = (++next).toString(16).padStart(64, 'a');
        images.add(id);
        for (let i = 0; i < args.length; i++) if (args[i] === '--tag') names.set(args[i + 1]!, id);
        iid.set(args[args.indexOf('--iidfile') + 1]!, id);
      } else if (args[0] === 'push') {
        beforePush(s, ++pushes);
        const image = args.at(-2)!;
        // A push that fails has begun its layout: what it wrote must not stay under the next attempt's.
        const dir = args.at(-1)!.replace(/^oci:/, '');
        await mkdir(dir, { recursive: true }); // buildah makes the layout's directory
        await writeFile(join(dir, `partial-${pushes}`), '');
        if (!images.has(image.replace(/^sha256:/, ''))) {
          throw new CommandError(
            `buildah push exited with code 125: Error: pushing image "${image}" to "${args.at(-1)}": ${image}: image not known`,
            'buildah push',
            125,
            `Error: pushing image "${image}" to "${args.at(-1)}": ${image}: image not known`,
          );
        }
      }
      return { stdout: '', stderr: '' };
    },
    stream() {
      throw new Error('not used');
    },
    sink() {
      throw new Error('not used');
    },
    stopAll() {},
  };
  return { exec, calls, ...s, readIid: async (path: string) => iid.get(path) ?? '' };
}

const builderOn = async (st: ReturnType<typeof storage>) => createBuildahBuilder(st.exec, {}, await mkdtemp(join(tmpdir(), 'hoist-buildah-')), [], st.readIid);
const layout = () => mkdtemp(join(tmpdir(), 'hoist-buildah-layout-'));
const builds = (st: ReturnType<typeof storage>) => st.calls.filter((c) => c[1] === 'build');

describe('buildah builder: an image removed from the shared storage before its push', () => {
  it("another run moves the user's tag and dangling images are cleaned before the push: built again, saying why", async () => {
    const other = 'f'.repeat(64);
    const st = storage((s, push) => {
      if (push > 1) return;
      s.names.set('r/app:main', other); // the other run's image took the tag
      s.images.add(other);
      s.pruneDangling();
    });
    const lines: string[] = [];
    const dir = await layout();
    const id = await (await builderOn(st)).build({ ...plan, localTags: ['r/app:main'] }, dir, (l) => void lines.push(l));
    expect(id).toBe(`sha256:${(2).toString(16).padStart(64, 'a')}`); // the second build's image, the one pushed
    expect(builds(st)).toHaveLength(2);
    expect(builds(st)[1]).toEqual(builds(st)[0]); // the same arguments
    expect(lines.filter((l) => l.includes('lost the image'))).toEqual([expect.stringContaining('attempt 2 of 3')]);
    expect(await readdir(dir)).toEqual(['partial-2']); // the failed push's layout went first
  });

  it('a platform image (no name at all) cleaned before its push: built again', async () => {
    const st = storage((s, push) => push === 1 && s.pruneDangling());
    await expect((await builderOn(st)).build({ ...plan, localTags: [] }, await layout(), () => undefined)).resolves.toMatch(/^sha256:/);
    expect(builds(st)).toHaveLength(2);
  });

  it("stops after three builds with buildah's own error", async () => {
    const st = storage((s) => s.pruneDangling());
    await expect((await builderOn(st)).build(plan, await layout(), () => undefined)).rejects.toThrow(/image not known/);
    expect(builds(st)).toHaveLength(3);
  });

  it('an image removed while the push reads it (its config gone mid-push): built again', async () => {
    const st = storage();
    const run = st.exec.run.bind(st.exec);
    let pushes = 0;
    st.exec.run = async (file, args, o) => {
      if (args[0] === 'push' && ++pushes === 1) {
        const id = args.at(-2)!.replace(/^sha256:/, '');
        const said = `Error: pushing image "sha256:${id}" to "${args.at(-1)}": reading config blob sha256:${id}: locating image with ID "${id}": image not known`;
        throw new CommandError(`buildah push exited with code 125: ${said}`, 'buildah push', 125, said);
      }
      return run(file, args, o);
    };
    await expect((await builderOn(st)).build(plan, await layout(), () => undefined)).resolves.toMatch(/^sha256:/);
    expect(builds(st)).toHaveLength(2);
  });

  it("a cached step's image removed while the build looks it up: built again, at most three builds", async () => {
    const lost = 'Error: checking if cached image exists from a previous build: getting top layer info: layer not known';
    const flaky = (failures: number) => {
      const st = storage();
      const run = st.exec.run.bind(st.exec);
      st.exec.run = async (file, args, o) => {
        if (args[0] === 'build' && failures-- > 0) {
          st.calls.push([file, ...args]);
          throw new CommandError(`buildah build exited with code 125: ${lost}`, 'buildah build', 125, `STEP 2/3: RUN make\n${lost}`);
        }
        return run(file, args, o);
      };
      return st;
    };
    const once = flaky(1);
    const lines: string[] = [];
    await expect((await builderOn(once)).build(plan, await layout(), (l) => void lines.push(l))).resolves.toMatch(/^sha256:/);
    expect(builds(once)).toHaveLength(2);
    expect(lines).toEqual([expect.stringMatching(/^buildah's storage lost an image of its layer cache .* \(attempt 2 of 3\)$/)]);
    const always = flaky(9);
    await expect((await builderOn(always)).build(plan, await layout(), () => undefined)).rejects.toThrow(/layer not known/);
    expect(builds(always)).toHaveLength(3);
  });

  it('does not retry another failure of the push, nor a failed build', async () => {
    const st = storage();
    const run = st.exec.run.bind(st.exec);
    st.exec.run = async (file, args, o) => {
      if (args[0] === 'push')
        throw new CommandError('buildah push exited with code 125: Error: writing blob: no space left on device', 'buildah push', 125, '');
      return run(file, args, o);
    };
    await expect((await builderOn(st)).build(plan, await layout(), () => undefined)).rejects.toThrow(/no space left/);
    expect(builds(st)).toHaveLength(1);
    // Another image than the one built (a base named by id, say) not known: the push's own failure.
    const base = storage();
    const runBase = base.exec.run.bind(base.exec);
    base.exec.run = async (file, args, o) => {
      if (args[0] === 'push') throw new CommandError(`buildah push exited with code 125: sha256:${'e'.repeat(64)}: image not known`, 'buildah push', 125, '');
      return runBase(file, args, o);
    };
    await expect((await builderOn(base)).build(plan, await layout(), () => undefined)).rejects.toThrow(/image not known/);
    expect(builds(base)).toHaveLength(1);
    const failing = storage();
    failing.exec.run = async () => {
      throw new CommandError('buildah exited with code 1: STEP 2/2: image not known', 'buildah build', 1, 'STEP 2/2: image not known');
    };
    await expect((await builderOn(failing)).build(plan, await layout(), () => undefined)).rejects.toThrow(/STEP 2\/2/);
  });
});
