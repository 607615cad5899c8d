/**
 * The docker builder's image taken from the daemon's own push, not its save (issue 36): the daemon pushes the built
 * image to Hoist's registry on loopback (push-sink.ts), which writes each blob into the OCI layout as it comes, the
 * daemon's gzip as the blob, each new layer inflated into the audit on the way. The base's layers are not sent: while
 * the daemon builds, Hoist fetches each from the base's registry into the layout, audits it, and checks it against
 * the digests the base's manifest and config name; the sink then tells the daemon it holds them. The daemon's
 * manifest becomes an OCI one over the same blobs (the config's bytes are the daemon's: the image id stays).
 *
 * `docker save` on dockerd 20.10 writes every layer to a temporary directory before it sends one (moby's tarexport):
 * for a 207 MiB image, 1.8–4.3 s, against 0.3–1.0 s for the daemon's push of it to a loopback registry holding the
 * base (bench/run.sh base). Where the daemon cannot reach Hoist's loopback, the builder keeps the save (docker.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { PassThrough, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import pLimit from 'p-limit';
import type { BaseBlobs, LayerAudit } from '../core/builder.js';
import { blobPath, initLayout, MediaType, REF_NAME, writeBlobBytes, writeIndex, type Descriptor, type ImageManifest } from '../oci/layout.js';
import type { PushSink } from './push-sink.js';

const GZIP_TYPES = new Set([MediaType.ociLayerGzip, 'application/vnd.docker.image.rootfs.diff.tar.gzip']);
const MiB = 1024 * 1024;

/** The base's layers fetched (and audited) from its registry into the layout while the daemon builds. */
export interface BasePreaudit {
  /** The base blobs the sink may say it holds (digest → size): each being fetched. */
  present(): Promise<ReadonlyMap<string, number>>;
  /** Resolves once the blob is in the layout, its digest and diff id checked and its content audited. */
  done(digest: string): Promise<void>;
  /** How many were fetched, and their bytes; how many were left in the base's registry (the cache read them clean before). */
  fetched(): { layers: number; bytes: number; left: number };
  stop(): void;
}

/** A hashing pass-through: `digest()` once it ended. */
function hashing(): Transform & { digest(): string } {
  const hash = createHash('sha256');
  const t = new Transform({
    readableHighWaterMark: MiB,
    transform(chunk: Buffer, _, next) {
      hash.update(chunk);
      next(null, chunk);
    },
  }) as Transform & { digest(): string };
  t.digest = () => `sha256:${hash.digest('hex')}`;
  return t;
}

/**
 * One base blob from its registry into the layout: its digest checked; inflated into the audit, its diff id checked.
 * A blob the cache of audited layers read clean before (audit/audited-cache.ts: that digest inflated to that diff id,
 * verified then) is not fetched at all: it stays in the base's registry, which the target holds it from or mounts it
 * from, and whose bytes a push that must send it reads there, the target checking them against the digest
 * (oci/adopt.ts: an absent layer). Returns whether it was fetched.
 */
