/**
 * The `docker` builder: `DOCKER_BUILDKIT=1 docker build` on the daemon's own BuildKit, then
 * `docker save` converted into an OCI layout. The argv is rendered by a pure function.
 */
import { CommandError, type Exec } from '../effects/exec.js';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Transform } from 'node:stream';
import { convertDockerSave, type ConvertedImage } from '../oci/docker-save.js';
import { mib, progressInterval, startTicker } from '../platform/ticker.js';
import type { Builder, BuildPlan } from '../core/builder.js';
import { cacheFromRefs, commonBuildFlags } from './plan.js';
import { EngineUnreachable, pullProbe, pushImage, removeImage } from './docker-api.js';
import { auditedWords, buildByPush, type CountedAudit, type PushRun } from './docker-push.js';

/**
 * How the image leaves the daemon: `save` (docker save, converted), or `push` — the daemon's own push to Hoist's
 * registry on loopback (docker-push.ts), where the daemon is on this machine's socket and the build is not
 * reproducible (Hoist clamps times only in the layers it writes itself). HOIST_DOCKER_TRANSFER chooses; save unless set.
 */
export function dockerTransfer(
  env: Readonly<Record<string, string | undefined>>,
  socket: string | undefined,
  plan: Pick<BuildPlan, 'epoch'>,
): { socket: string } | { why: string } | undefined {
  const mode = env.HOIST_DOCKER_TRANSFER?.trim() || 'save';
  if (mode === 'save') return undefined;
  if (mode !== 'push') throw new Error(`HOIST_DOCKER_TRANSFER is '${mode}': set push (the daemon pushes the image to Hoist on loopback) or save (docker save)`);
  if (!socket) {
    const where = env.DOCKER_HOST ? `DOCKER_HOST=${env.DOCKER_HOST}` : `the docker CLI's context ${env.DOCKER_CONTEXT ?? ''}`.trim();
    return {
      why: `HOIST_DOCKER_TRANSFER=push: the Docker daemon is not on a socket of this machine (${where}), so it cannot reach Hoist on loopback: the image comes through docker save`,
    };
  }
  if (plan.epoch !== undefined)
    return { why: 'HOIST_DOCKER_TRANSFER=push: reproducible builds clamp file times in the layers Hoist writes itself: the image comes through docker save' };
  return { socket };
}

/** `docker build` arguments for a plan. No secret value is ever part of argv: only file paths. */
export function renderDockerBuildArgs(plan: BuildPlan): string[] {
  const args = [
    'build',
    '--progress=plain',
    '--file',
    plan.file,
    '--iidfile',
    plan.iidFile,
    ...commonBuildFlags(plan, { cacheFrom: cacheFromRefs(plan), pull: plan.pull ? ['--pull'] : [] }),
  ];
  for (const t of plan.localTags) args.push('--tag', t);
  args.push(plan.context);
  return args;
}

/** The audit that reads each uncompressed layer as docker save streams it (core/builder.ts LayerAudit), counting them for the log. */
function countedAudit(plan: BuildPlan): CountedAudit | undefined {
  const audit = plan.auditLayers?.();
  if (!audit) return undefined;
  const counted: CountedAudit = {
    count: 0,
    cached: () => (audit as { fromCache?: number }).fromCache ?? 0,
    layer: (tar, digest, hint) => (counted.count++, audit.layer(tar, digest, hint)),
    ...(audit.expect ? { expect: (d) => audit.expect!(d) } : {}),
    ...(audit.cachedBlob ? { cachedBlob: (b, c) => audit.cachedBlob!(b, c) } : {}),
    ...(audit.fromCacheVerified ? { fromCacheVerified: (c) => (counted.count++, audit.fromCacheVerified!(c)) } : {}),
    ...(audit.blobVerified ? { blobVerified: (b, c) => audit.blobVerified!(b, c) } : {}),
  };
  return counted;
}

