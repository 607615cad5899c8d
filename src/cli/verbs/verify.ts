/**
 * `hoist verify REF --key cosign.pub [--key …] [--json]`: whether the image REF names carries a
 * cosign key signature that one of the keys verifies (src/sign/verify.ts), as `cosign verify --key`.
 * Exit codes by the CLI's table (exit.ts): 0 verified; 1 found — no signature verifies (unsigned,
 * another key, another digest, a tampered payload); 2 a key that cannot be read, an image that does
 * not exist; 3 the registry could not be read. Keys are read before any request.
 */
import { formatFull, formatRepository, type Reference } from '../../core/reference.js';
import { ConfigError } from '../../core/errors.js';
import type { Files } from '../../effects/files.js';
import type { RegistryClient } from '../../registry/client.js';

export interface VerifyCommand {
  verb: 'verify';
  ref: Reference;
  /** `--key`: public key files (cosign.pub), relative to the working directory. */
  keys: string[];
}

export interface VerifyOut {
  print: (text: string) => void;
  /** A line on stderr: why nothing verifies. */
  error: (text: string) => void;
}

export async function runVerify(client: RegistryClient, c: VerifyCommand, json: boolean, out: VerifyOut, files: Pick<Files, 'readText'>): Promise<number> {
  const [{ loadVerificationKeys }, { verifyImageSignatures }] = await Promise.all([import('../../sign/keys.js'), import('../../sign/verify.js')]);
  const keys = await loadVerificationKeys(c.keys.join('\n'), '--key', (path) => files.readText(path));
  // The digest is the hash of the manifest's bytes as served, never a header's word for it: a verdict
  // on a digest the tag does not serve would bless other bytes. (By digest, the client checks the bytes.)
  const digest = (await client.getManifest(c.ref.path, c.ref.digest ?? c.ref.tag ?? 'latest'))?.digest;
  if (!digest) throw new ConfigError([{ input: 'verify', message: `${formatFull(c.ref)}: no such image in its registry` }]);
  const result = await verifyImageSignatures(client, c.ref.path, digest, { keys: keys.map((k) => k.key) });
  const name = formatRepository(c.ref);
  const sourceOf = (keyId: string) => keys.find((k) => k.fingerprint === keyId)?.source ?? keyId;
  if (json) {
    const verified = result.verified.map((v) => ({ ...v, key: sourceOf(v.keyId) }));
    out.print(JSON.stringify({ reference: formatFull(c.ref), digest, signatures: `${name}:${result.tag}`, verified, rejected: result.rejected }, null, 2));
  } else {
    for (const v of result.verified) out.print(`${name}@${digest}: signed by ${sourceOf(v.keyId)} (${v.keyId})`);
  }
  if (result.verified.length) return 0;
  out.error(`${name}@${digest}: no signature verifies with ${keys.map((k) => k.source).join(', ')}: ${result.rejected.map((r) => r.reason).join('; ')}`);
  return 1;
}
