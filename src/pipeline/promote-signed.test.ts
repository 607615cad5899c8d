// Promotion of signed images only (require-signature + verify-key), through the pipeline's Effects
// seam between in-process registries. The signatures are made without Hoist's signer: openssl's key,
// payload and signature (test/support/openssl-cosign.ts), stored as cosign stores them.
//
// Property: with require-signature, a destination receives nothing — no blob, no manifest, no tag —
// unless a signature over the source's very digest verifies with a given key; when one does, the
// image arrives with its .sig (and .att), and the summary names the key's fingerprint.
// Nearest real-world variant: CI signs staging images with `cosign sign --key`; the release job
// promotes staging → production, and an attacker with push rights to staging pushes an unsigned
// image, one signed with their own key, a valid .sig copied from another image, or an edited payload.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, FindingError } from '../core/errors.js';
import { parseRepository } from '../core/reference.js';
import { addReferrers } from '../oci/graph.js';
import { pushGraph } from '../push/engine.js';
import { RegistryClient } from '../registry/client.js';
import { harness } from '../../test/support/pipeline.js';
import type { MemoryRegistry } from '../../test/support/memory-registry.js';
import { releaseImage } from '../../test/support/releases.js';
import { testIndex } from '../../test/support/images.js';
import { opensslSign, opensslVerifies, pushSignatures, simpleSigning, signingFixture } from '../../test/support/openssl-cosign.js';
import { exitCodeFor } from '../cli/exit.js';
import { promote } from './promote.js';

const { keys, registry } = signingFixture();

async function staged(reg: MemoryRegistry, path: string, version: string) {
  const image = releaseImage(version, `r-${version}`);
  const client = new RegistryClient({ host: reg.host, insecure: true, retries: 0, userAgent: 'test' });
  const [r] = await pushGraph(image.graph, image.source, [{ repository: parseRepository(`${reg.host}/${path}`), tags: [version] }], {
    clientFor: () => client,
    concurrency: 2,
    perHost: 2,
  });
  await client.close();
  expect(r!.error).toBeUndefined();
  return image.graph.root.digest;
}

async function promoteSigned(src: MemoryRegistry, dest: MemoryRegistry, source: string, key: string) {
  const h = await harness({
    source,
    destinations: `${dest.host}/prod/app`,
    'require-signature': 'true',
    'verify-key': key,
    'insecure-registries': `${src.host},${dest.host}`,
    retries: '0',
  });
  const error = await promote(h.fx).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { h, error };
}

describe('promote: require-signature refuses before anything is copied', () => {
  const cases: Array<[string, (src: MemoryRegistry, digest: string, other: string) => Promise<void>, RegExp]> = [
    ['an unsigned image', async () => undefined, /: unsigned: no signature/],
    [
      'an image signed by another key',
      async (src, digest) => {
        const payload = simpleSigning(`${src.host}/staging/app`, digest);
        await pushSignatures(`${src.host}/staging/app`, digest, [{ payload, signature: await opensslSign(keys.stranger, payload, keys.dir) }]);
      },
      /signed by another key or tampered: the signature does not verify with the key given/,
    ],
    [
      'a valid signature over another digest (a .sig copied from another image)',
      async (src, digest, other) => {
        const payload = simpleSigning(`${src.host}/staging/app`, other);
        await pushSignatures(`${src.host}/staging/app`, digest, [{ payload, signature: await opensslSign(keys.signer, payload, keys.dir) }]);
      },
      /signature over another digest: signed by sha256:[0-9a-f]{12}, but for another image: sha256:/,
    ],
    [
      'a payload changed after signing (the digest inside rewritten to this image)',
      async (src, digest, other) => {
        const signed = simpleSigning(`${src.host}/staging/app`, other);
        const signature = await opensslSign(keys.signer, signed, keys.dir);
        const tampered = Buffer.from(signed.toString('utf8').replace(other, digest));
        expect(await opensslVerifies(keys.signer, tampered, signature, keys.dir)).toBe(false); // the independent reader agrees
        await pushSignatures(`${src.host}/staging/app`, digest, [{ payload: tampered, signature }]);
      },
      /signed by another key or tampered: the signature does not verify/,
    ],
  ];
  for (const [name, sign, reason] of cases)
    it(`refuses ${name}: nothing reaches the destination, a finding (exit 1) naming the digest`, async () => {
      const src = await registry();
      const dest = await registry();
      const digest = await staged(src, 'staging/app', '1.0.0');
      const other = await staged(src, 'staging/app', '0.9.0');
      await sign(src, digest, other);
      const { h, error } = await promoteSigned(src, dest, `${src.host}/staging/app:1.0.0`, keys.signer.publicPem);
      expect(error).toBeInstanceOf(FindingError);
      expect(exitCodeFor(error)).toBe(1);
      const message = (error as Error).message;
      expect(message).not.toContain('\n');
      expect(message).toContain(`${src.host}/staging/app@${digest} is not promoted`);
      expect(message).toMatch(reason);
      expect(message).toMatch(/nothing was copied and no tag moved/);
      expect(dest.requests).toEqual([]); // not a HEAD, not a byte
      expect(h.platform.outputs.get('digest')).toBeUndefined();
    });
});

