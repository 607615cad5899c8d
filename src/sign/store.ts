/**
 * What the verifiers read and trust, below every module of src/sign that reads signatures (verify.ts,
 * attest.ts, envelope.ts, referrer.ts), so imports stay one-way: the registry seen as a store, the
 * keys and keyless root trusted, and who a keyless certificate names.
 */
import type { KeyObject } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { IdentityPolicy } from '../core/identity.js';
import type { Referrer } from '../registry/client.js';
import type { KeylessRoot } from './keyless-verify.js';

/** What verification reads: a RegistryClient satisfies it; tests may pass their own. */
export interface SignatureStore {
  getManifest(repository: string, reference: string, accept?: readonly string[]): Promise<{ digest: string; bytes: Buffer } | undefined>;
  fetchBlob(repository: string, digest: string): Promise<Readable>;
}

/** What reading bundle referrers needs besides a signature store: a RegistryClient is one. */
export interface BundleStore extends SignatureStore {
  referrers(repository: string, digest: string, artifactType?: string): Promise<Referrer[]>;
}

export const isBundleStore = (s: SignatureStore): s is BundleStore => typeof (s as Partial<BundleStore>).referrers === 'function';

export interface TrustedKeys {
  keys: readonly KeyObject[];
  /** Keyless signatures: the root of trust (trusted_root.json) and who may have signed. */
  keyless?: { root: KeylessRoot; policy: IdentityPolicy };
}

/** A keyless signature's certificate identity, OIDC issuer and Rekor entry. */
export interface Certificate {
  subject: string;
  issuer: string;
  logIndex: number;
  integratedTime: number;
}
