/** How the image is built: which builder, for which platforms, with what cache and attestations. */
import { BUILDERS, type BuilderName, type Provenance } from '../builders/plan.js';
import { optional, parseBool, parseChoice, parseLines, parseList, type InputScope } from './read.js';

export interface BuilderSettings {
  /** `builder`: auto, or one of docker, buildx, buildctl, buildah. */
  builder: 'auto' | BuilderName;
  /** A BuildKit daemon address for buildctl (`buildkit-host`, else BUILDKIT_HOST). */
  buildkitHost: string | undefined;
  /** A buildx builder instance by name (`buildx-builder`). */
  buildxBuilder: string | undefined;
  platforms: string[];
  cacheFrom: string[];
  cacheTo: string[];
  noCache: boolean;
  /**
   * `reproducible`: file times in the layers the build makes, and the image's times, clamped to the
   * creation time — the same commit gives the same digest, cached or not.
   */
  reproducible: boolean;
  pull: boolean;
  /** `host:ip` entries for the build's /etc/hosts. */
  addHosts: string[];
  network: string | undefined;
  provenance: Provenance;
  /** The user set `provenance` (the default `min` is dropped where no attestation can be made). */
  provenanceSet: boolean;
  sbom: boolean;
  /** `secret-cache`: what to do when a step that mounts a secret is served from the build cache. */
  secretCache: 'warn' | 'rebuild' | 'fail';
  extras: BuildExtras;
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
}

const SIZE = /^(\d+(?:\.\d+)?)\s*([bkmg]?)b?$/i;
const ENTITLEMENTS = ['network.host', 'security.insecure'];

export function parseBuildExtras(scope: InputScope): BuildExtras {
  const { issues } = scope;
  const shm = scope.read('shm-size').trim();
  const m = SIZE.exec(shm);
  if (shm && !m) issues.push({ input: 'shm-size', message: `'${shm}' is not a size: a number with an optional unit b, k, m or g (2g, 512m)` });
  const unit = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m?.[2] ?? '').toLowerCase() as '' | 'b' | 'k' | 'm' | 'g'];
  const ulimits = parseList(scope.read('ulimit'));
  for (const u of ulimits)
    if (!/^[a-z]+=-?\d+(:-?\d+)?$/.test(u)) issues.push({ input: 'ulimit', message: `'${u}' is not NAME=SOFT[:HARD] (nofile=1024:2048)` });
  const allow = parseList(scope.read('allow'));
  for (const a of allow) if (!ENTITLEMENTS.includes(a)) issues.push({ input: 'allow', message: `'${a}' is not an entitlement: ${ENTITLEMENTS.join(', ')}` });
  const attests = parseLines(scope.read('attests'));
  for (const a of attests)
    if (!/^type=(provenance|sbom)(,|$)/.test(a)) issues.push({ input: 'attests', message: `'${a}' does not start with type=provenance or type=sbom` });
  return {
    shmSize: m ? Math.round(Number(m[1]) * unit) : undefined,
    ulimits,
    allow,
    noCacheFilters: parseList(scope.read('no-cache-filters')),
    attests,
    call: parseCall(scope),
  };
}

/** `build`, `check`, `outline`, `targets`, with buildx's options after a comma (`check,error=true`). */
function parseCall(scope: InputScope): string {
  const call = scope.read('call').trim() || 'build';
  if (!/^(build|check|outline|targets)(,[a-z]+=[\w.-]+)*$/.test(call)) {
    scope.issues.push({ input: 'call', message: `'${call}' is not build, check, outline or targets (with buildx's options after a comma: check,error=true)` });
    return 'build';
  }
  return call;
}

const PROVENANCE: Record<string, Provenance> = { '': 'min', true: 'min', min: 'min', 'mode=min': 'min', max: 'max', 'mode=max': 'max', false: 'false' };

export function parseBuilder(scope: InputScope): BuilderSettings {
  const { issues } = scope;
  const platforms = parseList(scope.read('platforms'));
  for (const p of platforms) {
    if (!/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(p))
      issues.push({ input: 'platforms', message: `'${p}' is not a platform: os/arch[/variant], e.g. linux/amd64 or linux/arm64` });
  }
  const addHosts = parseList(scope.read('add-hosts'));
  for (const h of addHosts) if (!/^[^\s:]+:[0-9a-fA-F.:]+$/.test(h)) issues.push({ input: 'add-hosts', message: `'${h}' is not HOST:IP` });
  const provenanceRaw = scope.read('provenance').trim().toLowerCase();
  const provenance = PROVENANCE[provenanceRaw];
  if (!provenance) issues.push({ input: 'provenance', message: `'${scope.read('provenance').trim()}' is not one of false, min, max` });
  return {
    builder: parseChoice(scope, 'builder', ['auto', ...BUILDERS] as const, 'auto'),
    buildkitHost: optional(scope, 'buildkit-host') ?? (scope.env.BUILDKIT_HOST || undefined),
    buildxBuilder: optional(scope, 'buildx-builder'),
    platforms,
    cacheFrom: parseList(scope.read('cache-from')),
    cacheTo: parseList(scope.read('cache-to')),
    noCache: parseBool(scope, 'no-cache', false),
    reproducible: parseBool(scope, 'reproducible', false),
    pull: parseBool(scope, 'pull', false),
    addHosts,
    network: optional(scope, 'network'),
    provenance: provenance ?? 'min',
    provenanceSet: provenanceRaw !== '',
    sbom: parseBool(scope, 'sbom', false),
    secretCache: parseChoice(scope, 'secret-cache', ['warn', 'rebuild', 'fail'] as const, 'warn'),
    extras: parseBuildExtras(scope),
  };
}
