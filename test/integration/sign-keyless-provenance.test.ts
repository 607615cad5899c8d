// Keyless provenance, inspect's keyless judgement and keyless merge on the shipped CLI (dist/cli.js)
// against the lab's plain registry, with STAND-INS of Fulcio and Rekor (@sigstore/mock's handlers
// on loopback, test/support/sigstore-standins.ts) and a self-made root of trust. What Hoist stored
// is read back by skopeo (an independent reader): openssl verifies the DSSE signature over the PAE
// with the certificate annotation's key, node:crypto the Rekor SET with the log's key.
//
// Property: with `sign: keyless`, the build's SLSA v1 provenance is a cosign keyless attestation
// (`sha256-<hex>.att`: DSSE envelope, certificate, chain and Rekor bundle annotations) that `hoist
// verify --type slsaprovenance1` accepts for the CI's identity and no other, and `hoist inspect`
// names who signed each signature and attestation; `hoist merge --sign keyless` signs the index and
// each platform so that `hoist verify` accepts each for the identity only. No token in the output;
// flags that cannot work are exit 2 naming the flag.
// Nearest real-world variant: a GitHub release workflow (id-token: write) whose deploy job runs
// `cosign verify-attestation --type slsaprovenance1 --certificate-identity-regexp … ` and whose
// merge job joins per-runner platform images and signs the index keyless.
import { createHash, verify } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRepository } from '../../src/core/reference.js';
import { pushGraph } from '../../src/push/engine.js';
import { RegistryClient } from '../../src/registry/client.js';
import { testImage } from '../support/images.js';
import { jwt, startStandins, type Standins } from '../support/sigstore-standins.js';
import { hoist, lab, leaks, run, skopeoDigest, uniqueRepo } from './lab.js';

const { plain } = lab().registries;
const insecure = ['--insecure-registries', plain.host];
const SUB = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';
const TOKEN = jwt({ iss: ISSUER, sub: SUB, aud: 'sigstore' });
const V1 = 'https://slsa.dev/provenance/v1';
let dir: string;
let standins: Standins;
let root: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hoist-keyless-prov-'));
  standins = await startStandins();
  root = await standins.writeRoot(join(dir, 'trusted_root.json'));
});
afterAll(async () => {
  standins.close();
  await rm(dir, { recursive: true, force: true });
});

interface Layer {
  mediaType: string;
  digest: string;
  size: number;
  annotations: Record<string, string>;
}