async function fetchOne(layoutDir: string, bases: BaseBlobs, diffId: string, digest: string, audit: LayerAudit | undefined, signal: AbortSignal) {
  if (audit?.cachedBlob && audit.fromCacheVerified && (await audit.cachedBlob(digest, diffId))) {
    audit.fromCacheVerified(diffId);
    return false;
  }
  const tmp = `${blobPath(layoutDir, digest)}.base-${process.pid}`;
  const compressed = hashing();
  const writing = pipeline(compressed, createWriteStream(tmp), { signal });
  writing.catch(() => undefined); // awaited below
  let audited: Promise<void> = Promise.resolve();
  let inflatedDigest: Promise<string> = Promise.resolve(diffId);
  if (audit) {
    const input = new PassThrough({ highWaterMark: MiB });
    const inflated = hashing();
    compressed.pipe(input);
    const inflating = pipeline(input, createGunzip(), inflated, { signal }).catch((e: unknown) => (inflated.destroy(e as Error), Promise.reject(e)));
    inflatedDigest = new Promise((resolve, reject) => {
      inflated.on('end', () => resolve(inflated.digest()));
      inflated.on('error', reject);
    });
    inflatedDigest.catch(() => undefined);
    audited = Promise.all([audit.layer(inflated, inflatedDigest, { content: diffId }), inflating]).then(() => undefined);
  }
  try {
    await Promise.all([pipeline(await bases.open(digest, signal), compressed, { signal }).then(() => writing), audited]);
    const got = compressed.digest();
    if (got !== digest) throw new Error(`the base's blob ${digest} holds ${got}`);
    const content = await inflatedDigest;
    if (content !== diffId) throw new Error(`the base's blob ${digest} inflates to ${content}, its config says ${diffId}`);
    await rename(tmp, blobPath(layoutDir, digest));
    await audit?.blobVerified?.(digest, diffId);
    return true;
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Starts fetching (and auditing) the base's gzip layers into the layout; none when there is no base or no reader. */
export function preauditBase(layoutDir: string, bases: Promise<BaseBlobs | undefined>, audit: LayerAudit | undefined): BasePreaudit {
  const controller = new AbortController();
  const limit = pLimit(2);
  const jobs = new Map<string, Promise<void>>();
  let bytes = 0;
  let fetched = 0;
  let left = 0;
  const started = bases.then(
    async (b) => {
      if (!b || controller.signal.aborted) return new Map<string, number>();
      await initLayout(layoutDir);
      const present = new Map<string, number>();
      for (const [diffId, d] of b.layers) {
        if (!GZIP_TYPES.has(d.mediaType) || jobs.has(d.digest)) continue;
        const job = limit(() => fetchOne(layoutDir, b, diffId, d.digest, audit, controller.signal)).then((got) => {
          if (!got) return void left++;
          fetched++;
          bytes += d.size;
        });
        job.catch(() => undefined); // awaited by `done`
        jobs.set(d.digest, job);
        present.set(d.digest, d.size);
      }
      return present;
    },
    () => new Map<string, number>(),
  );
  return {
    present: () => started,
    done: async (digest) => {
      await started;
      const job = jobs.get(digest);
      if (!job) throw new Error(`${digest} was not fetched from the base's registry`);
      await job;
    },
    fetched: () => ({ layers: fetched, bytes, left }),
    stop: () => controller.abort(),
  };
}

export interface PushedImage {
  manifest: ImageManifest;
  configDigest: string;
  /** Blob bytes the daemon sent, and the base's layers it was told the sink holds. */
  sent: number;
  vouched: number;
}

/** The daemon's manifest, once its push ended, as an OCI manifest in the layout; every blob checked to be there, audited. */
export async function layoutFromPush(layoutDir: string, sink: PushSink, preaudit: BasePreaudit, refName?: string): Promise<PushedImage> {
  const failure = sink.failure();
  if (failure) throw failure;
  const pushed = sink.manifest();
  if (!pushed) throw new Error('the Docker daemon pushed no manifest to the loopback registry');
  const docker = JSON.parse(pushed.bytes.toString('utf8')) as ImageManifest;
  if (docker.mediaType !== MediaType.dockerManifest && docker.mediaType !== MediaType.ociManifest) {
    throw new Error(`the Docker daemon pushed a ${docker.mediaType}, not an image manifest`);
  }
  await sink.layers();
  for (const d of sink.vouched) await preaudit.done(d);
  const sentConfig = sink.uploaded.get(docker.config.digest);
  if (!sentConfig) throw new Error(`the Docker daemon did not send the image config ${docker.config.digest}`);
  if (sentConfig.size !== docker.config.size)
    throw new Error(`the Docker daemon's manifest names the config with ${docker.config.size} bytes, its blob has ${sentConfig.size}`);
  const config = JSON.parse(await readFile(blobPath(layoutDir, docker.config.digest), 'utf8')) as { rootfs?: { diff_ids?: string[] } };
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== docker.layers.length) throw new Error(`the image config names ${diffIds.length} layers, the manifest ${docker.layers.length}`);
  const layers: Descriptor[] = [];
  for (const [i, layer] of docker.layers.entries()) {
    if (!GZIP_TYPES.has(layer.mediaType)) throw new Error(`layer ${layer.digest} is a ${layer.mediaType}`);
    const own = sink.uploaded.get(layer.digest);
    if (!own && !sink.vouched.has(layer.digest)) throw new Error(`the Docker daemon did not send layer ${layer.digest}`);
    const size = own?.size ?? (await preaudit.present()).get(layer.digest);
    if (size !== layer.size) throw new Error(`the Docker daemon's manifest names layer ${layer.digest} with ${layer.size} bytes, its blob has ${size}`);
    const content = own?.diffId && (await own.diffId);
    if (content && content !== diffIds[i]) throw new Error(`layer ${layer.digest} inflates to ${content}, the config says ${diffIds[i]}`);
    layers.push({ mediaType: MediaType.ociLayerGzip, digest: layer.digest, size: layer.size });
  }
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: docker.config.digest, size: docker.config.size },
    layers,
  };
  const written = await writeBlobBytes(layoutDir, Buffer.from(JSON.stringify(manifest)));
  await writeIndex(layoutDir, [
    { mediaType: MediaType.ociManifest, digest: written.digest, size: written.size, ...(refName ? { annotations: { [REF_NAME]: refName } } : {}) },
  ]);
  const sent = [...sink.uploaded.values()].reduce((n, u) => n + u.size, 0);
  return { manifest, configDigest: docker.config.digest, sent, vouched: sink.vouched.size };
}