/** The log line of a converted docker save: how much and how long, what was compressed, kept, audited, clamped. */
function savedLine(took: string, converted: ConvertedImage, audited: CountedAudit | undefined, epoch: number | undefined): string {
  const kept = converted.manifest.layers.length - converted.compressed;
  return (
    `docker save → OCI layout: ${took}, ${converted.compressed} layer${converted.compressed === 1 ? '' : 's'} compressed` +
    (kept ? `, ${kept} left for the base's own blob${kept === 1 ? '' : 's'}` : '') +
    auditedWords(audited) +
    (epoch === undefined ? '' : `, ${converted.clamped} file times clamped to ${new Date(epoch * 1000).toISOString()}`)
  );
}

// The daemon keeps nothing of a build it was not asked to load. Every build is named by a tag of
// its own run (never the user's tags alone: two jobs of one pipeline building the same names at
// once would each move or remove the image the other is still saving), removed once the image is
// saved — which drops the image too unless another name holds it. With load the user's tags are
// set beside it and stay; without, they are never set. Until docker save has read the image, the
// run tag is the one name no other run or client takes away: with load alone, another run of the
// same tags (two pipelines of one branch) moves them to its image, and a cleanup of dangling images
// in that moment (`docker image prune`) removed this one under docker save (concurrent-daemon.test).
// Failing to remove the run tag is said, not fatal.
// The removal starts as soon as docker save has exited, while the conversion still audits, hashes
// and compresses what it wrote; it is over before the build returns, whether the build succeeded or
// not. On the daemon's socket when it is known (docker-api.ts): the CLI's start was most of it —
// `docker image rm` 0.35–0.45 s at load 14, the same DELETE on the socket 0.008–0.034 s, and the
// conversion's tail (0.03–0.05 s) hid little of it (bench/run.sh base: 0.08–0.51 s after the
// conversion). A socket that does not answer leaves it to the CLI.
async function removeRunTag(
  exec: Exec,
  cli: string,
  env: Record<string, string | undefined>,
  tag: string,
  load: boolean,
  log: (line: string) => void,
  socket: string | undefined,
): Promise<void> {
  try {
    const removed = socket
      ? await removeImage(socket, tag).then(
          () => true,
          (e: unknown) => (e instanceof EngineUnreachable ? false : Promise.reject(e)),
        )
      : false;
    if (!removed) await exec.run(cli, ['image', 'rm', tag], { env });
    log(
      `removed its run's own tag ${tag} from the Docker daemon (${load ? 'load is true: the image stays under its own tags' : 'load is false: the image is not kept there'})`,
    );
  } catch (e) {
    log(`could not remove its run's own tag ${tag} from the Docker daemon: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
}

/**
 * The run tag removed if the step is cancelled before its removal started (Ctrl-C, a cancelled job): the process exits
 * right after, so synchronously, through the CLI (a built image named 127.0.0.1:PORT/hoist-run-… stayed in the daemon).
 */
function removeOnCancel(plan: BuildPlan, cli: string, env: Record<string, string | undefined>, tag: string, started: () => boolean): void {
  plan.onCancel?.(() => {
    if (!started()) spawnSync(cli, ['image', 'rm', tag], { env: env as NodeJS.ProcessEnv, stdio: 'ignore', timeout: 10_000 });
  });
}

/**
 * dockerd loses an image a build has just written when another client removes the same image at that
 * moment: BuildKit's export finds the image id already stored (a cached build of the same content),
 * the other client's `docker image rm` of its last tag then deletes it, and this build names and reads
 * an image that is gone ("failed to get digest sha256:…: open …/imagedb/content/sha256/…: no such file
 * or directory"). Seen with four runs of one pipeline building the same Dockerfile on one daemon, each
 * removing its own run tag (docker-local-tags.test). BuildKit's cache still holds every step, so
 * building again costs only the export; any other failure is the build's own and is not retried.
 */
const LOST_IMAGE = /failed to get digest sha256:[a-f0-9]{64}: open [^\n]*\/imagedb\/content\/sha256\/[a-f0-9]{64}: no such file or directory/;
const LOST_IMAGE_ATTEMPTS = 3;

/** `docker build`, run again when the daemon lost the image it wrote (LOST_IMAGE). */
async function runDockerBuild(exec: Exec, cli: string, args: string[], env: Record<string, string | undefined>, log: (line: string) => void): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await exec.run(cli, args, { env, onLine: log });
      break;
    } catch (e) {
      if (e instanceof CommandError && /buildx component is missing/i.test(e.outputTail)) {
        throw new Error(
          'the docker CLI on PATH needs the buildx plugin for BuildKit builds: install docker-buildx, or put a docker CLI with built-in BuildKit (20.10) first on PATH',
        );
      }
      if (attempt < LOST_IMAGE_ATTEMPTS && e instanceof CommandError && LOST_IMAGE.test(`${e.outputTail}\n${e.message}`)) {
        log(
          `the Docker daemon lost the image this build had just written (another client removed the same image at that moment); building again from BuildKit's cache (attempt ${attempt + 1} of ${LOST_IMAGE_ATTEMPTS})`,
        );
        continue;
      }
      throw e;
    }
  }
}

