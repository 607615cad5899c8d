// `sign: key` and `hoist verify` on the shipped CLI (dist/cli.js) against the lab's three registries
// (plain; TLS + htpasswd; token auth), each signature checked by readers that share no code with
// Hoist: skopeo reads the `sha256-<hex>.sig` manifest and copies its payload blob, and
// `openssl dgst -sha256 -verify` checks the annotation's signature over those exact bytes with the
// public key; the payload must name the digest skopeo reads for the image's tag.
//
// Property: every image Hoist pushes with sign: key carries, in every registry, a signature over its
// own digest (an index and each of its platform manifests) that the key's public half verifies, and
// nothing else does; a key that cannot sign stops the run before anything is pushed, its text never
// printed. Nearest real-world variants: a cosign.key made by `cosign generate-key-pair` (here made as
// cosign makes it, and cosign's own test key fixture), `cosign verify --key cosign.pub IMAGE` in a
// deploy job (hoist verify's exit codes), and a second signer appending to the same `.sig`.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosignKeyPair } from '../support/cosign-key.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { hoist, lab, leaks, password, run, runAction, skopeoDigest, toolEnv, uniqueRepo, type SkopeoAccess } from './lab.js';
import { pkcs8Pair } from '../support/pkcs8-pair.js';

const { plain, tls, token } = lab().registries;
let dir: string;
/** openssl-made PKCS#8 P-256 key and its public key (paths). */
let pkcs8: { key: string; pub: string };
/** A cosign.key made as cosign makes it, with its password. */
let cosign: { key: string; pub: string; password: string };
let strangerPub: string;

const tlsAccess: SkopeoAccess = { certDir: tls.certDir, username: tls.username, passwordFile: tls.passwordFile };
const tokenAccess: SkopeoAccess = { username: token.username, passwordFile: token.passwordFile };
const insecure = ['--insecure-registries', `${plain.host},${token.host}`, '--registry-ca', `${tls.host}=${tls.ca}`];
const auth = () => ({
  HOIST_REGISTRY_AUTH: `${tls.host}=${tls.username}:${password(tls.passwordFile)}\n${token.host}=${token.username}:${password(token.passwordFile)}`,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hoist-sign-'));
  pkcs8 = await pkcs8Pair(dir, 'signer');
  strangerPub = (await pkcs8Pair(dir, 'stranger')).pub;
  const pair = cosignKeyPair('correct horse battery');
  await writeFile(join(dir, 'cosign.key'), pair.key, { mode: 0o600 });
  await writeFile(join(dir, 'cosign.pub'), pair.pub);
  cosign = { key: join(dir, 'cosign.key'), pub: join(dir, 'cosign.pub'), password: 'correct horse battery' };
  await writeFile(join(dir, 'app.txt'), `${Math.random()}\n`);
});

