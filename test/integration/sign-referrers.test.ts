// Signatures and provenance also stored as OCI 1.1 referrers holding a Sigstore bundle (cosign 3's
// form), through the shipped CLI (dist/cli.js) against the lab's registries. Distribution 2.8 has no
// referrers API: there the spec's referrers tag schema is used (the index tagged `sha256-<hex>`).
// The API path is proven through a STAND-IN: a small proxy in front of the real distribution that
// adds the referrers API to it (it answers `OCI-Subject` to a PUT of a manifest with a subject and
// serves /referrers/<digest> from what it has seen pushed) — clearly not a real registry's
// implementation, only the protocol's two answers. Independent readers: skopeo reads the fallback
// index, the referrer manifest and copies the bundle; openssl verifies the bundle's DSSE signature
// over its pre-authentication encoding with the public key.
//
// Property: every image Hoist signs with a key carries, beside cosign's `.sig`/`.att` tags (unchanged),
// a bundle referrer of its signature and of its provenance that the key verifies and nothing else
// does, found through the referrers API where the registry has it and through the fallback tag
// where it does not; a signature stored only as a referrer is enough for hoist verify, hoist inspect
// and promotion's require-signature, and promotion carries the referrers along; a referrer listed
// for the digest that names another subject, or whose statement was swapped under its signature,
// is not counted. Nearest real-world
// variants: `cosign sign` 3.x (new bundle format by default) on a registry with and without the
// referrers API (GHCR/ECR vs an old Harbor or distribution), a registry answering /referrers/ with
// an HTML error page.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../src/registry/client.js';
import { cosignSignStatement } from '../../src/sign/bundle.js';
import { parseSigningKey } from '../../src/sign/keys.js';
import { keyBundleSigner } from '../../src/sign/referrer-stage.js';
import { attachBundle } from '../../src/sign/referrer.js';
import { hoist, lab, password, run, skopeoDigest, uniqueRepo, type SkopeoAccess } from './lab.js';
import { pkcs8Pair } from '../support/pkcs8-pair.js';

const { plain, tls, token } = lab().registries;
const BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const SIGN = 'https://sigstore.dev/cosign/sign/v1';
const SLSA = 'https://slsa.dev/provenance/v1';
let dir: string;
let signer: { key: string; pub: string };
let strangerPub: string;