function imageIdOf(text: string, iidFile: string): string {
  const id = text.trim();
  if (!/^sha256:[a-f0-9]{64}$/.test(id)) throw new Error(`docker build wrote no image id to ${iidFile}`);
  return id;
}

interface PushDeps {
  exec: Exec;
  cli: string;
  dockerEnv: Record<string, string | undefined>;
  engineSocket: string | undefined;
  readIidFile: (path: string) => Promise<string>;
  exportLayout: (imageId: string, layoutDir: string, plan: BuildPlan, log: (line: string) => void, saved?: () => void) => Promise<void>;
}

/** The image from the daemon's push to Hoist's registry on loopback (docker-push.ts), its save if that fails. */
function byPush(d: PushDeps, socket: string, plan: BuildPlan, layoutDir: string, log: (line: string) => void): Promise<string> {
  let removing: Promise<void> | undefined;
  const remove = (tag: string) => (removing ??= removeRunTag(d.exec, d.cli, d.dockerEnv, tag, plan.keepLocalTags === true, log, d.engineSocket));
  const run: PushRun = {
    socket,
    audit: countedAudit(plan),
    build: async (runTag) => {
      removeOnCancel(plan, d.cli, d.dockerEnv, runTag, () => removing !== undefined);
      const tagged = { ...plan, localTags: [...(plan.keepLocalTags ? plan.localTags : []), runTag] };
      await runDockerBuild(d.exec, d.cli, renderDockerBuildArgs(tagged), d.dockerEnv, log);
      return imageIdOf(await d.readIidFile(plan.iidFile), plan.iidFile);
    },
    removeRunTag: remove,
    save: (id, runTag) => d.exportLayout(id, layoutDir, plan, log, () => void remove(runTag)),
    push: pushImage,
    probe: pullProbe,
  };
  return buildByPush(run, layoutDir, plan.baseBlobs?.() ?? Promise.resolve(undefined), log);
}