// The test's keys (and the workspaces under the same directory) do not outlive it.
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes an auth file for skopeo when the registry needs a login (never on argv). */
async function authFile(reference: string, access: SkopeoAccess): Promise<string[]> {
  if (!access.username || !access.passwordFile) return [];
  const file = join(await mkdtemp(join(dir, 'auth-')), 'auth.json');
  const host = reference.split('/')[0]!;
  await writeFile(
    file,
    JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${access.username}:${password(access.passwordFile)}`).toString('base64') } } }),
    { mode: 0o600 },
  );
  return ['--src-authfile', file];
}

interface Layer {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

/**
 * The independent check: skopeo copies `repository:sha256-<hex>.sig` (manifest and blobs, each
 * digest checked by skopeo) into a directory; each simple-signing layer's signature is checked by
 * openssl with `pub`; returns how many layers verify and the digests their payloads name.
 */
async function opensslVerified(
  repository: string,
  digest: string,
  pub: string,
  access: SkopeoAccess,
): Promise<{ verified: number; layers: number; named: string[] }> {
  const reference = `${repository}:${digest.replace(':', '-')}.sig`;
  const out = await mkdtemp(join(dir, 'sig-'));
  const args = access.certDir ? ['--src-cert-dir', access.certDir] : ['--src-tls-verify=false'];
  await run('skopeo', ['copy', '--quiet', ...args, ...(await authFile(reference, access)), `docker://${reference}`, `dir:${out}`]);
  const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { layers: Layer[] };
  let verified = 0;
  const named: string[] = [];
  for (const layer of manifest.layers) {
    expect(layer.mediaType).toBe('application/vnd.dev.cosign.simplesigning.v1+json');
    const payload = join(out, layer.digest.slice('sha256:'.length));
    const sig = join(out, `${layer.digest.slice(7, 19)}.sig.der`);
    await writeFile(sig, Buffer.from(layer.annotations!['dev.cosignproject.cosign/signature']!, 'base64'));
    const ok = await run('openssl', ['dgst', '-sha256', '-verify', pub, '-signature', sig, payload]).then(
      (o) => o.trim() === 'Verified OK',
      () => false,
    );
    if (ok) verified++;
    named.push(
      (JSON.parse(await readFile(payload, 'utf8')) as { critical: { image: { 'docker-manifest-digest': string } } }).critical.image['docker-manifest-digest'],
    );
  }
  return { verified, layers: manifest.layers.length, named };
}

/**
 * The provenance, checked the same way: skopeo copies `sha256-<hex>.att`; for each DSSE envelope,
 * openssl verifies its signature over DSSE's pre-authentication encoding of the payload.
 */
async function opensslAttested(
  repository: string,
  digest: string,
  pub: string,
): Promise<Array<{ verified: boolean; predicateType: string; subjects: string[] }>> {
  const reference = `${repository}:${digest.replace(':', '-')}.att`;
  const out = await mkdtemp(join(dir, 'att-'));
  await run('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${reference}`, `dir:${out}`]);
  const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { layers: Layer[] };
  const results = [];
  for (const layer of manifest.layers) {
    const env = JSON.parse(await readFile(join(out, layer.digest.slice(7)), 'utf8')) as {
      payloadType: string;
      payload: string;
      signatures: Array<{ sig: string }>;
    };
    const payload = Buffer.from(env.payload, 'base64');
    const type = Buffer.from(env.payloadType);
    const paeFile = join(out, 'pae');
    await writeFile(paeFile, Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]));
    await writeFile(join(out, 'sig.der'), Buffer.from(env.signatures[0]!.sig, 'base64'));
    const verified = await run('openssl', ['dgst', '-sha256', '-verify', pub, '-signature', join(out, 'sig.der'), paeFile]).then(
      (o) => o.trim() === 'Verified OK',
      () => false,
    );
    const statement = JSON.parse(payload.toString()) as { predicateType: string; subject: Array<{ digest: { sha256: string } }> };
    results.push({ verified, predicateType: statement.predicateType, subjects: statement.subject.map((x) => `sha256:${x.digest.sha256}`) });
  }
  return results;
}

async function workspace(dockerfile: string): Promise<string> {
  const ws = await mkdtemp(join(dir, 'ws-'));
  await writeFile(join(ws, 'Dockerfile'), dockerfile);
  await writeFile(join(ws, 'app.txt'), `${Math.random()}\n`);
  return ws;
}

interface Outputs {
  digest: string;
  signatures: string[];
}