describe('promote: a Sigstore bundle referrer that is no signature', () => {
  /**
   * Nearest real-world variant: a bundle referrer in a form cosign does not write for images (a message
   * signature over a payload the bundle does not carry): refused with that reason, not counted as signed.
   */
  it('refuses an image whose only bundle referrer holds a message signature, and says why', async () => {
    const src = await registry();
    const dest = await registry();
    const image = releaseImage('6.0.0', 'r6');
    const empty = Buffer.from('{}');
    const bundle = Buffer.from(JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial: {}, messageSignature: {} }));
    const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
    image.blobs.set(sha(empty), empty);
    image.blobs.set(sha(bundle), bundle);
    const referrer = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha(empty), size: 2 },
        layers: [{ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', digest: sha(bundle), size: bundle.length }],
        subject: { mediaType: image.graph.root.mediaType, digest: image.graph.root.digest, size: image.graph.root.bytes.length },
      }),
    );
    const graph = addReferrers(image.graph, [{ digest: sha(referrer), mediaType: 'application/vnd.oci.image.manifest.v1+json', bytes: referrer }]);
    const client = new RegistryClient({ host: src.host, insecure: true, retries: 0, userAgent: 'test' });
    const [r] = await pushGraph(graph, image.source, [{ repository: parseRepository(`${src.host}/staging/app`), tags: ['6.0.0'] }], {
      clientFor: () => client,
      concurrency: 2,
      perHost: 2,
    });
    await client.close();
    expect(r!.error).toBeUndefined();
    const { error } = await promoteSigned(src, dest, `${src.host}/staging/app:6.0.0`, keys.signer.publicPem);
    expect((error as Error).message).toMatch(
      /is not promoted: .*a message-signature bundle \(cosign signs images with a DSSE envelope\): not judged.*; nothing was copied/,
    );
    expect(dest.requests).toEqual([]);
  });
});

describe('promote: a payload changed in storage', () => {
  /** Nearest real-world variant: a compromised or misbehaving registry (or a proxy) serving other bytes for the signature's blob. */
  it('refuses a signature whose payload the registry serves altered, naming it a tampered payload', async () => {
    let payloadPath = '';
    const src = await registry({
      fault: (q) => (q.method === 'GET' && q.path === payloadPath ? { status: 200, body: '{"critical":{"type":"x"}}'.padEnd(190, ' ') } : undefined),
    });
    const dest = await registry();
    const digest = await staged(src, 'staging/app', '3.0.0');
    const payload = simpleSigning(`${src.host}/staging/app`, digest);
    await pushSignatures(`${src.host}/staging/app`, digest, [{ payload, signature: await opensslSign(keys.signer, payload, keys.dir) }]);
    payloadPath = `/v2/staging/app/blobs/sha256:${(await import('node:crypto')).createHash('sha256').update(payload).digest('hex')}`;
    const { error } = await promoteSigned(src, dest, `${src.host}/staging/app:3.0.0`, keys.signer.publicPem);
    expect(error).toBeInstanceOf(FindingError);
    expect((error as Error).message).toMatch(/is not promoted: tampered payload: .*\(tampered payload\); nothing was copied/);
    expect(dest.requests).toEqual([]);
  });
});

