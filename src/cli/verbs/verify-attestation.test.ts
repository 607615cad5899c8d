// hoist verify --type (cosign verify-attestation's names) and hoist inspect's judgement of `.att`:
// an image pushed to the in-memory registry through Hoist's real client, its SLSA v1 provenance
// attested keyless through Hoist's own path against STAND-INS of Fulcio and Rekor (@sigstore/mock
// on loopback, a self-made trusted_root.json) and with a key; then verified as a deploy job would.
//
// Property: `hoist verify --type slsaprovenance1` exits 0 only when an attestation of that predicate
// type, naming the image's digest, verifies for the identity (or key) given, and says who attested;
// another identity, another predicate type, or no attestation is exit 1 with the reason; a --type
// that names nothing is a usage error naming the flag. inspect says the same per `.att`.
// Nearest real-world variant: `cosign verify-attestation --type slsaprovenance1
// --certificate-identity-regexp '^https://github.com/acme/' …` before a deploy.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRegistry } from '../../../test/support/memory-registry.js';
import { releaseImage } from '../../../test/support/releases.js';
import { jwt, startStandins, type Standins } from '../../../test/support/sigstore-standins.js';
import { parseReference, parseRepository } from '../../core/reference.js';
import { nodeFiles } from '../../effects/files.js';
import type { Inspected } from '../../maintain/inspect.js';
import { pushGraph } from '../../push/engine.js';
import { RegistryClient } from '../../registry/client.js';
import { attachAttestation, dsseEnvelope, IN_TOTO } from '../../sign/attest.js';
import { keylessAttest } from '../../sign/keyless.js';
import { parseSigningKey } from '../../sign/keys.js';
import { attestationTag } from '../../sign/payload.js';
import { SLSA_PROVENANCE_V1 } from '../../sign/provenance.js';
import { parseCommandLine } from '../args.js';
import { exitCodeFor } from '../exit.js';
import { runInspect } from './inspect.js';
import { runVerify, type VerifyCommand } from './verify.js';

const SUB = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';
const TOKEN = jwt({ iss: ISSUER, sub: SUB, aud: 'sigstore' });

let s: Standins;
let reg: MemoryRegistry;
let client: RegistryClient;
let dir: string;
let root: string;
let pub: string;
const key = parseSigningKey(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
beforeAll(async () => {
  s = await startStandins();
  reg = await MemoryRegistry.start();
  client = new RegistryClient({ host: reg.host, insecure: true, retries: 0, userAgent: 't' });
  dir = await mkdtemp(join(tmpdir(), 'hoist-verify-att-'));
  root = await s.writeRoot(join(dir, 'trusted_root.json'));
  pub = join(dir, 'cosign.pub');
  await writeFile(pub, key.publicKey.export({ type: 'spki', format: 'pem' }).toString());
});
afterAll(async () => {
  s.close();
  await client.close();
  await reg.close();
  await rm(dir, { recursive: true, force: true });
});

/** `team/<name>:1.0.0` pushed; its provenance attested keyless (and with the key when `keyed`). */
async function attestedImage(name: string, keyed = false): Promise<string> {
  const image = releaseImage('1.0.0', name);
  await pushGraph(image.graph, image.source, [{ repository: parseRepository(`${reg.host}/team/${name}`), tags: ['1.0.0'] }], {
    clientFor: () => client,
    concurrency: 2,
    perHost: 2,
  });
  const digest = image.graph.root.digest;
  const statement = Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: `${reg.host}/team/${name}`, digest: { sha256: digest.slice(7) } }],
      predicateType: SLSA_PROVENANCE_V1,
      predicate: { buildDefinition: { buildType: 'https://hoist.example/build/v1' } },
    }),
  );
  const signed = await keylessAttest(statement, IN_TOTO, { fulcioUrl: s.fulcio.url, rekorUrl: s.rekor.url, token: TOKEN });
  await attachAttestation(client, `team/${name}`, digest, signed.envelope, SLSA_PROVENANCE_V1, undefined, signed.annotations);
  if (keyed) await attachAttestation(client, `team/${name}`, digest, dsseEnvelope(statement, key), SLSA_PROVENANCE_V1);
  return digest;
}

async function verifying(name: string, c: Partial<VerifyCommand>) {
  const printed: string[] = [];
  const errors: string[] = [];
  const ref = parseReference(`${reg.host}/team/${name}:1.0.0`);
  const code = await runVerify(
    client,
    { verb: 'verify', ref, keys: [], ...c },
    false,
    { print: (t) => void printed.push(t), error: (t) => void errors.push(t) },
    nodeFiles,
  );
  return { code, stdout: printed.join('\n'), stderr: errors.join('\n') };
}
const who = (identity: string, issuer = ISSUER) => ({ keyless: { identity, issuer, trustedRoot: root } });

