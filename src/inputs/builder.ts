/** How the image is built: which builder, for which platforms, with what cache and attestations. */
import { BUILDERS, type BuilderName, type Provenance } from '../builders/plan.js';
import { optional, parseBool, parseChoice, parseList, type InputScope } from './read.js';

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
  };
}