describe('promote: a signed image', () => {
  it('is copied with its .sig and .att, verified by one of several keys; the summary names the key', async () => {
    const src = await registry();
    const dest = await registry();
    const digest = await staged(src, 'staging/app', '2.0.0');
    const payload = simpleSigning(`${src.host}/staging/app`, digest);
    const sig = await pushSignatures(`${src.host}/staging/app`, digest, [{ payload, signature: await opensslSign(keys.signer, payload, keys.dir) }]);
    const statement = Buffer.from(JSON.stringify({ payloadType: 'application/vnd.in-toto+json', payload: 'e30=', signatures: [] }));
    const att = await pushSignatures(`${src.host}/staging/app`, digest, [{ payload: statement, signature: 'unused' }], { insecure: true, kind: 'att' });
    // verify-key: two paths; the stranger's key does not verify, the signer's does.
    const { h, error } = await promoteSigned(src, dest, `${src.host}/staging/app:2.0.0`, `${keys.signer.publicPath}\n${keys.stranger.publicPath}`);
    expect(error).toBeUndefined();
    const repo = dest.repos.get('prod/app')!;
    expect(repo.tags.get('2.0.0')).toBe(digest);
    expect(repo.tags.get(`${digest.replace(':', '-')}.sig`)).toBe(sig);
    expect(repo.tags.get(`${digest.replace(':', '-')}.att`)).toBe(att);
    expect(repo.blobs.has(`sha256:${(await import('node:crypto')).createHash('sha256').update(payload).digest('hex')}`)).toBe(true);
    const summary = h.platform.summaries.join('\n');
    expect(summary).toContain(`by key ${keys.signer.fingerprint} (${keys.signer.publicPath})`); // openssl's fingerprint of the DER key
    expect(summary).toContain(`${digest.replace(':', '-')}.sig`);
    // The destination's .sig manifest was written before its tag 2.0.0 moved.
    const puts = dest.requests.filter((r) => r.method === 'PUT' && r.path.includes('/manifests/')).map((r) => r.path.split('/manifests/')[1]);
    expect(puts.indexOf(`${digest.replace(':', '-')}.sig`)).toBeLessThan(puts.indexOf('2.0.0'));
  });

  /**
   * Property: the signature that gates a multi-platform promotion is the index's; every platform's
   * own .sig travels too. Nearest real-world variant: `cosign sign --recursive` of a linux/amd64 +
   * linux/arm64 release, or Hoist's own `sign: key` of an index.
   */
  it("gates an index on the index's signature and carries each platform's .sig along", async () => {
    const src = await registry();
    const dest = await registry();
    const index = testIndex(512);
    const client = new RegistryClient({ host: src.host, insecure: true, retries: 0, userAgent: 'test' });
    await pushGraph(index.graph, index.source, [{ repository: parseRepository(`${src.host}/staging/multi`), tags: ['5.0.0'] }], {
      clientFor: () => client,
      concurrency: 2,
      perHost: 2,
    });
    await client.close();
    const signed = [index.graph.root.digest, ...index.graph.children.map((c) => c.digest)];
    // Only a platform signed: not enough, the index is what the tag names.
    const platformOnly = simpleSigning(`${src.host}/staging/multi`, signed[1]!);
    await pushSignatures(`${src.host}/staging/multi`, signed[1]!, [
      { payload: platformOnly, signature: await opensslSign(keys.signer, platformOnly, keys.dir) },
    ]);
    const refused = await promoteSigned(src, dest, `${src.host}/staging/multi:5.0.0`, keys.signer.publicPem);
    expect((refused.error as Error).message).toContain(`${src.host}/staging/multi@${signed[0]} is not promoted: unsigned`);
    expect(dest.requests).toEqual([]);
    for (const digest of [signed[0]!, signed[2]!]) {
      const payload = simpleSigning(`${src.host}/staging/multi`, digest);
      await pushSignatures(`${src.host}/staging/multi`, digest, [{ payload, signature: await opensslSign(keys.signer, payload, keys.dir) }]);
    }
    const { error } = await promoteSigned(src, dest, `${src.host}/staging/multi:5.0.0`, keys.signer.publicPem);
    expect(error).toBeUndefined();
    const tags = dest.repos.get('prod/app')!.tags;
    expect(tags.get('5.0.0')).toBe(signed[0]);
    for (const digest of signed) expect(tags.has(`${digest.replace(':', '-')}.sig`), digest).toBe(true);
  });

  /**
   * Property: promotion adds the source's signatures to a destination's, never drops one there.
   * Nearest real-world variant: production's own approval key countersigned the image after an
   * earlier promotion; the release is promoted again (a re-run, another tag).
   */
  it("keeps a destination's own signatures: the .sig there gets the source's layers appended", async () => {
    const src = await registry();
    const dest = await registry();
    const digest = await staged(src, 'staging/app', '4.0.0');
    const payload = simpleSigning(`${src.host}/staging/app`, digest);
    const signature = await opensslSign(keys.signer, payload, keys.dir);
    await pushSignatures(`${src.host}/staging/app`, digest, [{ payload, signature }]);
    const approval = simpleSigning(`${dest.host}/prod/app`, digest);
    const approvalSignature = await opensslSign(keys.stranger, approval, keys.dir);
    await pushSignatures(`${dest.host}/prod/app`, digest, [{ payload: approval, signature: approvalSignature }]);
    const { error } = await promoteSigned(src, dest, `${src.host}/staging/app:4.0.0`, keys.signer.publicPath);
    expect(error).toBeUndefined();
    const client = new RegistryClient({ host: dest.host, insecure: true, retries: 0, userAgent: 'test' });
    const sig = await client.getManifest('prod/app', `${digest.replace(':', '-')}.sig`);
    await client.close();
    const layers = (JSON.parse(sig!.bytes.toString('utf8')) as { layers: Array<{ annotations: Record<string, string> }> }).layers;
    expect(layers.map((l) => l.annotations['dev.cosignproject.cosign/signature'])).toEqual([approvalSignature, signature]);
    // Again: nothing to add, the .sig is not written.
    const before = dest.requests.length;
    expect((await promoteSigned(src, dest, `${src.host}/staging/app:4.0.0`, keys.signer.publicPath)).error).toBeUndefined();
    expect(dest.requests.slice(before).filter((r) => r.method === 'PUT' && r.path.endsWith('.sig'))).toEqual([]);
  });

  it('refuses verify-identity without its issuer and trusted root (cosign needs both), a private key in verify-key, and a key without require-signature', async () => {
    const src = await registry();
    const keyless = await harness({
      source: `${src.host}/a/b:1`,
      destinations: `${src.host}/c/d`,
      'require-signature': 'true',
      'verify-identity': '/^https://github.com/acme//',
    });
    const e1 = await promote(keyless.fx).catch((x: unknown) => x);
    expect(e1).toBeInstanceOf(ConfigError);
    expect((e1 as ConfigError).issues).toEqual([
      {
        input: 'verify-oidc-issuer',
        message: expect.stringMatching(/^is missing: keyless verification needs both the certificate identity and its OIDC issuer/),
      },
      { input: 'trusted-root', message: expect.stringMatching(/^is missing: give the path of the Sigstore deployment's trusted_root.json/) },
    ]);
    // An RSA public key: read before any request, refused as the input it is (exit 2), naming the fix.
    const { generateKeyPairSync } = await import('node:crypto');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const dest = await registry();
    await staged(src, 'a/b', '1');
    const wrongKind = await promoteSigned(src, dest, `${src.host}/a/b:1`, rsa);
    expect(wrongKind.error).toBeInstanceOf(ConfigError);
    expect(exitCodeFor(wrongKind.error)).toBe(2);
    expect((wrongKind.error as ConfigError).issues).toEqual([{ input: 'verify-key', message: expect.stringMatching(/P-256/) }]);
    expect(dest.requests).toEqual([]);
    const { readFile } = await import('node:fs/promises');
    const privateKey = await readFile(keys.signer.privatePath, 'utf8');
    const before = src.requests.length;
    const leaked = await harness({ source: `${src.host}/a/b:1`, destinations: `${src.host}/c/d`, 'verify-key': privateKey });
    const e2 = await promote(leaked.fx).catch((x: unknown) => x);
    expect((e2 as ConfigError).issues.map((i) => i.input)).toEqual(['verify-key', 'require-signature']);
    expect(String((e2 as Error).message)).not.toContain(privateKey.split('\n')[1]!);
    expect(src.requests.length).toBe(before);
  });
});