export type CountedAudit = LayerAudit & { count: number; cached: () => number };

/** `, N audited as they streamed` (and how many of them the cache of audited layers stood for). */
export function auditedWords(audit: CountedAudit | undefined): string {
  if (!audit?.count) return '';
  const cached = audit.cached();
  return `, ${audit.count} audited as ${audit.count === 1 ? 'it' : 'they'} streamed${cached ? ` (${cached} of them by the cache of audited layers: read clean before)` : ''}`;
}

/** What the push path needs of the docker builder. */
export interface PushRun {
  socket: string;
  audit: CountedAudit | undefined;
  build: (runTag: string) => Promise<string>;
  removeRunTag: (runTag: string) => Promise<void>;
  /** The save path, when the daemon could not push to the sink: the image still under its run tag. */
  save: (imageId: string, runTag: string) => Promise<void>;
  push: (socket: string, name: string, tag: string) => Promise<void>;
  /** The daemon asked to pull `name:tag` (from the sink): whether its requests reach Hoist's loopback at all. */
  probe?: (socket: string, name: string, tag: string) => Promise<void>;
}

/**
 * Whether the daemon's requests to 127.0.0.1 reach this process's sink: its pull of a random tag from the sink must
 * arrive there. A daemon in another network namespace (the host's socket mounted into a job's container, a rootless
 * dockerd) has another 127.0.0.1, where whatever listens on that port would receive the image before the audit — so
 * the image is pushed only after the probe arrived; otherwise it comes through docker save.
 */
async function reaches(run: PushRun, sink: PushSink): Promise<boolean> {
  if (!run.probe) return true;
  const tag = `probe-${randomBytes(8).toString('hex')}`;
  await run.probe(run.socket, `${sink.host}/${sink.repository}`, tag).catch(() => undefined);
  return sink.asked(tag);
}

const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;

/** Builds, then takes the image from the daemon's push to the sink (or, if that fails, from its save: said). */
export async function buildByPush(run: PushRun, layoutDir: string, bases: Promise<BaseBlobs | undefined>, log: (line: string) => void): Promise<string> {
  const preaudit = preauditBase(layoutDir, bases, run.audit);
  const sink = await import('./push-sink.js').then((m) =>
    m.startPushSink({ layoutDir, present: () => preaudit.present(), ...(run.audit ? { onLayer: (tar, d) => run.audit!.layer(tar, d) } : {}) }),
  );
  const tag = `run-${sink.repository.slice('hoist-run-'.length)}`;
  const runTag = `${sink.host}/${sink.repository}:${tag}`;
  let removed = false;
  const reached = reaches(run, sink); // while the daemon builds
  try {
    const imageId = await run.build(runTag);
    const started = Date.now();
    try {
      if (!(await reached))
        throw new Error(
          "the daemon's probe pull never reached it: the daemon has another 127.0.0.1 (a socket mounted into a container, a rootless dockerd), and nothing is pushed there",
        );
      await run.push(run.socket, `${sink.host}/${sink.repository}`, tag);
      const pushed = await layoutFromPush(layoutDir, sink, preaudit);
      const seconds = ((Date.now() - started) / 1000).toFixed(2);
      const base = preaudit.fetched();
      log(
        `docker push → OCI layout: ${mib(pushed.sent)} sent by the daemon in ${seconds} s, ${pushed.manifest.layers.length - pushed.vouched} layer${pushed.manifest.layers.length - pushed.vouched === 1 ? '' : 's'} from the daemon` +
          (pushed.vouched
            ? `, ${pushed.vouched} of the base's not sent` +
              (base.layers ? `: ${base.layers} fetched from its registry (${mib(base.bytes)})${run.audit ? ' and audited' : ''} while it built` : '') +
              (base.left ? `${base.layers ? ',' : ':'} ${base.left} left in its registry (read clean before: the cache of audited layers)` : '')
            : '') +
          auditedWords(run.audit),
      );
      removed = true;
      await run.removeRunTag(runTag);
      return imageId;
    } catch (e) {
      preaudit.stop();
      await sink.close();
      log(
        `the image could not be taken from the Docker daemon's push to Hoist's registry on ${sink.host} (${e instanceof Error ? e.message.split('\n')[0] : String(e)}): it comes through docker save`,
      );
      await rm(layoutDir, { recursive: true, force: true });
      await run.save(imageId, runTag);
      return imageId;
    }
  } finally {
    preaudit.stop();
    await sink.close();
    if (!removed) await run.removeRunTag(runTag);
  }
}