describe('hoist verify --type (stand-in Fulcio and Rekor)', () => {
  it('exit 0 for the keyless signer of an slsaprovenance1 attestation, naming it; 1 for another identity or another type', async () => {
    const digest = await attestedImage('att');
    const ok = await verifying('att', { ...who(SUB), predicateType: SLSA_PROVENANCE_V1 });
    expect([ok.code, ok.stdout], ok.stderr).toEqual([
      0,
      expect.stringMatching(`^${reg.host}/team/att@${digest}: ${SLSA_PROVENANCE_V1} attested by ${SUB} \\(issuer ${ISSUER}, Rekor entry \\d+ at `),
    ]);
    const other = await verifying('att', { ...who('https://github.com/acme/other'), predicateType: SLSA_PROVENANCE_V1 });
    expect([other.code, other.stdout, other.stderr]).toEqual([1, '', expect.stringMatching(`wrong identity: the certificate is for '${SUB}'`)]);
    const v02 = await verifying('att', { ...who(SUB), predicateType: 'https://slsa.dev/provenance/v0.2' });
    expect([v02.code, v02.stderr]).toEqual([1, expect.stringMatching(`an attestation of another type: ${SLSA_PROVENANCE_V1}`)]);
    // Without --type the signatures are verified: this image has an attestation but no signature.
    const sig = await verifying('att', who(SUB));
    expect([sig.code, sig.stderr]).toEqual([1, expect.stringMatching(/no signature:/)]);
  }, 60_000);

  it('by a key: only the key attestation is named with --key alone; inspect with both names each statement signer', async () => {
    const digest = await attestedImage('keyed', true);
    const byKey = await verifying('keyed', { keys: [pub], predicateType: SLSA_PROVENANCE_V1 });
    expect([byKey.code, byKey.stdout]).toEqual([0, `${reg.host}/team/keyed@${digest}: ${SLSA_PROVENANCE_V1} attested by ${pub} (${key.fingerprint})`]);
    const printed: string[] = [];
    await runInspect(
      client,
      { verb: 'inspect', ref: parseReference(`${reg.host}/team/keyed:1.0.0`), keys: [pub], keyless: { identity: SUB, issuer: ISSUER, trustedRoot: root } },
      true,
      {
        print: (t) => void printed.push(t),
        raw: () => undefined,
      },
    );
    const att = (JSON.parse(printed.join('')) as Inspected).signatures.find((e) => e.kind === 'att');
    expect(att).toMatchObject({ tag: attestationTag(digest), layers: 2 });
    expect(att!.verified).toBe(`${SLSA_PROVENANCE_V1} by keyless ${SUB} (issuer ${ISSUER}); ${SLSA_PROVENANCE_V1} by key ${key.fingerprint} (${pub})`);
  }, 60_000);

  it("inspect: an .att by another identity is 'not verified' naming who attested", async () => {
    await attestedImage('inspect');
    const printed: string[] = [];
    await runInspect(
      client,
      {
        verb: 'inspect',
        ref: parseReference(`${reg.host}/team/inspect:1.0.0`),
        keyless: { identity: 'https://github.com/acme/other', issuer: ISSUER, trustedRoot: root },
      },
      true,
      { print: (t) => void printed.push(t), raw: () => undefined },
    );
    const att = (JSON.parse(printed.join('')) as Inspected).signatures.find((e) => e.kind === 'att')!;
    expect([att.verified, att.notVerified]).toEqual([undefined, expect.stringMatching(`^wrong identity: the certificate is for '${SUB}'`)]);
  }, 60_000);

  it('--type that names no predicate type: usage error naming the flag (exit 2); a URI and cosign names parse', () => {
    const parse = (...flags: string[]) => parseCommandLine(['verify', 'registry.acme/team/app:1.0.0', '--key', 'cosign.pub', ...flags]);
    const err = (() => {
      try {
        parse('--type', 'slsa');
      } catch (e) {
        return e;
      }
    })();
    expect([exitCodeFor(err), (err as Error).message]).toEqual([
      2,
      expect.stringMatching(/^verify: --type 'slsa' is not a predicate type: give one of .*slsaprovenance1/),
    ]);
    expect(parse('--type', 'slsaprovenance1')).toMatchObject({ task: { predicateType: SLSA_PROVENANCE_V1 } });
    expect(parse('--type', 'slsaprovenance')).toMatchObject({ task: { predicateType: 'https://slsa.dev/provenance/v0.2' } });
    expect(parse('--type', 'https://example.test/predicate/v1')).toMatchObject({ task: { predicateType: 'https://example.test/predicate/v1' } });
  });
});
