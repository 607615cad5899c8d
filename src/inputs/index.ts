/**
 * The inputs stage: raw inputs → typed settings, one group per concern, and the one catalog of the
 * secrets they hold. The problems are collected, not thrown: `plan/inputs.ts` plans the release
 * beside them and throws every problem (the inputs' and the release plan's) once, as a ConfigError,
 * before anything runs.
 */
import type { ConfigIssue } from '../core/errors.js';
import type { CiContext } from '../core/platform.js';
import type { Release } from '../core/release.js';
import type { SecretCatalog } from '../secrets/catalog.js';
import { parseAuditInputs, type AuditSettings } from './audit.js';
import { parseBuilder, type BuilderSettings } from './builder.js';
import { parseDelivery, parseMetadata, type DeliverySettings, type MetadataSettings } from './delivery.js';
import { parseImages, type ImageSpec } from './images.js';
import { inputScope, type InputReader } from './read.js';
import { catalogRegistryPasswords, parseTransfer, yamlFor, type TransferSettings } from './registries.js';
import { parseSecretInputs, type SecretSettings } from './secrets.js';
import { catalogSigning, parseSigning, type SigningSettings } from './signing.js';
import { parseSource, type SourceSettings } from './source.js';
import { parseTagInputs, type TagSettings } from './tags.js';

/** `ghcr.io/acme/app:1.2` (a repository and a tag), not a bare tag. */
const isFullReference = (t: string) => t.includes('/') && t.lastIndexOf(':') > t.lastIndexOf('/');

/** Everything a build run was asked to do, grouped as the stages use it. */
export interface BuildInputs {
  source: SourceSettings;
  builder: BuilderSettings;
  secrets: SecretSettings;
  audit: AuditSettings;
  metadata: MetadataSettings;
  tags: TagSettings;
  delivery: DeliverySettings;
  transfer: TransferSettings;
  /** `sign`: the key signature pushed after the image (src/sign/). */
  signing: SigningSettings;
  /** The release planned from the inputs and the run's facts: version, images with their tags, created time. */
  release: Release;
}

/**
 * Every secret the inputs hold, under the name findings give it. The one list: an input that
 * carries secret material is added here, and so is masked, audited and refused as a build argument.
 */
export function catalogSecrets(
  inputs: Pick<BuildInputs, 'secrets' | 'transfer' | 'audit' | 'delivery'> & Partial<Pick<BuildInputs, 'signing'>>,
  catalog: SecretCatalog,
): SecretCatalog {
  for (const s of inputs.secrets.secrets) if (s.kind === 'value') catalog.add(`secret '${s.id}' (${s.input})`, s.value);
  catalogRegistryPasswords(inputs.transfer, catalog);
  if (inputs.secrets.sshKey) catalog.add('ssh-key', inputs.secrets.sshKey);
  if (inputs.secrets.sshKeyPassphrase) catalog.add('ssh-key-passphrase', inputs.secrets.sshKeyPassphrase);
  inputs.audit.values.forEach((v, i) => catalog.add(`audit-values line ${i + 1}`, v));
  if (inputs.delivery.githubToken) catalog.add('github-token', inputs.delivery.githubToken);
  if (inputs.delivery.gitlabToken) catalog.add('gitlab-token', inputs.delivery.gitlabToken);
  catalogSigning(inputs.signing, catalog);
  return catalog;
}

/** A build's settings as read, before its release is planned: the images it names, the problems found, the notes to say. */
export interface InputSettings {
  settings: Omit<BuildInputs, 'release'>;
  images: ImageSpec[];
  issues: ConfigIssue[];
  notes: string[];
}

/**
 * A Docker daemon and a Docker archive hold one platform of an image: with several platforms, load
 * and type=docker would be found out only after the whole build (or load nothing and say so).
 */
function singlePlatformOnly(platforms: readonly string[], delivery: { load: boolean; outputs: ReadonlyArray<{ type: string; dest: string }> }): ConfigIssue[] {
  if (platforms.length < 2) return [];
  const fix = `build one platform (platforms: ${platforms[0]}), or write an OCI layout (type=oci,dest=…), which holds them all`;
  return [
    ...(delivery.load ? [{ input: 'load', message: `the Docker daemon holds one platform of an image, and platforms names ${platforms.length}: ${fix}` }] : []),
    ...delivery.outputs
      .filter((o) => o.type === 'docker')
      .map((o) => ({
        input: 'outputs',
        message: `type=docker,dest=${o.dest}: a Docker archive holds one platform, and platforms names ${platforms.length}: ${fix}`,
      })),
  ];
}

/**
 * Reads and checks every input of a build. Secrets go into `catalog` (and so are hidden) as soon as
 * they are parsed, before any message could be printed.
 */
export async function readInputSettings(read: InputReader, ctx: CiContext, catalog: SecretCatalog): Promise<InputSettings> {
  const scope = inputScope(read, ctx.workspace, ctx.env);
  const tags = parseTagInputs(scope);
  // build-push-action's form: no images, the repositories named by full references in tags.
  const bpaForm = !read('images').trim() && tags.explicit.some(isFullReference);
  const images = parseImages(scope, bpaForm ? tags.explicit.filter(isFullReference).map((t) => t.slice(0, t.lastIndexOf(':'))) : []);
  if (bpaForm) {
    tags.auto = []; // the tags given are all the tags, as with build-push-action
    scope.notes.push(
      read('push').trim()
        ? "images is not set: the repositories are those the tags name (build-push-action's form), with no automatic tags"
        : "images is not set: the repositories are those the tags name (build-push-action's form), with no automatic tags; push is not set and defaults to false there, as in build-push-action — set push: true to push",
    );
  }
  const parts = {
    source: parseSource(scope),
    builder: parseBuilder(scope),
    secrets: parseSecretInputs(scope),
    audit: parseAuditInputs(scope),
    metadata: parseMetadata(scope),
    tags,
    delivery: parseDelivery(scope, !bpaForm),
    transfer: parseTransfer(scope, await yamlFor(read('registry-auth'))),
    signing: parseSigning(scope),
  };
  catalogSecrets(parts, catalog);
  for (const s of scope.sensitive) catalog.add(s.name, s.value);
  // The runner's cache token goes to the builder's environment for a gha cache: hidden, and looked for in the image.
  if (parts.builder.ghaCache && ctx.env.ACTIONS_RUNTIME_TOKEN) catalog.add('ACTIONS_RUNTIME_TOKEN (for the gha cache)', ctx.env.ACTIONS_RUNTIME_TOKEN);
  scope.issues.push(...singlePlatformOnly(parts.builder.platforms, parts.delivery));
  scope.issues.push(...catalog.refuseIn('build-args', parts.source.buildArgs));
  scope.issues.push(
    ...catalog.refuseIn('labels', parts.metadata.labels),
    ...catalog.refuseIn(
      'annotations',
      parts.metadata.leveledAnnotations.map((a) => [a.key, a.value] as [string, string]),
    ),
  );
  return { settings: parts, images, issues: scope.issues, notes: scope.notes };
}