/** skopeo copies `repo:<tag>` into a directory: its manifest and blobs. */
async function readTagged(repo: string, tag: string): Promise<{ out: string; manifest: { layers: Layer[] } }> {
  const out = await mkdtemp(join(dir, 'tagged-'));
  await run('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${repo}:${tag}`, `dir:${out}`]);
  return { out, manifest: JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { layers: Layer[] } };
}

const pae = (type: string, payload: Buffer) => Buffer.concat([Buffer.from(`DSSEv1 ${type.length} ${type} ${payload.length} `), payload]);
const who = (identity: string, issuer = ISSUER) => [
  '--certificate-identity',
  identity,
  '--certificate-oidc-issuer',
  issuer,
  '--trusted-root',
  root,
  ...insecure,
];
const keylessUrls = () => ['--fulcio-url', standins.fulcio.url, '--rekor-url', standins.rekor.url];

describe('sign: keyless provenance, hoist verify --type and hoist inspect (dist, stand-in Fulcio and Rekor)', () => {
  it('attests the SLSA provenance keyless as cosign does; verify --type and inspect accept the CI identity only', async () => {
    const ws = await mkdtemp(join(dir, 'ws-'));
    await writeFile(join(ws, 'Dockerfile'), `FROM ${plain.host}/lab/busybox:1.36\nCOPY app.txt /app.txt\n`);
    await writeFile(join(ws, 'app.txt'), `${Math.random()}\n`);
    const repo = `${plain.host}/${uniqueRepo('keyless-prov/app')}`;
    const built = await hoist(['build', '--images', repo, '--version', '1.0.0', '--sign', 'keyless', ...insecure, ...keylessUrls(), '--json'], {
      cwd: ws,
      env: { SIGSTORE_ID_TOKEN: TOKEN },
    });
    expect(built.code, built.stderr).toBe(0);
    expect(leaks(built.stdout + built.stderr, TOKEN)).toBe(false);
    const { digest } = (JSON.parse(built.stdout) as { outputs: { digest: string } }).outputs;
    const att = `${digest.replace(':', '-')}.att`;

    // The .att as skopeo reads it: one DSSE layer with cosign's keyless annotations.
    const { out, manifest } = await readTagged(repo, att);
    expect(manifest.layers).toHaveLength(1);
    const layer = manifest.layers[0]!;
    expect(layer.mediaType).toBe('application/vnd.dsse.envelope.v1+json');
    expect(layer.annotations).toMatchObject({ predicateType: V1 });
    const a = layer.annotations;
    const envelope = JSON.parse(await readFile(join(out, layer.digest.slice(7)), 'utf8')) as {
      payloadType: string;
      payload: string;
      signatures: Array<{ sig: string }>;
    };
    const statement = Buffer.from(envelope.payload, 'base64');
    expect((JSON.parse(statement.toString()) as { subject: Array<{ digest: { sha256: string } }> }).subject.map((x) => x.digest.sha256)).toContain(
      digest.slice(7),
    );
    // openssl: the DSSE signature over the PAE with the certificate's key; the chain is the stand-in CA.
    await writeFile(join(out, 'cert.pem'), a['dev.sigstore.cosign/certificate']!);
    await writeFile(join(out, 'pub.pem'), await run('openssl', ['x509', '-in', join(out, 'cert.pem'), '-pubkey', '-noout']));
    await writeFile(join(out, 'sig.der'), Buffer.from(envelope.signatures[0]!.sig, 'base64'));
    await writeFile(join(out, 'pae'), pae(envelope.payloadType, statement));
    const dgst = await run('openssl', ['dgst', '-sha256', '-verify', join(out, 'pub.pem'), '-signature', join(out, 'sig.der'), join(out, 'pae')]);
    expect(dgst.trim()).toBe('Verified OK');
    expect(a['dev.sigstore.cosign/chain']!.replace(/\s/g, '')).toBe(standins.caPem.replace(/\s/g, ''));
    // The Rekor bundle: the SET verifies with the log's key; the logged intoto entry names the statement's hash.
    const rb = JSON.parse(a['dev.sigstore.cosign/bundle']!) as {
      SignedEntryTimestamp: string;
      Payload: { body: string; integratedTime: number; logIndex: number; logID: string };
    };
    const p = rb.Payload;
    const canonical = JSON.stringify({ body: p.body, integratedTime: p.integratedTime, logID: p.logID, logIndex: p.logIndex });
    expect(verify('sha256', Buffer.from(canonical), standins.rekorKey, Buffer.from(rb.SignedEntryTimestamp, 'base64'))).toBe(true);
    const body = JSON.parse(Buffer.from(p.body, 'base64').toString()) as { kind: string; spec: { content: { payloadHash: { value: string } } } };
    expect([body.kind, body.spec.content.payloadHash.value]).toEqual(['intoto', createHash('sha256').update(statement).digest('hex')]);

    // hoist verify --type slsaprovenance1: the identity only.
    const attested = await hoist(['verify', `${repo}:1.0.0`, '--type', 'slsaprovenance1', ...who(SUB)], { cwd: ws });
    expect([attested.code, attested.stdout.trim()], attested.stderr).toEqual([
      0,
      expect.stringMatching(new RegExp(`^${repo}@${digest}: ${V1} attested by ${SUB} \\(issuer ${ISSUER}, Rekor entry \\d+ at `)),
    ]);
    const refused = async (flags: string[], reason: RegExp) => {
      const r = await hoist(['verify', `${repo}:1.0.0`, ...flags], { cwd: ws });
      expect([r.code, r.stdout, r.stderr.trim()]).toEqual([1, '', expect.stringMatching(reason)]);
    };
    await refused(
      ['--type', 'slsaprovenance1', ...who('https://github.com/acme/other/.github/workflows/x.yml@refs/heads/main')],
      new RegExp(`wrong identity: the certificate is for '${SUB}'`),
    );
    await refused(['--type', 'slsaprovenance1', ...who(SUB, 'https://gitlab.com')], new RegExp(`wrong issuer: '${SUB}' was vouched for by '${ISSUER}'`));
    await refused(['--type', 'slsaprovenance', ...who(SUB)], new RegExp(`an attestation of another type: ${V1}`));

    // hoist inspect with the keyless flags: the .sig and the .att each say who signed; another identity, why not.
    const inspect = async (flags: string[]) => {
      const r = await hoist(['inspect', `${repo}:1.0.0`, ...flags, '--json'], { cwd: ws });
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout) as { signatures: Array<{ kind: string; verified?: string; notVerified?: string }> };
      return Object.fromEntries(doc.signatures.map((e) => [e.kind, e.verified ?? `not verified: ${e.notVerified}`]));
    };
    expect(await inspect(who(SUB))).toEqual({ sig: `keyless ${SUB} (issuer ${ISSUER})`, att: `${V1} by keyless ${SUB} (issuer ${ISSUER})` });
    // The .sig/.att and the Sigstore bundle referrers (listed after them, so theirs is the entry kept here) alike.
    const wrong = `^not verified: (referrer sha256:[0-9a-f]{64}: )?wrong identity: the certificate is for '${SUB}'`;
    expect(await inspect(who('https://github.com/acme/other'))).toEqual({ sig: expect.stringMatching(wrong), att: expect.stringMatching(wrong) });

    // The statement rewritten in the registry (skopeo, as anyone with push access could): another builder id, same signature.
    const forgedStatement = Buffer.from(statement.toString().replace('"predicateType"', '"x":1,"predicateType"'));
    const forged = Buffer.from(JSON.stringify({ ...envelope, payload: forgedStatement.toString('base64') }));
    const forgedDigest = createHash('sha256').update(forged).digest('hex');
    await writeFile(join(out, forgedDigest), forged);
    manifest.layers[0] = { ...layer, digest: `sha256:${forgedDigest}`, size: forged.length };
    await writeFile(join(out, 'manifest.json'), JSON.stringify(manifest));
    await run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `dir:${out}`, `docker://${repo}:${att}`]);
    // The forged .att is refused by its Rekor entry; the Sigstore bundle referrer beside it, untouched, still verifies.
    const afterForgery = await hoist(['inspect', `${repo}:1.0.0`, ...who(SUB), '--json'], { cwd: ws });
    const atts = (JSON.parse(afterForgery.stdout) as { signatures: Array<{ kind: string; verified?: string; notVerified?: string }> }).signatures.filter(
      (e) => e.kind === 'att',
    );
    expect(atts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ notVerified: expect.stringMatching(/the Rekor entry is for another signature or payload: DSSE payload hash mismatch/) }),
        expect.objectContaining({ verified: `${V1} by keyless ${SUB} (issuer ${ISSUER})` }),
      ]),
    );

    // Flags that cannot work: exit 2 naming the flag, before any request.
    const usage = async (verb: string, flags: string[], message: RegExp) => {
      const r = await hoist([verb, `${repo}:1.0.0`, ...flags], { cwd: ws });
      expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(message)]);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    };
    const regexp = ['--certificate-identity-regexp', '(', '--certificate-oidc-issuer', ISSUER, '--trusted-root', root, ...insecure];
    await usage('inspect', regexp, /inspect: --certificate-identity-regexp '\(' is not a regular expression/);
    await usage('verify', ['--type', 'slsaprovenance1', ...regexp], /verify: --certificate-identity-regexp '\(' is not a regular expression/);
    await usage(
      'inspect',
      ['--certificate-identity', SUB, '--trusted-root', root, ...insecure],
      /--certificate-oidc-issuer \(or --certificate-oidc-issuer-regexp\) is missing/,
    );
    await usage('verify', ['--type', 'slsa', ...who(SUB)], /verify: --type 'slsa' is not a predicate type/);
  }, 300_000);
});

