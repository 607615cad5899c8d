/** The inputs of a promotion: what to copy, where to, with which tags. */
import { ConfigError } from '../core/errors.js';
import { parseReference, parseRepository, TAG_PATTERN, type Reference, type Repository } from '../core/reference.js';
import type { CiContext } from '../platform/platform.js';
import { mentionsPrivateKey } from '../secrets/private-key.js';
import type { SecretCatalog } from '../secrets/catalog.js';
import { identityNames, parseKeylessSigner, type KeylessSignerInputs } from './keyless-signer.js';
import { referenceError, registryAlone, webPage } from './images.js';
import { inputScope, parseBool, parseChoice, parseList, type InputReader, type InputScope } from './read.js';
import { catalogRegistryPasswords, parseTransfer, yamlFor, type TransferSettings } from './registries.js';

export interface PromoteInputs {
  /** The image to copy, by tag or digest. */
  source: Reference;
  destinations: Repository[];
  /** The tags every destination gets (default: the source's tag). */
  tags: string[];
  /**
   * Repositories a destination registry may already hold the base in (mounted, not sent):
   * `registry/repo` for that registry's destinations, a bare `repo` for every destination registry.
   */
  mountFrom: MountHint[];
  /** `release-tags`: `protect` keeps a version tag on its commit's image; `overwrite` lets it move. */
  releaseTags: 'protect' | 'overwrite';
  transfer: TransferSettings;
  /** `require-signature` and what verifies it (`pipeline/promote.ts` requireSignature, `trust/gate.ts`). */
  signature: SignatureRequirement;
}

export interface SignatureRequirement {
  /** `require-signature`: nothing is copied unless a signature of the source's digest verifies. */
  required: boolean;
  /** `verify-key` as given: PEM public keys, or paths (one a line, relative to the workspace); read when the run verifies. */
  keys: string;
  /** Keyless signers: `verify-identity` and `verify-oidc-issuer` (exact, or `/regexp/`), and `trusted-root` (a path, read when the run verifies). */
  keyless?: KeylessSignerInputs;
}

const KEYLESS_INPUTS = { identity: 'verify-identity', issuer: 'verify-oidc-issuer', root: 'trusted-root' };
/** How promote's inputs name the keyless values (one input for each value's exact and /regexp/ forms). */
export const PROMOTE_IDENTITY_NAMES = identityNames(KEYLESS_INPUTS);

export interface MountHint {
  /** The API host the hint is for; undefined: every destination registry. */
  host?: string;
  path: string;
}

const REPOSITORY_PATH = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

/**
 * One `mount-from` line: `registry.acme/base/busybox` (a first part with a dot, a port or
 * `localhost` names the registry, as in an image reference; a tag or digest is ignored) or a bare
 * `base/busybox`, which stands for that repository on every destination registry.
 */
export function parseMountHint(line: string): MountHint {
  const first = line.split('/')[0]!;
  if (line.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    const ref = parseReference(line);
    return { host: ref.host, path: ref.path };
  }
  const path = line.replace(/@.*$/, '').replace(/:[^/]*$/, '');
  if (!REPOSITORY_PATH.test(path)) throw new Error(`'${line}' is not a repository: give registry/repo or repo (lower-case letters, digits, . _ - and /)`);
  return { path };
}

function parseSource(read: InputReader): { source?: Reference; message?: string } {
  const raw = read('source').trim();
  if (!raw) return { message: 'no source given: the image to promote, e.g. registry.acme/staging/app@sha256:…' };
  const page = webPage(raw);
  if (page) return { message: page };
  try {
    const source = parseReference(raw);
    if (!source.tag && !source.digest) return { message: `'${raw}' names neither a tag nor a digest: promote a release by its tag or digest` };
    return { source };
  } catch (e) {
    return { message: referenceError(raw, e) };
  }
}

/**
 * `require-signature`, `verify-key`, and keyless: `verify-identity`, `verify-oidc-issuer` (both, as
 * cosign requires) and `trusted-root`. A key or identity without the requirement would check
 * nothing, so it is refused rather than ignored.
 */
export function parseSignatureRequirement(scope: InputScope): SignatureRequirement {
  const required = parseBool(scope, 'require-signature', false);
  const keys = scope.read('verify-key').trim();
  const signer = parseKeylessSigner(scope, KEYLESS_INPUTS);
  const rootOnly = !signer && scope.read('trusted-root').trim();
  if (rootOnly)
    scope.issues.push({
      input: 'verify-identity',
      message: 'trusted-root is given but not whose keyless signatures it is for: set verify-identity and verify-oidc-issuer',
    });
  const keyless = signer !== undefined;
  if (mentionsPrivateKey(keys)) {
    scope.sensitive.push({ name: 'the verify-key input (a private key given in place of a public one)', value: keys });
    scope.issues.push({ input: 'verify-key', message: 'holds a private key: give the public key (cosign.pub), never the private one' });
  }
  if (required && !keys && !keyless)
    scope.issues.push({
      input: 'verify-key',
      message:
        "require-signature is true but no signer is given: set verify-key to the signer's public key (cosign.pub, PEM text or a path), or verify-identity, verify-oidc-issuer and trusted-root for keyless signatures",
    });
  if (!required && (keys || keyless))
    scope.issues.push({
      input: 'require-signature',
      message: `${keys ? 'verify-key' : 'verify-identity'} is given but require-signature is not true: set require-signature: true to promote only images it signed`,
    });
  return { required, keys, ...(signer ? { keyless: signer } : {}) };
}

export async function readPromoteInputs(read: InputReader, ctx: CiContext, catalog: SecretCatalog): Promise<PromoteInputs> {
  const scope = inputScope(read, ctx.workspace, ctx.env);
  const { issues } = scope;
  const { source, message } = parseSource(read);
  if (message) issues.push({ input: 'source', message });
  const destinations: Repository[] = [];
  const lines = parseList(read('destinations'));
  for (const line of lines) {
    const alone = webPage(line) ?? registryAlone(line);
    if (alone) {
      issues.push({ input: 'destinations', message: alone });
      continue;
    }
    try {
      destinations.push(parseRepository(line));
    } catch (e) {
      // skopeo copy's `DEST:TAG`: promote has no version input, every destination gets the tags input's tags.
      const message = referenceError(line, e).replace('(tags come from version/tags)', '(every destination gets the tags in tags, else the source tag)');
      issues.push({ input: 'destinations', message });
    }
  }
  if (!lines.length) issues.push({ input: 'destinations', message: 'no destination given: list the repositories to promote to' });
  const tags = parseList(read('tags'));
  for (const t of tags) if (!TAG_PATTERN.test(t)) issues.push({ input: 'tags', message: `'${t}' is not a valid tag` });
  const mountFrom: MountHint[] = [];
  for (const line of parseList(read('mount-from'))) {
    try {
      mountFrom.push(parseMountHint(line));
    } catch (e) {
      issues.push({ input: 'mount-from', message: (e as Error).message.startsWith(`'${line}'`) ? (e as Error).message : `'${line}': ${(e as Error).message}` });
    }
  }
  const releaseTags = parseChoice(scope, 'release-tags', ['protect', 'overwrite'] as const, 'protect');
  const transfer = parseTransfer(scope, await yamlFor(read('registry-auth')));
  catalogRegistryPasswords(transfer, catalog);
  const signature = parseSignatureRequirement(scope);
  for (const s of scope.sensitive) catalog.add(s.name, s.value);
  if (issues.length || !source) throw new ConfigError(issues);
  return { source, destinations, tags: tags.length ? tags : source.tag ? [source.tag] : [], mountFrom, releaseTags, transfer, signature };
}
