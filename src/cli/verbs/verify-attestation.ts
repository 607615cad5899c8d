/**
 * `hoist verify REF --type slsaprovenance1 …`: the image's attestations (cosign's `sha256-<hex>.att`)
 * judged as `cosign verify-attestation --type` judges them — a DSSE envelope of an in-toto statement
 * of that predicate type, naming REF's digest among its subjects, signed by one of the keys or
 * keyless by the identity given (sign/attest.ts). `--type` is read by verify-flags.ts.
 * Loaded only when `--type` is given.
 */
import type { VerifiedAttestation } from '../../sign/attest.js';
import type { SignatureStore, TrustedKeys } from '../../sign/verify.js';

export interface AttestationVerdict {
  tag: string;
  verified: VerifiedAttestation[];
  rejected: Array<{ reason: string; envelopeDigest?: string }>;
}

/** `digest`'s attestations of `predicateType` that verify; one of another type is a rejection naming its type. */
export async function verifyAttestationsOf(
  store: SignatureStore,
  repository: string,
  digest: string,
  predicateType: string,
  trust: TrustedKeys,
): Promise<AttestationVerdict> {
  const { verifyImageAttestations } = await import('../../sign/attest.js');
  const all = await verifyImageAttestations(store, repository, digest, trust);
  const other = all.verified.filter((v) => v.predicateType !== predicateType);
  return {
    tag: all.tag,
    verified: all.verified.filter((v) => v.predicateType === predicateType),
    rejected: [
      ...all.rejected,
      ...other.map((v) => ({ reason: `an attestation of another type: ${v.predicateType.slice(0, 120)}`, envelopeDigest: v.envelopeDigest })),
    ],
  };
}

/** The verdict printed: a line per verifying attestation (or the JSON document); 0 when one verifies. */
export function reportAttestations(
  v: AttestationVerdict,
  at: { reference: string; name: string; digest: string; predicateType: string; trusted: string },
  signer: (a: VerifiedAttestation) => string,
  json: boolean,
  out: { print: (text: string) => void; error: (text: string) => void },
): number {
  const { name, digest, predicateType } = at;
  if (json)
    out.print(
      JSON.stringify(
        {
          reference: at.reference,
          digest,
          predicateType,
          attestations: `${name}:${v.tag}`,
          verified: v.verified.map(({ statement, ...rest }) => ({ ...rest, subject: statement.subject })),
          rejected: v.rejected,
        },
        null,
        2,
      ),
    );
  else for (const a of v.verified) out.print(`${name}@${digest}: ${predicateType} attested by ${signer(a)}`);
  if (v.verified.length) return 0;
  out.error(`${name}@${digest}: no ${predicateType} attestation verifies with ${at.trusted}: ${v.rejected.map((r) => r.reason).join('; ')}`);
  return 1;
}
