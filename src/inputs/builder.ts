/** How the image is built: which builder, for which platforms, with what cache and attestations. */
import { BUILDERS, type BuildExtras, type BuilderName, type Provenance } from '../core/builder.js';
import { cacheEntryIssues } from './cache-entry.js';
import { inputList, optional, parseBool, parseChoice, parseList, type InputScope } from './read.js';

export interface BuilderSettings {
  /** `builder`: auto, or one of docker, buildx, buildctl, buildah. */
  builder: 'auto' | BuilderName;
  /** A BuildKit daemon address for buildctl (`buildkit-host`, else BUILDKIT_HOST). */
  buildkitHost: string | undefined;
  /** A buildx builder instance by name (`buildx-builder`, or build-push-action's `builder: NAME`). */
  buildxBuilder: string | undefined;
  /** `builder` named a buildx instance (build-push-action's meaning): said, and a hint when buildx is missing. */
  builderIsInstance: boolean;
  platforms: string[];
  cacheFrom: string[];
  cacheTo: string[];
  /** A `type=gha` cache is asked for: the runner's cache variables go to the builder (and only then). */
  ghaCache: boolean;
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

const SIZE = /^(\d+(?:\.\d+)?)\s*([bkmg]?)b?$/i;
const ENTITLEMENTS = ['network.host', 'security.insecure'];

export function parseBuildExtras(scope: InputScope): BuildExtras {
  const { issues } = scope;
  const shm = scope.read('shm-size').trim();
  const m = SIZE.exec(shm);
  if (shm && !m) issues.push({ input: 'shm-size', message: `'${shm}' is not a size: a number with an optional unit b, k, m or g (2g, 512m)` });
  const unit = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m?.[2] ?? '').toLowerCase() as '' | 'b' | 'k' | 'm' | 'g'];
  const ulimits = inputList(scope, 'ulimit', { ignoreComma: true, comment: true });
  for (const u of ulimits)
    if (!/^[a-z]+=-?\d+(:-?\d+)?$/.test(u)) issues.push({ input: 'ulimit', message: `'${u}' is not NAME=SOFT[:HARD] (nofile=1024:2048)` });
  const allow = parseList(scope.read('allow'));
  for (const a of allow) if (!ENTITLEMENTS.includes(a)) issues.push({ input: 'allow', message: `'${a}' is not an entitlement: ${ENTITLEMENTS.join(', ')}` });
  const attests = inputList(scope, 'attests', { ignoreComma: true, comment: true });
  for (const a of attests)
    if (!/^type=(provenance|sbom)(,|$)/.test(a)) issues.push({ input: 'attests', message: `'${a}' does not start with type=provenance or type=sbom` });
  return {
    shmSize: m ? Math.round(Number(m[1]) * unit) : undefined,
    ulimits,
    allow,
    noCacheFilters: parseList(scope.read('no-cache-filters')),
    attests,
    call: parseCall(scope),
    ...(optional(scope, 'cgroup-parent') ? { cgroupParent: optional(scope, 'cgroup-parent') } : {}),
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

/** The runner's variables BuildKit's `type=gha` cache reads (buildx and buildctl take them from their environment). */
export const GHA_CACHE_ENV = /^(ACTIONS_RUNTIME_TOKEN|ACTIONS_CACHE_URL|ACTIONS_RESULTS_URL|ACTIONS_CACHE_SERVICE_V2)$/;
export const isGhaCache = (spec: string) => /(^|,)\s*type\s*=\s*gha\s*(,|$)/.test(spec);

/** build-push-action's `BUILDX_NO_DEFAULT_ATTESTATIONS`: a true value (1, true) drops the default provenance. */
const noDefaultAttestations = (v: string | undefined) => !!v && /^(1|t|true)$/i.test(v.trim());

/**
 * `builder`: one of Hoist's builders, or — as in build-push-action — the name of a buildx
 * instance, passed on to buildx (`buildx-builder`).
 */
function parseBuilderName(scope: InputScope): { builder: 'auto' | BuilderName; instance?: string } {
  const raw = scope.read('builder').trim();
  const v = raw.toLowerCase();
  if (!v) return { builder: 'auto' };
  if ((['auto', ...BUILDERS] as string[]).includes(v)) return { builder: v as 'auto' | BuilderName };
  if (/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(raw)) return { builder: 'buildx', instance: raw };
  scope.issues.push({ input: 'builder', message: `'${raw}' is not one of auto, ${BUILDERS.join(', ')}, nor a buildx builder name` });
  return { builder: 'auto' };
}

/** The architectures of the OCI image spec (Go's GOARCH values); the machine's names for them, as users write them by mistake. */
const ARCHITECTURES = new Set([
  '386',
  'amd64',
  'arm',
  'arm64',
  'loong64',
  'mips',
  'mipsle',
  'mips64',
  'mips64le',
  'ppc64',
  'ppc64le',
  'riscv64',
  's390x',
  'wasm',
]);
const MACHINE_NAMES: Record<string, string> = {
  x86_64: 'amd64',
  aarch64: 'arm64',
  i386: '386',
  i686: '386',
  armhf: 'arm/v7',
  armv7: 'arm/v7',
  armv7l: 'arm/v7',
  armv6: 'arm/v6',
};

function unknownArchitecture(platform: string): string {
  const [os, arch] = platform.split('/') as [string, string];
  const meant = MACHINE_NAMES[arch];
  return `'${platform}': ${arch} is not an architecture images are built for${meant ? ` — the image name for it is ${os}/${meant}` : `: ${[...ARCHITECTURES].join(', ')}`}`;
}

export function parseBuilder(scope: InputScope): BuilderSettings {
  const { issues } = scope;
  const platforms = parseList(scope.read('platforms'));
  for (const p of platforms) {
    if (!/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(p))
      issues.push({ input: 'platforms', message: `'${p}' is not a platform: os/arch[/variant], e.g. linux/amd64 or linux/arm64` });
    else if (!ARCHITECTURES.has(p.split('/')[1]!)) issues.push({ input: 'platforms', message: unknownArchitecture(p) });
  }
  const addHosts = parseList(scope.read('add-hosts'));
  for (const h of addHosts) if (!/^[^\s:]+:[0-9a-fA-F.:]+$/.test(h)) issues.push({ input: 'add-hosts', message: `'${h}' is not HOST:IP` });
  const provenanceRaw = scope.read('provenance').trim().toLowerCase();
  const provenance = PROVENANCE[provenanceRaw];
  if (!provenance) issues.push({ input: 'provenance', message: `'${scope.read('provenance').trim()}' is not one of false, min, max` });
  const { builder, instance } = parseBuilderName(scope);
  const named = optional(scope, 'buildx-builder');
  if (instance && named && named !== instance)
    issues.push({ input: 'builder', message: `'${instance}' names a buildx builder and buildx-builder names '${named}': give one of them` });
  const cacheFrom = inputList(scope, 'cache-from', { ignoreComma: true, comment: true });
  const cacheTo = inputList(scope, 'cache-to', { ignoreComma: true, comment: true });
  for (const message of cacheEntryIssues(cacheFrom, 'cache-from')) issues.push({ input: 'cache-from', message });
  for (const message of cacheEntryIssues(cacheTo, 'cache-to')) issues.push({ input: 'cache-to', message });
  const extras = parseBuildExtras(scope);
  const provenanceSet = provenanceRaw !== '';
  const sbom = parseBool(scope, 'sbom', false);
  // As build-push-action: the provenance and sbom inputs take precedence over an attests line of their type.
  extras.attests = extras.attests.filter((a) => !(provenanceSet && /^type=provenance(,|$)/.test(a)) && !(sbom && /^type=sbom(,|$)/.test(a)));
  return {
    builder,
    buildkitHost: optional(scope, 'buildkit-host') ?? (scope.env.BUILDKIT_HOST || undefined),
    buildxBuilder: instance ?? named,
    builderIsInstance: instance !== undefined,
    platforms,
    cacheFrom,
    cacheTo,
    ghaCache: [...cacheFrom, ...cacheTo].some(isGhaCache),
    noCache: parseBool(scope, 'no-cache', false),
    reproducible: parseBool(scope, 'reproducible', false),
    pull: parseBool(scope, 'pull', false),
    addHosts,
    network: optional(scope, 'network'),
    provenance: !provenanceSet && noDefaultAttestations(scope.env.BUILDX_NO_DEFAULT_ATTESTATIONS) ? 'false' : (provenance ?? 'min'),
    provenanceSet,
    sbom,
    secretCache: parseChoice(scope, 'secret-cache', ['warn', 'rebuild', 'fail'] as const, 'warn'),
    extras,
  };
}
