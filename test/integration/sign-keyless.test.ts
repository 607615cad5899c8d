// `sign: keyless` on the shipped CLI (dist/cli.js) against the lab's plain registry, with STAND-INS
// of Fulcio and Rekor (@sigstore/mock's handlers on loopback, test/support/sigstore-standins.ts) and
// a self-made root of trust. What Hoist stored is read back by skopeo (an independent reader) and
// checked without Hoist's code: openssl verifies the signature annotation over the payload bytes with
// the certificate annotation's key, the certificate is issued by the chain annotation's root, the
// Rekor bundle's SET verifies with the log's key over cosign's canonical form, its hashedrekord body
// names the payload's digest and this signature; and @sigstore/verify, given a bundle rebuilt from the
// annotations alone (as cosign rebuilds one), verifies it for the token's identity.
//
// Property: every manifest a keyless run pushes carries, in its `sha256-<hex>.sig`, a cosign keyless
// signature over its own digest that a verifier holding the deployment's root of trust accepts for
// the CI's identity and for no other; with no OIDC token the run stops at its inputs, naming where
// the token comes from on GitHub and GitLab, and nothing is pushed.
// Nearest real-world variant: a GitLab job with id_tokens: SIGSTORE_ID_TOKEN: aud: sigstore signing
// against a private Sigstore deployment, `cosign verify --certificate-identity … --certificate-oidc-issuer …`.
import { createHash, verify } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFromJSON } from '@sigstore/bundle';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwt, startStandins, type Standins } from '../support/sigstore-standins.js';
import { hoist, lab, leaks, run, skopeoDigest, uniqueRepo } from './lab.js';

const { plain } = lab().registries;
const SUB = 'project_path:team/app:ref_type:branch:ref:main';
const ISSUER = 'https://gitlab.example.test';
const TOKEN = jwt({ iss: ISSUER, sub: SUB, aud: 'sigstore' });
let dir: string;
let standins: Standins;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hoist-keyless-'));
  standins = await startStandins();
});
afterAll(async () => {
  standins.close();
  await rm(dir, { recursive: true, force: true });
});

interface Layer {
  mediaType: string;
  digest: string;
  annotations: Record<string, string>;
}

