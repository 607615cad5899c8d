/**
 * The builder contract: what a build is asked to do (`BuildPlan`) and what does it (`Builder`), the
 * machine's builders (`BuilderProbe`) and the one chosen (`Choice`). Written by the inputs and the
 * plan, used by `builders/` (the adapters, `chooseBuilder`) and by the effects seam that makes them.
 */
import type { Exec } from './exec.js';

export type BuilderName = 'docker' | 'buildx' | 'buildctl' | 'buildah';

export const BUILDERS: readonly BuilderName[] = ['docker', 'buildx', 'buildctl', 'buildah'];

/** Provenance attestation: off, or BuildKit's `min` (safe) or `max` (records build arguments). */
export type Provenance = 'false' | 'min' | 'max';

export interface BuildPlan {
  context: string;
  file: string;
  target: string | undefined;
  buildArgs: ReadonlyArray<readonly [string, string]>;
  labels: ReadonlyArray<readonly [string, string]>;
  /** The user's `annotations` with their levels; BuildKit builders place them, Hoist does for the others (manifest level only). */
  annotations: readonly LeveledAnnotation[];
  network: string | undefined;
  /** Secrets as files the builder reads (`id` → a 0600 file in the step's private directory). */
  secretFiles: ReadonlyArray<{ id: string; path: string }>;
  ssh: readonly SshForward[];
  platforms: readonly string[];
  cacheFrom: readonly string[];
  cacheTo: readonly string[];
  noCache: boolean;
  pull: boolean;
  /** `host:ip` */
  addHosts: readonly string[];
  /** `name` → a directory or `docker-image://…` / `oci-layout://…` */
  buildContexts: ReadonlyArray<readonly [string, string]>;
  provenance: Provenance;
  sbom: boolean;
  /** shm-size, ulimit, allow, no-cache-filters, attests. */
  extras: BuildExtras;
  /** Local names for the built image (docker, buildah). */
  localTags: readonly string[];
  /** `load: true`: the docker builder leaves its tags in the daemon; otherwise it removes them once the image is saved. */
  keepLocalTags?: boolean;
  /** Where the builder writes the image id (docker, buildah). */
  iidFile: string;
  /**
   * `reproducible`: the epoch (Unix seconds) file times and image times are clamped to —
   * `SOURCE_DATE_EPOCH` for BuildKit, `--timestamp` for buildah, Hoist's own clamp on the docker path.
   */
  epoch?: number;
  /**
   * The docker path: asked once the image's diff ids are known, which layers are the base's own
   * (left uncompressed: the base's registry blob takes their place, `oci/adopt.ts`).
   */
  keepUncompressed?: (diffIds: readonly string[]) => Promise<ReadonlySet<string>>;
  /**
   * The docker path: the audit, handed down so that each layer is read as `docker save` streams it
   * rather than written and read again. Called once per attempt at the layout (a rebuild starts anew).
   */
  auditLayers?: () => LayerAudit;
  /**
   * The docker path: the base's layers as its registry names them, and a reader of each blob there — fetched and
   * audited while the daemon builds, so that its push to Hoist's loopback sink need not send them (builders/docker-push.ts).
   */
  baseBlobs?: () => Promise<BaseBlobs | undefined>;
  /** A synchronous step run if the step is cancelled (SIGINT, SIGTERM) — and at its end: it must do nothing once not needed. */
  onCancel?: (stop: () => void) => void;
}

/** A base image's layers by diff id (their registry descriptors), and their blobs from its registry. */
export interface BaseBlobs {
  layers: ReadonlyMap<string, { mediaType: string; digest: string; size: number }>;
  open(digest: string, signal?: AbortSignal): Promise<AsyncIterable<Buffer>>;
}

/** What a builder knows of a layer before it streams (the cache of audited layers uses it: audit/audited-cache.ts). */
export interface LayerHint {
  /** The content digest the caller checks these bytes against (a base blob's diff id from its config). */
  content?: string;
  /** The tar's size, known ahead (a docker save entry's). */
  size?: number;
}

/** The audit of layers as a builder streams them: each uncompressed layer tar once, named by its digest once it is written. */
export interface LayerAudit {
  layer(tar: AsyncIterable<Buffer>, digest: Promise<string>, hint?: LayerHint): Promise<void>;
  /** The base's diff ids, ahead of a stream that names each layer only once it is hashed (docker save). */
  expect?(diffIds: Promise<readonly string[]>): void;
  /** Whether blob `blob` holding `content` was audited clean before: then it need not be inflated, only its digest verified. */
  cachedBlob?(blob: string, content: string): Promise<boolean>;
  /** Content of a blob `cachedBlob` stood for, its digest verified as it streamed: counted as audited. */
  fromCacheVerified?(content: string): void;
  /** Blob `blob`, its digest verified by the caller, inflated to `content`: recorded in the cache if that content was read clean. */
  blobVerified?(blob: string, content: string): Promise<void>;
}