describe('sign: key', () => {
  it('signs the image in all three registries; openssl verifies each .sig over the pushed digest; hoist verify exits 0 / 1 / 3', async () => {
    const ws = await workspace(`FROM ${plain.host}/lab/busybox:1.36\nCOPY app.txt /app.txt\n`);
    const name = uniqueRepo('sign/app');
    const repos: Array<[string, SkopeoAccess]> = [
      [`${plain.host}/${name}`, {}],
      [`${tls.host}/${name}`, tlsAccess],
      [`${token.host}/${name}`, tokenAccess],
    ];
    const r = await hoist(
      ['build', ...repos.flatMap(([x]) => ['--images', x]), '--version', '1.0.0', '--sign', 'key', '--signing-key-file', pkcs8.key, ...insecure, '--json'],
      {
        cwd: ws,
        env: auth(),
      },
    );
    expect(r.code, r.stderr).toBe(0);
    const { digest, signatures } = (JSON.parse(r.stdout) as { outputs: Outputs }).outputs;
    expect(signatures.sort()).toEqual(repos.map(([x]) => `${x}:${digest.replace(':', '-')}.sig`).sort());
    for (const [repo, access] of repos) {
      expect(await skopeoDigest(`${repo}:1.0.0`, access)).toBe(digest);
      expect(await opensslVerified(repo, digest, pkcs8.pub, access)).toEqual({ verified: 1, layers: 1, named: [digest] });
      expect((await opensslVerified(repo, digest, strangerPub, access)).verified).toBe(0);
    }
    // The SLSA v1 provenance beside it (.att), its DSSE signature checked by openssl over the PAE.
    expect(await opensslAttested(repos[0]![0], digest, pkcs8.pub)).toEqual([
      { verified: true, predicateType: 'https://slsa.dev/provenance/v1', subjects: [digest] },
    ]);
    expect((await opensslAttested(repos[0]![0], digest, strangerPub))[0]!.verified).toBe(false);
    const key = await readFile(pkcs8.key, 'utf8');
    expect(key.split('\n').filter((l) => l.length > 20 && leaks(r.stdout + r.stderr, l))).toEqual([]);
    // hoist verify, as a deploy job runs cosign verify: the signer's key, another key, an unsigned image, no registry.
    const plainRepo = repos[0]![0];
    const ok = await hoist(['verify', `${plainRepo}:1.0.0`, '--key', pkcs8.pub, ...insecure], { cwd: ws });
    expect([ok.code, ok.stdout.trim()]).toEqual([0, expect.stringContaining(`${plainRepo}@${digest}: signed by ${pkcs8.pub}`)]);
    const viaToken = await hoist(['verify', `${repos[2]![0]}:1.0.0`, '--key', pkcs8.pub, ...insecure, '--json'], { cwd: ws, env: auth() });
    expect(viaToken.code, viaToken.stderr).toBe(0);
    // The .sig's signature and its Sigstore bundle referrer's (cosign 3's form, sign-referrers.test.ts), both over this digest.
    expect((JSON.parse(viaToken.stdout) as { verified: Array<{ digest: string; referrer?: string }> }).verified.map((v) => [v.digest, !!v.referrer])).toEqual([
      [digest, false],
      [digest, true],
    ]);
    const other = await hoist(['verify', `${plainRepo}:1.0.0`, '--key', strangerPub, ...insecure], { cwd: ws });
    expect([other.code, other.stderr]).toEqual([1, expect.stringMatching(/no signature verifies with .*stranger\.pub: the signature does not verify/)]);
    const unsigned = await hoist(['verify', `${plain.host}/lab/busybox:1.36`, '--key', pkcs8.pub, ...insecure], { cwd: ws });
    expect([unsigned.code, unsigned.stderr]).toEqual([1, expect.stringMatching(/no signature: lab\/busybox:sha256-[a-f0-9]{64}\.sig does not exist/)]);
    // A registry that names a signed digest for a tag serving other bytes (a lying cache in front of it):
    // the verdict is on the bytes the tag serves. Class: no digest is taken from a header's word.
    await run('skopeo', [
      'copy',
      '--quiet',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      `docker://${plain.host}/lab/busybox:1.36`,
      `docker://${plainRepo}:other`,
    ]);
    const liar = await FaultProxy.start(plain.host, {
      tamper: (req) => (req.path.endsWith(`/manifests/other`) ? { response: () => ({ headers: { 'docker-content-digest': digest } }) } : undefined),
    });
    try {
      const lied = await hoist(['verify', `${liar.host}/${name}:other`, '--key', pkcs8.pub, '--insecure-registries', liar.host], { cwd: ws });
      expect([lied.code, lied.stderr]).toEqual([1, expect.stringMatching(/no signature/)]);
    } finally {
      await liar.close();
    }
    const down = await hoist(['verify', `127.0.0.1:1/${name}:1.0.0`, '--key', pkcs8.pub, '--insecure-registries', '127.0.0.1:1', '--retries', '0'], {
      cwd: ws,
    });
    expect([down.code, down.stderr]).toEqual([3, expect.stringMatching(/ECONNREFUSED/)]);
  }, 300_000);

  it('signs an index and each platform manifest with a cosign.key; a re-run adds nothing; a second signer is appended', async () => {
    const ws = await workspace(`FROM ${lab().multiImage.reference}\nCOPY app.txt /app.txt\n`);
    const repo = `${plain.host}/${uniqueRepo('sign/multi')}`;
    // Reproducible, so that the re-runs below build the very same index (a release tag holds its digest).
    const args = [
      'build',
      '--images',
      repo,
      '--version',
      '2.0.0',
      '--platforms',
      'linux/amd64,linux/arm64',
      '--created',
      '2026-01-01T00:00:00Z',
      '--reproducible',
      '--sign',
      'key',
      ...insecure,
      '--json',
    ];
    const env = { HOIST_SIGNING_KEY: await readFile(cosign.key, 'utf8'), HOIST_SIGNING_KEY_PASSWORD: cosign.password };
    const r = await hoist(args, { cwd: ws, env });
    expect(r.code, r.stderr).toBe(0);
    const { digest, signatures } = (JSON.parse(r.stdout) as { outputs: Outputs }).outputs;
    const index = JSON.parse(await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${repo}:2.0.0`])) as {
      manifests: Array<{ digest: string }>;
    };
    const signed = [digest, ...index.manifests.map((m) => m.digest)];
    expect(signed).toHaveLength(3);
    expect(signatures.sort()).toEqual(signed.map((d) => `${repo}:${d.replace(':', '-')}.sig`).sort());
    for (const d of signed) expect(await opensslVerified(repo, d, cosign.pub, {})).toEqual({ verified: 1, layers: 1, named: [d] });
    expect(leaks(r.stdout + r.stderr, cosign.password)).toBe(false);
    // The same key again: nothing new. Another signer: its layer appended, the first kept.
    const again = await hoist(args, { cwd: ws, env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('already signed by this key');
    expect(await opensslAttested(repo, digest, cosign.pub)).toEqual([{ verified: true, predicateType: 'https://slsa.dev/provenance/v1', subjects: signed }]);
    expect(await opensslVerified(repo, digest, cosign.pub, {})).toEqual({ verified: 1, layers: 1, named: [digest] });
    const second = await hoist([...args.filter((a) => a !== '--json'), '--signing-key-file', pkcs8.key], { cwd: ws });
    expect(second.code, second.stderr).toBe(0);
    for (const pub of [cosign.pub, pkcs8.pub])
      expect(await opensslVerified(repo, digest, pub, {})).toEqual({ verified: 1, layers: 2, named: [digest, digest] });
    const both = await hoist(['verify', `${repo}@${signed[1]}`, '--key', strangerPub, '--key', cosign.pub, ...insecure], { cwd: ws });
    expect([both.code, both.stdout]).toEqual([0, expect.stringContaining(`signed by ${cosign.pub}`)]);
  }, 300_000);

  it('hoist push signs the layout it pushes (build once, test, push what was tested, sign it)', async () => {
    const ws = await workspace(`FROM ${plain.host}/lab/busybox:1.36\nCOPY app.txt /app.txt\n`);
    const layout = join(ws, 'out/layout');
    const built = await hoist(
      ['build', '--images', `${plain.host}/unused/app`, '--version', '1.0.0', '--push=false', '--outputs', `type=oci,dest=${layout}`, ...insecure],
      { cwd: ws },
    );
    expect(built.code, built.stderr).toBe(0);
    const repo = `${plain.host}/${uniqueRepo('sign/pushed')}`;
    const r = await hoist(['push', layout, '--images', repo, '--version', '1.0.0', '--sign', 'key', '--signing-key-file', pkcs8.key, ...insecure, '--json'], {
      cwd: ws,
    });
    expect(r.code, r.stderr).toBe(0);
    const { digest, signatures } = (JSON.parse(r.stdout) as { outputs: Outputs }).outputs;
    expect(signatures).toEqual([`${repo}:${digest.replace(':', '-')}.sig`]);
    expect(await opensslVerified(repo, digest, pkcs8.pub, {})).toEqual({ verified: 1, layers: 1, named: [digest] });
  }, 300_000);

  it("signs with cosign's own test key (ENCRYPTED SIGSTORE PRIVATE KEY, password hello)", async () => {
    const ws = await workspace(`FROM ${plain.host}/lab/busybox:1.36\nCOPY app.txt /app.txt\n`);
    const repo = `${plain.host}/${uniqueRepo('sign/fixture')}`;
    const fixture = join(import.meta.dirname, '../fixtures/cosign/sigstore-labeled.key');
    const r = await hoist(['build', '--images', repo, '--version', '1.0.0', '--sign', 'key', '--signing-key-file', fixture, ...insecure, '--json'], {
      cwd: ws,
      env: { HOIST_SIGNING_KEY_PASSWORD: 'hello' },
    });
    expect(r.code, r.stderr).toBe(0);
    const digest = (JSON.parse(r.stdout) as { outputs: Outputs }).outputs.digest;
    // Its public half (what `cosign public-key` prints). Read by Hoist's parser: secretbox is authenticated, so
    // only the right scrypt key and nonce open it, and the pushed signature is then checked by openssl alone.
    const pub = join(dir, 'fixture.pub');
    await writeFile(pub, await publicOfFixture(fixture));
    expect(await opensslVerified(repo, digest, pub, {})).toEqual({ verified: 1, layers: 1, named: [digest] });
  }, 300_000);

  it('as the GitHub Action: every line of the key and the password are masked (add-mask), none is in the log; outputs signatures', async () => {
    const ws = await workspace(`FROM ${plain.host}/lab/busybox:1.36\nCOPY app.txt /app.txt\n`);
    const repo = `${plain.host}/${uniqueRepo('sign/action')}`;
    const key = await readFile(cosign.key, 'utf8');
    const r = await runAction({
      workspace: ws,
      inputs: { images: repo, version: '1.0.0', sign: 'key', 'signing-key': key, 'signing-key-password': cosign.password, 'insecure-registries': plain.host },
    });
    expect(r.errors).toEqual([]);
    const body = key.split('\n').filter((l) => l && !l.startsWith('-----'));
    expect(body.filter((l) => !r.masked.includes(l))).toEqual([]);
    expect(r.masked).toContain(cosign.password);
    expect([...body, cosign.password].filter((v) => leaks(r.raw.replace(/::add-mask::.*\n/g, ''), v))).toEqual([]);
    expect(r.outputs.signatures).toBe(`${repo}:${r.outputs.digest!.replace(':', '-')}.sig`);
    expect(await opensslVerified(repo, r.outputs.digest!, cosign.pub, {})).toEqual({ verified: 1, layers: 1, named: [r.outputs.digest] });
  }, 300_000);

  it('refuses a key that cannot sign before anything is pushed (exit 2), the key and password never printed', async () => {
    const ws = await workspace(`FROM ${plain.host}/lab/busybox:1.36\nCOPY app.txt /app.txt\n`);
    await run('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', join(ws, 'rsa.pem')]);
    const good = await readFile(pkcs8.key, 'utf8');
    const lines = good.split('\n');
    await writeFile(join(ws, 'cut.pem'), [lines[0], lines[1], lines.at(-2)].join('\n'));
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      [cosign.key, { HOIST_SIGNING_KEY_PASSWORD: 'wrong password 123' }, /HOIST_SIGNING_KEY_PASSWORD or --signing-key-password-file: does not decrypt the key/],
      [join(ws, 'cut.pem'), {}, /HOIST_SIGNING_KEY or --signing-key-file: is a damaged "PRIVATE KEY" block/],
      [join(ws, 'rsa.pem'), {}, /HOIST_SIGNING_KEY or --signing-key-file: the key is an RSA key; Hoist signs and verifies with ECDSA P-256/],
    ];
    for (const [file, env, message] of cases) {
      const repo = `${plain.host}/${uniqueRepo('sign/refused')}`;
      const r = await hoist(['build', '--images', repo, '--version', '1.0.0', '--sign', 'key', '--signing-key-file', file, ...insecure], { cwd: ws, env });
      expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(message)]);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      const text = await readFile(file, 'utf8');
      const secrets = [...text.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----')), ...Object.values(env)];
      expect(secrets.filter((s) => leaks(r.stdout + r.stderr, s))).toEqual([]);
      expect(await skopeoDigest(`${repo}:1.0.0`)).toBeUndefined();
      const tags = await run('skopeo', ['list-tags', '--tls-verify=false', `docker://${repo}`], toolEnv()).catch((e: { stderr?: string }) => e.stderr ?? '');
      expect(tags).not.toMatch(/"Tags": \[\s*"/);
    }
    expect((await readdir(ws)).filter((f) => f.startsWith('hoist-'))).toEqual([]);
  }, 300_000);
});

/** The public key of cosign's fixture key (its password, hello, is published with it). */
async function publicOfFixture(file: string): Promise<string> {
  const { parseSigningKey } = await import('../../src/sign/keys.js');
  return parseSigningKey(await readFile(file, 'utf8'), 'hello').publicPem;
}