/** A platform's image in `path` of the plain registry, by digest (no tag), as push-by-digest leaves it. */
async function pushedByDigest(path: string, arch: string): Promise<string> {
  const image = testImage([30_000 + arch.length], undefined, arch);
  const client = new RegistryClient({ host: plain.host, insecure: true, retries: 2, userAgent: 'hoist-keyless-merge-test' });
  try {
    const [r] = await pushGraph(image.graph, image.source, [{ repository: parseRepository(`${plain.host}/${path}`), tags: [] }], {
      clientFor: () => client,
      concurrency: 2,
      perHost: 2,
    });
    expect(r!.error).toBeUndefined();
    return image.graph.root.digest;
  } finally {
    await client.close();
  }
}

describe('hoist merge --sign keyless (dist, stand-in Fulcio and Rekor)', () => {
  it('signs the index and each platform keyless: hoist verify accepts each for the identity only; no token printed', async () => {
    const parts = uniqueRepo('keyless-merge/parts');
    const repo = `${plain.host}/${uniqueRepo('keyless-merge/app')}`;
    const amd = await pushedByDigest(parts, 'amd64');
    const arm = await pushedByDigest(parts, 'arm64');
    const certificates = standins.fulcio.requests.length;
    const sources = ['--sources', `${plain.host}/${parts}@${amd},${plain.host}/${parts}@${arm}`];
    const r = await hoist(['merge', ...sources, '--images', repo, '--version', '1.4.0', '--sign', 'keyless', ...keylessUrls(), ...insecure, '--json'], {
      cwd: dir,
      env: { SIGSTORE_ID_TOKEN: TOKEN },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(leaks(r.stdout + r.stderr, TOKEN)).toBe(false);
    const { digest, signatures } = (JSON.parse(r.stdout) as { outputs: { digest: string; signatures: string[] } }).outputs;
    expect(await skopeoDigest(`${repo}:1.4.0`)).toBe(digest);
    expect(signatures).toEqual([digest, amd, arm].map((d) => `${repo}:${d.replace(':', '-')}.sig`));
    // One certificate for each digest's .sig and one for its Sigstore bundle referrer (cosign 3's form).
    expect(standins.fulcio.requests.length - certificates).toBe(6);
    // Each .sig layer carries cosign's keyless annotations.
    const { manifest } = await readTagged(repo, `${digest.replace(':', '-')}.sig`);
    expect(Object.keys(manifest.layers[0]!.annotations).sort()).toEqual([
      'dev.cosignproject.cosign/signature',
      'dev.sigstore.cosign/bundle',
      'dev.sigstore.cosign/certificate',
      'dev.sigstore.cosign/chain',
    ]);
    for (const ref of [`${repo}:1.4.0`, `${repo}@${amd}`, `${repo}@${arm}`]) {
      const ok = await hoist(['verify', ref, ...who(SUB)], { cwd: dir });
      expect([ok.code, ok.stdout], ok.stderr).toEqual([0, expect.stringContaining(`signed by ${SUB} (issuer ${ISSUER}`)]);
      const other = await hoist(['verify', ref, ...who('https://github.com/acme/other')], { cwd: dir });
      expect([other.code, other.stderr], ref).toEqual([1, expect.stringContaining(`wrong identity: the certificate is for '${SUB}'`)]);
    }

    // No OIDC token: exit 2 before anything is pushed, no certificate asked for.
    const before = standins.fulcio.requests.length;
    const bare = `${plain.host}/${uniqueRepo('keyless-merge/none')}`;
    const none = await hoist(['merge', ...sources, '--images', bare, '--version', '1.0.0', '--sign', 'keyless', ...keylessUrls(), ...insecure], { cwd: dir });
    expect([none.code, none.stderr]).toEqual([2, expect.stringMatching(/sign: keyless needs the CI's OIDC token and there is none/)]);
    expect(await skopeoDigest(`${bare}:1.0.0`)).toBeUndefined();
    expect(standins.fulcio.requests.length).toBe(before);
  }, 300_000);
});