/** A builder: runs the plan and leaves the image as an OCI layout at `layoutDir`. */
export interface Builder {
  name: BuilderName;
  /** Returns the image id (the config digest; for several platforms, the index digest). */
  build(plan: BuildPlan, layoutDir: string, log: (line: string) => void): Promise<string>;
  /** buildx: the build's reference (`builder/node/id`, from its metadata file), for build-push-action's `buildx.build.ref`. */
  buildRef?(): string | undefined;
  /** `call` other than build (buildx): the frontend method, its result in the log; nothing is built. */
  call?(plan: BuildPlan, method: string, log: (line: string) => void): Promise<void>;
}

/** What the machine has, as far as builders go. */
export interface BuilderProbe {
  buildx: boolean;
  /** The current buildx builder uses the `docker` driver, which cannot export an OCI layout. */
  buildxDockerDriver: boolean;
  buildctl: boolean;
  /** `buildctl-daemonless.sh` (rootless BuildKit, as in moby/buildkit:rootless images). */
  daemonless: boolean;
  /** A Docker daemon answers (its BuildKit builds with DOCKER_BUILDKIT=1). */
  dockerDaemon: boolean;
  /**
   * Set when no docker CLI on PATH can build on the daemon's BuildKit: the first is Docker 23 or
   * newer (no BuildKit of its own) without the buildx plugin, and no later one is older. Says why and what to do.
   */
  dockerNoBuildKit?: string;
  /** A later docker CLI on PATH that builds where the first cannot (Docker 20.10's built-in BuildKit), and why it is used. */
  dockerCli?: { path: string; why: string };
  buildah: boolean;
}

export interface Choice {
  name: BuilderName;
  why: string;
  /** buildctl through buildctl-daemonless.sh rather than a daemon address. */
  daemonless: boolean;
  /** The docker CLI the `docker` builder runs, when it is not the first on PATH (`BuilderProbe.dockerCli`). */
  dockerCli?: string;
}

export interface BuilderDeps {
  exec: Exec;
  env: Readonly<Record<string, string | undefined>>;
  workdir: string;
  insecureRegistries: readonly string[];
  /** A directory of extra CAs for buildah's --cert-dir (the others take theirs from DOCKER_CONFIG or the daemon). */
  certDir?: string;
  buildkitHost: string | undefined;
  buildxBuilder: string | undefined;
  readFile: (path: string) => Promise<string>;
}

/** build-push-action's other build options: `RUN`'s resources, BuildKit entitlements, cache filters, attestations. */
export interface BuildExtras {
  /** `shm-size`: /dev/shm of RUN steps, in bytes. */
  shmSize: number | undefined;
  /** `ulimit`: `nofile=1024:1024` lines. */
  ulimits: string[];
  /** `allow`: BuildKit entitlements (`network.host`, `security.insecure`). */
  allow: string[];
  /** `no-cache-filters`: stages built without the cache. */
  noCacheFilters: string[];
  /** `attests`: `type=sbom,generator=…` lines, as buildx's --attest. */
  attests: string[];
  /** `call`: `build` (the default), or a frontend method that builds nothing — `check`, `outline`, `targets` (buildx). */
  call: string;
  /** `cgroup-parent`: the cgroup RUN steps run under. */
  cgroupParent?: string;
}

/** Where an annotation goes, as BuildKit (and metadata-action's `annotations` output) name it. */
export type AnnotationLevel = 'manifest' | 'index' | 'manifest-descriptor' | 'index-descriptor';

/** One `annotations` line: `[levels[platform]:]key=value`. */
export interface LeveledAnnotation {
  /** The levels, `manifest` when the line names none. */
  levels: AnnotationLevel[];
  /** A platform selector (`manifest[linux/arm64]:…`). */
  platform?: string;
  key: string;
  value: string;
  /** The prefix as written (`manifest,index`, `manifest[linux/arm64]`), empty when none. */
  prefix: string;
}

/** An SSH agent socket or key files handed to the build through `RUN --mount=type=ssh`. */
export interface SshForward {
  id: string;
  /** Agent sockets or key files; empty means the runner's own `SSH_AUTH_SOCK`. */
  paths: string[];
}