/** Builds with the daemon's BuildKit, then converts `docker save` into the OCI layout at `layoutDir`. */
export function createDockerBuilder(
  exec: Exec,
  env: Readonly<Record<string, string | undefined>>,
  readIidFile: (path: string) => Promise<string>,
  cli = 'docker', // the CLI that builds without buildx (BuilderProbe.dockerCli), when not the first on PATH
  engineSocket?: string, // the daemon's unix socket, when the CLI's endpoint is certain (docker-api.ts#dockerEngineSocket)
): Builder {
  const dockerEnv = { ...env, DOCKER_BUILDKIT: '1' };
  /** `saved`: told once `docker save` has exited having written the whole archive (the daemon is done with the image; the conversion may still be reading it). */
  const exportLayout = async (imageId: string, layoutDir: string, plan: BuildPlan, log: (line: string) => void, saved?: () => void) => {
    const save = exec.stream(cli, ['save', imageId], { env: dockerEnv });
    save.done.then(saved, () => undefined);
    // A large image spends a while here: the bytes read so far, every few seconds. The pipe's 64 KiB
    // chunks go to the conversion as they come: joining them into 1 MiB first (a copy of every byte,
    // 207 MiB of new buffers for a 207 MiB archive) cost more CPU than it saved once the layout's
    // writes batch what arrives while one is in flight (layout.ts#writeBlobStream: 1.13–1.33 s →
    // 0.78–0.94 s of CPU to convert that archive through a pipe, bench/.build/conv-stdin.ts).
    let read = 0;
    const counted = save.stdout.pipe(
      new Transform({
        transform(chunk: Buffer, _, next) {
          read += chunk.length;
          next(null, chunk);
        },
      }),
    );
    save.stdout.on('error', (e) => counted.destroy(e));
    const auditing = countedAudit(plan);
    // The base's layers the cache of audited layers may hold: told ahead, as a saved layer is named only once hashed.
    auditing?.expect?.((plan.baseBlobs?.() ?? Promise.resolve(undefined)).then((b) => [...(b?.layers.keys() ?? [])]));
    // The archive is read as fast as the audit reads it: the bytes so far are the audit's progress too.
    const stop = startTicker(log, 'docker save → OCI layout', () => `${mib(read)} read${auditing ? ' and audited' : ''}`, progressInterval(env));
    const started = Date.now();
    try {
      const [converted] = await Promise.all([
        convertDockerSave(counted, layoutDir, { keepUncompressed: plan.keepUncompressed, epoch: plan.epoch, ...(auditing ? { audit: auditing } : {}) }).finally(
          stop,
        ),
        save.done,
      ]);
      log(savedLine(`${mib(read)} in ${((Date.now() - started) / 1000).toFixed(2)} s`, converted, auditing, plan.epoch));
    } catch (e) {
      stop();
      // When docker save itself failed (the image went from the daemon), its own error says why;
      // the conversion's ("no manifest.json") only says the archive ended early.
      const saveFailed = await Promise.race([
        save.done.then(
          () => undefined,
          (s: unknown) => s,
        ),
        new Promise((r) => setTimeout(r, 2000, undefined)),
      ]);
      save.kill(); // a failed conversion stops reading: docker save must not stay blocked on its pipe
      save.done.catch(() => undefined);
      throw saveFailed instanceof Error ? saveFailed : e;
    }
  };
  return {
    name: 'docker',
    async build(plan, layoutDir, log) {
      const transfer = dockerTransfer(env, engineSocket, plan);
      if (transfer && 'why' in transfer) log(transfer.why);
      if (transfer && 'socket' in transfer)
        return byPush({ exec, cli, dockerEnv, engineSocket, readIidFile, exportLayout }, transfer.socket, plan, layoutDir, log);
      const runTag = `hoist-build:run-${randomBytes(8).toString('hex')}`;
      const tagged = { ...plan, localTags: [...(plan.keepLocalTags ? plan.localTags : []), runTag] };
      let removing: Promise<void> | undefined;
      const remove = () => (removing ??= removeRunTag(exec, cli, dockerEnv, runTag, plan.keepLocalTags === true, log, engineSocket));
      removeOnCancel(plan, cli, dockerEnv, runTag, () => removing !== undefined);
      await runDockerBuild(exec, cli, renderDockerBuildArgs(tagged), dockerEnv, log);
      try {
        const id = imageIdOf(await readIidFile(plan.iidFile), plan.iidFile);
        await exportLayout(id, layoutDir, plan, log, remove);
        return id;
      } finally {
        await remove();
      }
    },
  };
}