/** skopeo copies `repo:sha256-<hex>.sig` into a directory: its layers and payload files. */
async function readSig(repo: string, digest: string): Promise<{ out: string; layers: Layer[] }> {
  const out = await mkdtemp(join(dir, 'sig-'));
  await run('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${repo}:${digest.replace(':', '-')}.sig`, `dir:${out}`]);
  return { out, layers: (JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { layers: Layer[] }).layers };
}

async function workspace(): Promise<string> {
  const ws = await mkdtemp(join(dir, 'ws-'));
  await writeFile(join(ws, 'Dockerfile'), `FROM ${plain.host}/lab/busybox:1.36\nCOPY app.txt /app.txt\n`);
  await writeFile(join(ws, 'app.txt'), `${Math.random()}\n`);
  return ws;
}

describe('sign: keyless (stand-in Fulcio and Rekor)', () => {
  it('stores a cosign keyless signature that openssl, the SET and @sigstore/verify accept for the CI identity only', async () => {
    const ws = await workspace();
    const repo = `${plain.host}/${uniqueRepo('keyless/app')}`;
    const args = ['build', '--images', repo, '--version', '1.0.0', '--sign', 'keyless', '--insecure-registries', plain.host, '--json'];
    const urls = ['--fulcio-url', standins.fulcio.url, '--rekor-url', standins.rekor.url];
    const r = await hoist([...args, ...urls], { cwd: ws, env: { SIGSTORE_ID_TOKEN: TOKEN } });
    expect(r.code, r.stderr).toBe(0);
    expect(leaks(r.stdout + r.stderr, TOKEN)).toBe(false);
    const { digest, signatures } = (JSON.parse(r.stdout) as { outputs: { digest: string; signatures: string[] } }).outputs;
    expect(await skopeoDigest(`${repo}:1.0.0`)).toBe(digest);
    expect(signatures).toEqual([`${repo}:${digest.replace(':', '-')}.sig`]);
    const { out, layers } = await readSig(repo, digest);
    expect(layers).toHaveLength(1);
    const layer = layers[0]!;
    const a = layer.annotations;
    const payloadFile = join(out, layer.digest.slice(7));
    const payload = await readFile(payloadFile);
    expect((JSON.parse(payload.toString()) as { critical: { image: Record<string, string> } }).critical.image['docker-manifest-digest']).toBe(digest);
    // openssl: the signature over the payload bytes with the certificate's key; the chain's root issued the certificate.
    await writeFile(join(out, 'cert.pem'), a['dev.sigstore.cosign/certificate']!);
    await writeFile(join(out, 'chain.pem'), a['dev.sigstore.cosign/chain']!);
    await writeFile(join(out, 'pub.pem'), await run('openssl', ['x509', '-in', join(out, 'cert.pem'), '-pubkey', '-noout']));
    await writeFile(join(out, 'sig.der'), Buffer.from(a['dev.cosignproject.cosign/signature']!, 'base64'));
    const dgst = await run('openssl', ['dgst', '-sha256', '-verify', join(out, 'pub.pem'), '-signature', join(out, 'sig.der'), payloadFile]);
    expect(dgst.trim()).toBe('Verified OK');
    expect(a['dev.sigstore.cosign/chain']!.replace(/\s/g, '')).toBe(standins.caPem.replace(/\s/g, ''));
    // The Rekor bundle: its SET over cosign's canonical JSON (keys sorted) verifies with the log's key.
    const rb = JSON.parse(a['dev.sigstore.cosign/bundle']!) as {
      SignedEntryTimestamp: string;
      Payload: { body: string; integratedTime: number; logIndex: number; logID: string };
    };
    const p = rb.Payload;
    const canonical = JSON.stringify({ body: p.body, integratedTime: p.integratedTime, logID: p.logID, logIndex: p.logIndex });
    expect(verify('sha256', Buffer.from(canonical), standins.rekorKey, Buffer.from(rb.SignedEntryTimestamp, 'base64'))).toBe(true);
    const body = JSON.parse(Buffer.from(p.body, 'base64').toString()) as {
      kind: string;
      apiVersion: string;
      spec: { data: { hash: { value: string } }; signature: { content: string; publicKey: { content: string } } };
    };
    expect(body.kind).toBe('hashedrekord');
    expect(body.spec.data.hash.value).toBe(createHash('sha256').update(payload).digest('hex'));
    expect(body.spec.signature.content).toBe(a['dev.cosignproject.cosign/signature']);
    // @sigstore/verify over a bundle rebuilt from the annotations alone, with the stand-ins' root of trust.
    const certDer = pemBody(a['dev.sigstore.cosign/certificate']!);
    const bundle = bundleFromJSON({
      // v0.1: the form whose log entry may stand on its SET alone, as cosign's annotation gives it (no inclusion proof).
      mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1',
      verificationMaterial: {
        x509CertificateChain: { certificates: [{ rawBytes: certDer }] },
        tlogEntries: [
          {
            logIndex: String(p.logIndex),
            logId: { keyId: Buffer.from(p.logID, 'hex').toString('base64') },
            kindVersion: { kind: body.kind, version: body.apiVersion },
            integratedTime: String(p.integratedTime),
            inclusionPromise: { signedEntryTimestamp: rb.SignedEntryTimestamp },
            canonicalizedBody: p.body,
          },
        ],
      },
      messageSignature: {
        messageDigest: { algorithm: 'SHA2_256', digest: createHash('sha256').update(payload).digest('base64') },
        signature: a['dev.cosignproject.cosign/signature'],
      },
    });
    const verifier = new Verifier(toTrustMaterial(standins.root), { tlogThreshold: 1, ctlogThreshold: 1 });
    expect(verifier.verify(toSignedEntity(bundle, payload), { subjectAlternativeName: SUB }).identity?.subjectAlternativeName).toBe(SUB);
    expect(() => verifier.verify(toSignedEntity(bundle, payload), { subjectAlternativeName: 'someone-else' })).toThrow(/certificate identity error/);
    // Three certificates and three entries: the SLSA provenance (attested keyless before the push), the
    // signature (.sig), and cosign's sign statement for the Sigstore bundle referrer (cosign 3's form).
    expect(standins.fulcio.requests).toEqual(Array(3).fill('POST /api/v2/signingCert'));
    expect(standins.rekor.requests).toEqual(Array(3).fill('POST /api/v1/log/entries'));
  }, 300_000);

  it('with no OIDC token: exit 2 naming id-token: write (GitHub) and id_tokens: (GitLab), nothing pushed, no request made', async () => {
    const ws = await workspace();
    const repo = `${plain.host}/${uniqueRepo('keyless/none')}`;
    const before = standins.fulcio.requests.length;
    const r = await hoist(['build', '--images', repo, '--version', '1.0.0', '--sign', 'keyless', '--insecure-registries', plain.host], { cwd: ws });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /sign: keyless needs the CI's OIDC token and there is none: on GitHub give the job permissions: id-token: write; on GitLab declare id_tokens: SIGSTORE_ID_TOKEN/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await skopeoDigest(`${repo}:1.0.0`)).toBeUndefined();
    expect(standins.fulcio.requests.length).toBe(before);
  }, 120_000);
});

describe('hoist verify --certificate-identity (keyless, stand-in Fulcio and Rekor, a self-made trusted_root.json)', () => {
  // Property: the shipped CLI verifies a keyless signature for exactly the identity, issuer and root
  // of trust that made it (exit 0), and every other case is exit 1 with the one reason that tells it;
  // incomplete flags are exit 2 naming the flag, before any request.
  // Nearest real-world variant: a deploy job's `cosign verify --certificate-identity-regexp
  // '^https://github.com/acme/' --certificate-oidc-issuer https://token.actions.githubusercontent.com`.
  it('exit 0 for the signer; 1 naming why for another identity, issuer, CA, digest, a tampered SET, a key signature; 2 for bad flags; promote and base-signers accept only the signer', async () => {
    const ws = await workspace();
    const repo = `${plain.host}/${uniqueRepo('keyless/verify')}`;
    const insecure = ['--insecure-registries', plain.host];
    const built = await hoist(
      [
        'build',
        '--images',
        repo,
        '--version',
        '1.0.0',
        '--sign',
        'keyless',
        ...insecure,
        '--fulcio-url',
        standins.fulcio.url,
        '--rekor-url',
        standins.rekor.url,
        '--json',
      ],
      { cwd: ws, env: { SIGSTORE_ID_TOKEN: TOKEN } },
    );
    expect(built.code, built.stderr).toBe(0);
    const { digest } = (JSON.parse(built.stdout) as { outputs: { digest: string } }).outputs;
    const root = await standins.writeRoot(join(ws, 'trusted_root.json'));
    const who = (identity: string, issuer: string, r = root) => [
      '--certificate-identity',
      identity,
      '--certificate-oidc-issuer',
      issuer,
      '--trusted-root',
      r,
      ...insecure,
    ];
    const verify = (ref: string, flags: string[]) => hoist(['verify', ref, ...flags], { cwd: ws });

    const ok = await verify(`${repo}:1.0.0`, who(SUB, ISSUER));
    expect([ok.code, ok.stdout.trim()], ok.stderr).toEqual([
      0,
      expect.stringMatching(new RegExp(`^${repo}@${digest}: signed by ${SUB} \\(issuer ${ISSUER}, Rekor entry \\d+ at `)),
    ]);
    const json = await verify(`${repo}:1.0.0`, [...who(SUB, ISSUER), '--json']);
    expect(json.code, json.stderr).toBe(0);
    // The .sig's signature and the Sigstore bundle referrer's (cosign 3's form), each keyless for the signer.
    expect(
      (JSON.parse(json.stdout) as { verified: Array<{ certificate: unknown; referrer?: string }> }).verified.map((v) => [v.certificate, !!v.referrer]),
    ).toEqual([
      [expect.objectContaining({ subject: SUB, issuer: ISSUER }), false],
      [expect.objectContaining({ subject: SUB, issuer: ISSUER }), true],
    ]);
    const regexp = await verify(`${repo}:1.0.0`, [
      '--certificate-identity-regexp',
      '^project_path:team/app:',
      '--certificate-oidc-issuer-regexp',
      '^https://gitlab\\.',
      '--trusted-root',
      root,
      ...insecure,
    ]);
    expect(regexp.code, regexp.stderr).toBe(0);
    // Its SLSA provenance, attested keyless by the same identity (cosign verify-attestation --type slsaprovenance1).
    const provenance = await verify(`${repo}:1.0.0`, ['--type', 'slsaprovenance1', ...who(SUB, ISSUER)]);
    expect([provenance.code, provenance.stdout], provenance.stderr).toEqual([0, expect.stringContaining(`https://slsa.dev/provenance/v1 attested by ${SUB}`)]);

    const refusal = async (ref: string, flags: string[], reason: RegExp) => {
      const r = await verify(ref, flags);
      expect([r.code, r.stderr.trim()]).toEqual([1, expect.stringMatching(reason)]);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    };
    await refusal(
      `${repo}:1.0.0`,
      who('project_path:team/other:ref_type:branch:ref:main', ISSUER),
      new RegExp(`wrong identity: the certificate is for '${SUB}'`),
    );
    await refusal(
      `${repo}:1.0.0`,
      who(SUB, 'https://token.actions.githubusercontent.com'),
      new RegExp(`wrong issuer: '${SUB}' was vouched for by '${ISSUER}'`),
    );
    // A trusted root whose certificate authority is another deployment's (same log): the chain is untrusted.
    const other = await startStandins();
    const otherRoot = await standins.writeRoot(join(ws, 'other_root.json'), {
      ...standins.rootJSON(),
      certificateAuthorities: other.rootJSON().certificateAuthorities,
    });
    other.close();
    await refusal(`${repo}:1.0.0`, who(SUB, ISSUER, otherRoot), /untrusted certificate: .*does not chain to a certificate authority of the trusted root/);

    // hoist promote --require-signature with the keyless signer: copied (with its .sig) for the signer, nothing for another identity.
    const promoteTo = (dest: string, identity: string) =>
      hoist(
        [
          'promote',
          '--source',
          `${repo}:1.0.0`,
          '--destinations',
          dest,
          '--require-signature',
          'true',
          '--verify-identity',
          identity,
          '--verify-oidc-issuer',
          ISSUER,
          '--trusted-root',
          root,
          ...insecure,
        ],
        { cwd: ws },
      );
    const promoted = await promoteTo(`${repo}-prod`, '/^project_path:team\\/app:/');
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(await skopeoDigest(`${repo}-prod:1.0.0`)).toBe(digest);
    expect(await skopeoDigest(`${repo}-prod:${digest.replace(':', '-')}.sig`)).toBe(await skopeoDigest(`${repo}:${digest.replace(':', '-')}.sig`));
    const refused = await promoteTo(`${repo}-refused`, 'project_path:team/other:ref_type:branch:ref:main');
    expect([refused.code, refused.stderr]).toEqual([1, expect.stringMatching(new RegExp(`is not promoted: wrong identity: the certificate is for '${SUB}'`))]);
    expect(await skopeoDigest(`${repo}-refused:1.0.0`)).toBeUndefined();

    // base-signers keyless: a build FROM the signed image builds on its digest; FROM an unsigned one stops before building (exit 1).
    const child = await mkdtemp(join(dir, 'child-'));
    const baseFlags = [
      '--version',
      '1.0.0',
      '--base-signers-identity',
      SUB,
      '--base-signers-oidc-issuer',
      ISSUER,
      '--trusted-root',
      root,
      ...insecure,
      '--push',
      'false',
    ];
    await writeFile(join(child, 'Dockerfile'), `FROM ${repo}:1.0.0\nRUN true\n`);
    const onSigned = await hoist(['build', '--images', `${repo}-child`, ...baseFlags], { cwd: child });
    expect(onSigned.code, onSigned.stderr).toBe(0);
    expect(onSigned.stdout + onSigned.stderr).toContain(`Base ${repo}:1.0.0 verified at ${digest}: keyless ${SUB} (issuer ${ISSUER})`);
    await writeFile(join(child, 'Dockerfile'), `FROM ${plain.host}/lab/busybox:1.36\nRUN true\n`);
    const onUnsigned = await hoist(['build', '--images', `${repo}-child`, ...baseFlags], { cwd: child });
    expect([onUnsigned.code, onUnsigned.stderr]).toEqual([
      1,
      expect.stringMatching(/Dockerfile:1: FROM .*lab\/busybox:1\.36 \(sha256:[0-9a-f]{64}\): unsigned/),
    ]);

    // The signature copied under another image's .sig tag (skopeo, as anyone with push access could): its payload names the first digest.
    await run('skopeo', [
      'copy',
      '--quiet',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      `docker://${plain.host}/lab/busybox:1.36`,
      `docker://${repo}:other`,
    ]);
    const otherDigest = (await skopeoDigest(`${repo}:other`))!;
    const sigOf = (d: string) => `docker://${repo}:${d.replace(':', '-')}.sig`;
    await run('skopeo', ['copy', '--quiet', '--src-tls-verify=false', '--dest-tls-verify=false', sigOf(digest), sigOf(otherDigest)]);
    await refusal(`${repo}:other`, who(SUB, ISSUER), new RegExp(`signed by ${SUB}, but for another image: ${digest}`));

    // The SET tampered with in the registry (one bit of the signed entry timestamp, pushed back by skopeo).
    const { out, layers } = await readSig(repo, digest);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { layers: Layer[] };
    const rb = JSON.parse(layers[0]!.annotations['dev.sigstore.cosign/bundle']!) as { SignedEntryTimestamp: string };
    const set = Buffer.from(rb.SignedEntryTimestamp, 'base64');
    set[set.length - 4]! ^= 1;
    manifest.layers[0]!.annotations['dev.sigstore.cosign/bundle'] = JSON.stringify({ ...rb, SignedEntryTimestamp: set.toString('base64') });
    await writeFile(join(out, 'manifest.json'), JSON.stringify(manifest));
    await run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `dir:${out}`, sigOf(digest)]);
    // The .sig's layer is refused; the image stays signed by its Sigstore bundle referrer (cosign 3's form), untouched.
    const tampered = await verify(`${repo}:1.0.0`, [...who(SUB, ISSUER), '--json']);
    const verdict = JSON.parse(tampered.stdout) as { verified: Array<{ referrer?: string }>; rejected: Array<{ reason: string }> };
    expect([tampered.code, verdict.verified.map((v) => !!v.referrer), verdict.rejected.map((r) => r.reason)]).toEqual([
      0,
      [true],
      [expect.stringMatching(/^SET invalid: the Rekor bundle's signed entry timestamp does not verify/)],
    ]);

    // An image signed with a key only: no certificate for the identity to match.
    await run('openssl', ['ecparam', '-genkey', '-name', 'prime256v1', '-noout', '-out', join(ws, 'k.pem')]);
    const keyed = await hoist(['build', '--images', repo, '--version', '2.0.0', '--sign', 'key', '--signing-key-file', join(ws, 'k.pem'), ...insecure], {
      cwd: ws,
    });
    expect(keyed.code, keyed.stderr).toBe(0);
    await refusal(`${repo}:2.0.0`, who(SUB, ISSUER), /a key signature \(no certificate\): only a keyless signature can match the certificate identity given/);

    // Incomplete or unreadable flags: exit 2 naming the flag, as cosign requires identity and issuer both.
    const usage = async (flags: string[], message: RegExp) => {
      const r = await verify(`${repo}:1.0.0`, flags);
      expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(message)]);
    };
    await usage(
      ['--certificate-identity', SUB, '--trusted-root', root, ...insecure],
      /--certificate-oidc-issuer \(or --certificate-oidc-issuer-regexp\) is missing/,
    );
    await usage(
      ['--certificate-oidc-issuer', ISSUER, '--trusted-root', root, ...insecure],
      /--certificate-identity \(or --certificate-identity-regexp\) is missing/,
    );
    await usage(['--certificate-identity', SUB, '--certificate-oidc-issuer', ISSUER, ...insecure], /--trusted-root is missing/);
    await writeFile(join(ws, 'not-root.json'), '{"mediaType":"application/json"}');
    await usage(who(SUB, ISSUER, join(ws, 'not-root.json')), /--trusted-root: .*not a Sigstore trusted root/);
  }, 300_000);
});

function pemBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s/g, '');
}