const insecure = (...hosts: string[]) => ['--insecure-registries', [plain.host, token.host, ...hosts].join(','), '--registry-ca', `${tls.host}=${tls.ca}`];
const auth = () => ({
  HOIST_REGISTRY_AUTH: `${tls.host}=${tls.username}:${password(tls.passwordFile)}\n${token.host}=${token.username}:${password(token.passwordFile)}`,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hoist-sign-referrers-'));
  signer = await pkcs8Pair(dir, 'signer');
  strangerPub = (await pkcs8Pair(dir, 'stranger')).pub;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function workspace(): Promise<string> {
  const ws = await mkdtemp(join(dir, 'ws-'));
  await writeFile(join(ws, 'Dockerfile'), `FROM ${plain.host}/lab/busybox:1.36\nCOPY app.txt /app.txt\n`);
  await writeFile(join(ws, 'app.txt'), `${Math.random()}\n`);
  return ws;
}

/** skopeo's arguments for a registry (TLS trust, or none; a login through an auth file, never argv). */
async function access(reference: string, a: SkopeoAccess, flag: 'src' | 'plain'): Promise<string[]> {
  const tlsArgs = a.certDir
    ? [flag === 'src' ? '--src-cert-dir' : '--cert-dir', a.certDir]
    : [flag === 'src' ? '--src-tls-verify=false' : '--tls-verify=false'];
  if (!a.username || !a.passwordFile) return tlsArgs;
  const file = join(await mkdtemp(join(dir, 'auth-')), 'auth.json');
  const host = reference.split('/')[0]!;
  await writeFile(file, JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${a.username}:${password(a.passwordFile)}`).toString('base64') } } }), {
    mode: 0o600,
  });
  return [...tlsArgs, flag === 'src' ? '--src-authfile' : '--authfile', file];
}

const rawOf = async (reference: string, a: SkopeoAccess = {}) =>
  JSON.parse(await run('skopeo', ['inspect', '--raw', ...(await access(reference, a, 'plain')), `docker://${reference}`])) as Record<string, unknown>;

interface IndexEntry {
  digest: string;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/**
 * The independent check of one referrer: skopeo reads its manifest (subject, artifactType, the
 * empty config) and copies it with its blobs into a directory; openssl verifies the bundle's DSSE
 * signature over the PAE with `pub`. Returns whether it verifies and the statement's predicate and subjects.
 */
async function opensslBundle(repo: string, referrer: string, pub: string, a: SkopeoAccess = {}) {
  const manifest = (await rawOf(`${repo}@${referrer}`, a)) as {
    subject: { digest: string };
    artifactType: string;
    config: { mediaType: string };
    layers: Array<{ digest: string; mediaType: string }>;
  };
  const out = await mkdtemp(join(dir, 'ref-'));
  await run('skopeo', ['copy', '--quiet', ...(await access(`${repo}@${referrer}`, a, 'src')), `docker://${repo}@${referrer}`, `dir:${out}`]);
  const bundle = JSON.parse(await readFile(join(out, manifest.layers[0]!.digest.slice(7)), 'utf8')) as {
    mediaType: string;
    verificationMaterial: { publicKey?: { hint: string } };
    dsseEnvelope: { payload: string; payloadType: string; signatures: Array<{ sig: string }> };
  };
  const payload = Buffer.from(bundle.dsseEnvelope.payload, 'base64');
  const type = Buffer.from(bundle.dsseEnvelope.payloadType);
  await writeFile(join(out, 'pae'), Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]));
  await writeFile(join(out, 'sig.der'), Buffer.from(bundle.dsseEnvelope.signatures[0]!.sig, 'base64'));
  const verified = await run('openssl', ['dgst', '-sha256', '-verify', pub, '-signature', join(out, 'sig.der'), join(out, 'pae')]).then(
    (o) => o.trim() === 'Verified OK',
    () => false,
  );
  const statement = JSON.parse(payload.toString()) as { predicateType: string; subject: Array<{ digest: { sha256: string } }> };
  return {
    verified,
    shape: [manifest.artifactType, manifest.config.mediaType, manifest.layers[0]!.mediaType, bundle.mediaType, !!bundle.verificationMaterial.publicKey],
    subject: manifest.subject.digest,
    predicateType: statement.predicateType,
    names: statement.subject.map((s) => `sha256:${s.digest.sha256}`),
  };
}

/** Reproducible, so that a re-run builds the very same image (a release tag holds its digest). */
const SAME = ['--created', '2026-01-01T00:00:00Z', '--reproducible'];

const referrersTag = (digest: string) => digest.replace(':', '-');

/** Deletes cosign's `.sig` and `.att` of `digest` (leaving the bundle referrers the only signature). */
async function dropTagged(host: string, path: string, digest: string): Promise<void> {
  const client = new RegistryClient({ host, insecure: true, retries: 0, userAgent: 'hoist-test' });
  try {
    for (const kind of ['sig', 'att']) {
      const m = await client.headManifest(path, `${referrersTag(digest)}.${kind}`);
      if (m) await client.deleteManifest(path, m.digest);
    }
  } finally {
    await client.close();
  }
}

describe('bundle referrers on distribution (no referrers API: the fallback tag)', () => {
  it('stores signature and provenance as referrers in all three registries beside the .sig; openssl verifies them; they alone satisfy verify, inspect and promote', async () => {
    const ws = await workspace();
    const name = uniqueRepo('sign/referrers');
    const repos: Array<[string, SkopeoAccess]> = [
      [`${plain.host}/${name}`, {}],
      [`${tls.host}/${name}`, { certDir: tls.certDir, username: tls.username, passwordFile: tls.passwordFile }],
      [`${token.host}/${name}`, { username: token.username, passwordFile: token.passwordFile }],
    ];
    const build = [
      'build',
      ...repos.flatMap(([x]) => ['--images', x]),
      '--version',
      '1.0.0',
      ...SAME,
      '--sign',
      'key',
      '--signing-key-file',
      signer.key,
      ...insecure(),
      '--json',
    ];
    const r = await hoist(build, { cwd: ws, env: auth() });
    expect(r.code, r.stderr).toBe(0);
    const { digest } = (JSON.parse(r.stdout) as { outputs: { digest: string } }).outputs;
    expect(r.stderr).toMatch(
      new RegExp(`signature also stored as a Sigstore bundle referrer sha256:[a-f0-9]{64} \\(no referrers API: listed in the tag ${referrersTag(digest)}\\)`),
    );
    for (const [repo, a] of repos) {
      // cosign's .sig is unchanged: a simple-signing layer, as cosign verify --key reads it.
      const sig = (await rawOf(`${repo}:${referrersTag(digest)}.sig`, a)) as { layers: Array<{ mediaType: string }> };
      expect(sig.layers.map((l) => l.mediaType)).toEqual(['application/vnd.dev.cosign.simplesigning.v1+json']);
      const index = (await rawOf(`${repo}:${referrersTag(digest)}`, a)) as { mediaType: string; manifests: IndexEntry[] };
      expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
      expect(index.manifests.map((m) => [m.artifactType, m.annotations?.['dev.sigstore.bundle.predicateType']])).toEqual([
        [BUNDLE, SIGN],
        [BUNDLE, SLSA],
      ]);
      for (const [entry, predicate] of [
        [index.manifests[0]!, SIGN],
        [index.manifests[1]!, SLSA],
      ] as const) {
        const checked = await opensslBundle(repo, entry.digest, signer.pub, a);
        expect(checked).toEqual({
          verified: true,
          shape: [BUNDLE, 'application/vnd.oci.empty.v1+json', BUNDLE, BUNDLE, true],
          subject: digest,
          predicateType: predicate,
          names: [digest],
        });
        expect((await opensslBundle(repo, entry.digest, strangerPub, a)).verified).toBe(false);
      }
    }
    // A re-run adds nothing: the same two referrers are listed.
    // The same build again (a re-run of the CI job): the same image, no new referrer in any registry.
    const again = await hoist(build, { cwd: ws, env: auth() });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/its Sigstore bundle referrer is there already/);
    for (const [x, a] of repos) expect(((await rawOf(`${x}:${referrersTag(digest)}`, a)) as { manifests: unknown[] }).manifests).toHaveLength(2);
    const repo = repos[0]![0];

    // Only the referrers left: the tagged .sig and .att deleted.
    await dropTagged(plain.host, name, digest);
    expect(await skopeoDigest(`${repo}:${referrersTag(digest)}.sig`)).toBeUndefined();
    const ok = await hoist(['verify', `${repo}:1.0.0`, '--key', signer.pub, ...insecure()], { cwd: ws });
    expect([ok.code, ok.stdout.trim()], ok.stderr).toEqual([0, expect.stringContaining(`${repo}@${digest}: signed by ${signer.pub} (sha256:`)]);
    expect(ok.stdout).toMatch(/\) \(Sigstore bundle referrer sha256:[a-f0-9]{64}\)\n?$/);
    const other = await hoist(['verify', `${repo}:1.0.0`, '--key', strangerPub, ...insecure()], { cwd: ws });
    expect([other.code, other.stderr]).toEqual([
      1,
      expect.stringMatching(/referrer sha256:[a-f0-9]{64}: no signature of the envelope verifies with the keys given/),
    ]);
    const att = await hoist(['verify', `${repo}:1.0.0`, '--key', signer.pub, '--type', 'slsaprovenance1', ...insecure()], { cwd: ws });
    expect(att.code, att.stderr + att.stdout).toBe(0);
    const inspected = await hoist(['inspect', `${repo}:1.0.0`, '--key', signer.pub, ...insecure()], { cwd: ws });
    expect(inspected.code, inspected.stderr).toBe(0);
    expect(inspected.stdout).toMatch(/referrer sha256:[a-f0-9]{64}  Sigstore bundle: 1 signature \(image\)\n\s+verified: key sha256:[a-f0-9]{64}/);
    expect(inspected.stdout).toMatch(
      /referrer sha256:[a-f0-9]{64}  Sigstore bundle: 1 attestation \(image\)\n\s+verified: https:\/\/slsa\.dev\/provenance\/v1 by key/,
    );

    // Promotion requires the signature (a referrer now) and carries the referrers to the destination.
    const dest = `${plain.host}/${uniqueRepo('prod/referrers')}`;
    const promoted = await hoist(
      [
        'promote',
        '--source',
        `${repo}:1.0.0`,
        '--destinations',
        dest,
        '--require-signature',
        'true',
        '--verify-key',
        signer.pub,
        '--insecure-registries',
        plain.host,
      ],
      { cwd: ws },
    );
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(promoted.stderr).toMatch(new RegExp(`Signature verified: ${digest} by key`));
    const copied = (await rawOf(`${dest}:${referrersTag(digest)}`)) as { manifests: IndexEntry[] };
    expect(copied.manifests.map((m) => m.annotations?.['dev.sigstore.bundle.predicateType']).sort()).toEqual([SIGN, SLSA].sort());
    const there = await hoist(['verify', `${dest}:1.0.0`, '--key', signer.pub, ...insecure()], { cwd: ws });
    expect(there.code, there.stderr).toBe(0);
    const refused = await hoist(
      [
        'promote',
        '--source',
        `${repo}:1.0.0`,
        '--destinations',
        `${plain.host}/${uniqueRepo('prod/no')}`,
        '--require-signature',
        'true',
        '--verify-key',
        strangerPub,
        '--insecure-registries',
        plain.host,
      ],
      { cwd: ws },
    );
    expect([refused.code, refused.stderr]).toEqual([1, expect.stringMatching(/is not promoted: signed by another key or tampered: referrer sha256:/)]);

    // Attacks on the listing, by anyone with push rights (fixtures made with the signer's own key):
    // a valid signature of another image listed under this digest, and a bundle whose statement was
    // swapped under its signature. Neither counts: one verified signature, two named rejections.
    const key = parseSigningKey(await readFile(signer.key, 'utf8'));
    const client = new RegistryClient({ host: plain.host, insecure: true, retries: 0, userAgent: 'hoist-test' });
    try {
      const base = (await skopeoDigest(`${plain.host}/lab/busybox:1.36`))!;
      const subjectOf = async (d: string) => ({
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: d,
        size: (await client.getManifest(name, d))?.size ?? 1,
      });
      const other = await attachBundle(
        client,
        name,
        { ...(await subjectOf(digest)), digest: base },
        await keyBundleSigner(key).sign(cosignSignStatement(base)),
        SIGN,
        new Date(),
      );
      const entry = ((await rawOf(`${repo}:${referrersTag(base)}`)) as { manifests: IndexEntry[] }).manifests.find((m) => m.digest === other.referrer)!;
      await client.addToReferrersTag(name, digest, [entry as never]);
      const genuine = JSON.parse((await keyBundleSigner(key).sign(cosignSignStatement(digest))).toString()) as { dsseEnvelope: { payload: string } };
      const forged = JSON.parse((await keyBundleSigner(key).sign(cosignSignStatement(base))).toString()) as { dsseEnvelope: Record<string, unknown> };
      forged.dsseEnvelope.payload = genuine.dsseEnvelope.payload.replace(/.{4}$/, 'AAAA');
      const swapped = await attachBundle(client, name, await subjectOf(digest), Buffer.from(JSON.stringify(forged)), SIGN, new Date());
      const judged = await hoist(['verify', `${repo}:1.0.0`, '--key', signer.pub, '--json', ...insecure()], { cwd: ws });
      const verdict = JSON.parse(judged.stdout) as { verified: Array<{ referrer?: string }>; rejected: Array<{ reason: string }> };
      expect(judged.code, judged.stderr).toBe(0);
      expect(verdict.verified).toHaveLength(1);
      expect(verdict.verified[0]!.referrer).not.toBe(other.referrer);
      expect(verdict.rejected.map((r) => r.reason)).toEqual(
        expect.arrayContaining([
          `referrer ${other.referrer}: a referrer listed for ${digest} names another subject: ${base} (not counted)`,
          `referrer ${swapped.referrer}: no signature of the envelope verifies with the keys given (another key, or a tampered statement)`,
        ]),
      );
    } finally {
      await client.close();
    }
  }, 300_000);
});

/**
 * STAND-IN: the referrers API added in front of the lab's distribution. A PUT of a manifest with a
 * `subject` is forwarded and, once stored, answered with `OCI-Subject` and remembered; GET
 * /v2/<name>/referrers/<digest> is answered from what was remembered (or, `garbage`, with an HTML page).
 */
class ReferrersStandIn {
  readonly seen = new Map<string, IndexEntry[]>();
  garbage = false;
  host = '';
  readonly #server: Server;
  constructor(readonly upstream: string) {
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }
  async start(): Promise<this> {
    await new Promise<void>((done) => this.#server.listen(0, '127.0.0.1', done));
    this.host = `127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }
  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((done) => this.#server.close(() => done()));
  }
  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const referrers = /^\/v2\/(.+)\/referrers\/(sha256:[a-f0-9]{64})/.exec(url);
    if (req.method === 'GET' && referrers) {
      if (this.garbage) return void res.writeHead(200, { 'content-type': 'application/vnd.oci.image.index.v1+json' }).end('<html>502 Bad Gateway</html>');
      const manifests = this.seen.get(`${referrers[1]}@${referrers[2]}`) ?? [];
      return void res
        .writeHead(200, { 'content-type': 'application/vnd.oci.image.index.v1+json' })
        .end(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const [hostname, port] = this.upstream.split(':');
    const up = request(
      { hostname, port: Number(port), method: req.method, path: url, headers: { ...req.headers, 'content-length': String(body.length) } },
      (upRes) => {
        const headers = { ...upRes.headers };
        const put = /^\/v2\/(.+)\/manifests\/[^/]+$/.exec(url);
        if (req.method === 'PUT' && put && upRes.statusCode === 201) {
          const m = JSON.parse(body.toString()) as {
            subject?: { digest: string };
            artifactType?: string;
            config?: { mediaType?: string };
            annotations?: Record<string, string>;
            mediaType: string;
          };
          if (m.subject) {
            const key = `${put[1]}@${m.subject.digest}`;
            const entry = {
              mediaType: m.mediaType,
              digest: String(upRes.headers['docker-content-digest']),
              size: body.length,
              artifactType: m.artifactType ?? m.config?.mediaType,
              ...(m.annotations ? { annotations: m.annotations } : {}),
            };
            this.seen.set(key, [...(this.seen.get(key) ?? []).filter((e) => e.digest !== entry.digest), entry]);
            headers['oci-subject'] = m.subject.digest;
          }
        }
        res.writeHead(upRes.statusCode ?? 502, headers);
        upRes.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    up.end(body);
  }
}

describe('bundle referrers through the referrers API (a stand-in in front of distribution)', () => {
  it('no fallback tag is written; verify finds them through /referrers/; a garbage answer is an error naming the registry, the .sig still verifies', async () => {
    const standIn = await new ReferrersStandIn(plain.host).start();
    try {
      const ws = await workspace();
      const name = uniqueRepo('sign/api');
      const repo = `${standIn.host}/${name}`;
      const r = await hoist(
        ['build', '--images', repo, '--version', '1.0.0', ...SAME, '--sign', 'key', '--signing-key-file', signer.key, ...insecure(standIn.host), '--json'],
        { cwd: ws },
      );
      expect(r.code, r.stderr).toBe(0);
      const { digest } = (JSON.parse(r.stdout) as { outputs: { digest: string } }).outputs;
      expect(r.stderr).toMatch(/signature also stored as a Sigstore bundle referrer sha256:[a-f0-9]{64} \(referrers API\)/);
      const listed = standIn.seen.get(`${name}@${digest}`) ?? [];
      expect(listed.map((e) => e.annotations?.['dev.sigstore.bundle.predicateType'])).toEqual([SIGN, SLSA]);
      // The registry behind the stand-in has no fallback tag: the API was trusted to list them.
      expect(await skopeoDigest(`${plain.host}/${name}:${referrersTag(digest)}`)).toBeUndefined();
      for (const e of listed) expect((await opensslBundle(`${plain.host}/${name}`, e.digest, signer.pub)).verified).toBe(true);

      // A garbage /referrers/ answer: the .sig still verifies (exit 0)…
      standIn.garbage = true;
      const sigStill = await hoist(['verify', `${repo}:1.0.0`, '--key', signer.pub, ...insecure(standIn.host)], { cwd: ws });
      expect(sigStill.code, sigStill.stderr).toBe(0);
      // …and with the .sig gone, the check cannot be made: exit 3 naming the registry and what it answered.
      await dropTagged(plain.host, name, digest);
      const broken = await hoist(['verify', `${repo}:1.0.0`, '--key', signer.pub, ...insecure(standIn.host)], { cwd: ws });
      expect([broken.code, broken.stderr]).toEqual([
        3,
        expect.stringContaining(`${standIn.host}/${name}: the referrers API's answer for ${digest} is not an image index`),
      ]);
      standIn.garbage = false;
      // Through the API the bundle alone verifies; the same registry without the stand-in (no API, no tag) has nothing.
      const viaApi = await hoist(['verify', `${repo}:1.0.0`, '--key', signer.pub, ...insecure(standIn.host)], { cwd: ws });
      expect(viaApi.code, viaApi.stderr).toBe(0);
      const direct = await hoist(['verify', `${plain.host}/${name}:1.0.0`, '--key', signer.pub, ...insecure()], { cwd: ws });
      expect([direct.code, direct.stderr]).toEqual([1, expect.stringMatching(/no signature: .*\.sig does not exist/)]);
    } finally {
      await standIn.close();
    }
  }, 300_000);
});
