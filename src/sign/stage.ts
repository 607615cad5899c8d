/**
 * The signing stage of a build (`sign: key`): the key read before anything is built or pushed
 * (`loadSigner`: a bad key or password is the run's input error, nothing pushed), and once the
 * image and its tags are in every registry, `signPushed` writes cosign's `sha256-<hex>.sig`
 * signature of the root manifest and, for an index, of each platform manifest (as `cosign sign
 * --recursive`), into each image repository the build pushed to. Loaded only by a run that signs.
 */
import type { Built } from '../builders/stage.js';
import { formatRepository } from '../core/reference.js';
import type { Effects } from '../effects/effects.js';
import type { SigningSettings } from '../inputs/signing.js';
import type { RegistryClient } from '../registry/client.js';
import { attachSignature } from './attach.js';
import { parseSigningKey, type SigningKey } from './keys.js';

/** One signature written (or found already there): the `signatures` output's line and the summary's. */
export interface SignatureRecord {
  /** `host/path:sha256-<hex>.sig` */
  reference: string;
  repository: string;
  /** The manifest signed. */
  digest: string;
  /** The `.sig` manifest's digest. */
  manifest: string;
  keyId: string;
  added: boolean;
}

/** The signing key, read and checked: throws the ConfigError naming signing-key or signing-key-password. */
export function loadSigner(settings: SigningSettings): SigningKey | undefined {
  if (settings.mode !== 'key' || !settings.key) return undefined;
  return parseSigningKey(settings.key, settings.password);
}

/** The manifests a build's signature covers: the root, and an index's platform images. */
export function signedDigests(b: Pick<Built, 'graph'>): string[] {
  return [b.graph.root.digest, ...b.graph.children.map((c) => c.digest)];
}

export async function signPushed(
  fx: Pick<Effects, 'platform'>,
  key: SigningKey,
  built: readonly Built[],
  clients: ReadonlyMap<string, RegistryClient>,
): Promise<SignatureRecord[]> {
  const records: SignatureRecord[] = [];
  await fx.platform.group('Sign', async () => {
    fx.platform.info(`signing with the key ${key.fingerprint} (verify with its public key: cosign verify --key cosign.pub, or hoist verify --key)`);
    for (const b of built) {
      for (const image of b.unit.images) {
        const client = clients.get(image.repository.host);
        if (!client) throw new Error(`${formatRepository(image.repository)}: no registry client to write its signature with`);
        const name = formatRepository(image.repository);
        for (const digest of signedDigests(b)) {
          const a = await attachSignature(client, image.repository.path, name, digest, key);
          records.push({ reference: `${name}:${a.tag}`, repository: name, digest, manifest: a.manifest, keyId: key.fingerprint, added: a.added });
          fx.platform.info(`${name}@${digest}: ${a.added ? 'signed' : 'already signed by this key'} (${name}:${a.tag})`);
        }
      }
    }
  });
  return records;
}
