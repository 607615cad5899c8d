// The merge pipeline with the merge Action's inputs `sign: keyless`, `fulcio-url`, `rekor-url` (the
// token in SIGSTORE_ID_TOKEN, as GitLab's id_tokens: gives it), through its Effects seam: platform
// images pushed by digest to one in-process registry, joined into one index at two others by the
// real registry client, signed against STAND-INS of Fulcio and Rekor (@sigstore/mock's handlers on
// loopback, test/support/sigstore-standins.ts, a self-made root of trust).
//
// Property: once the index and its tags are in every target, the index and each platform manifest
// carry there a cosign keyless signature over that very digest that the Sigstore verifier accepts
// for the token's identity and issuer and for no other; a re-run adds no signature; the token is
// masked and in no log line; a merge attests nothing (it built nothing).
// Nearest real-world variant: a GitLab release pipeline whose merge job (hoist-merge, with
// id_tokens: SIGSTORE_ID_TOKEN: aud: sigstore) joins per-runner platform images and signs keyless.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testImage, type TestImage } from '../../test/support/images.js';
import { MemoryRegistry } from '../../test/support/memory-registry.js';
import { harness } from '../../test/support/pipeline.js';
import { jwt, startStandins, type Standins } from '../../test/support/sigstore-standins.js';
import { identityPolicy } from '../core/identity.js';
import { pushGraph } from '../push/engine.js';
import { RegistryClient } from '../registry/client.js';
import { loadTrustedRoot, type KeylessRoot } from '../sign/keyless-verify.js';
import { attestationTag } from '../sign/payload.js';
import { verifyImageSignatures } from '../sign/verify.js';
import { merge } from './merge.js';

const SUB = 'project_path:acme/app:ref_type:tag:ref:v1.4.0';
const ISSUER = 'https://gitlab.example.test';
const TOKEN = jwt({ iss: ISSUER, sub: SUB, aud: 'sigstore' });

let s: Standins;
let root: KeylessRoot;
beforeAll(async () => {
  s = await startStandins();
  root = await loadTrustedRoot(JSON.stringify(s.rootJSON()), 'trusted_root.json');
});
afterAll(() => s.close());
const registries: MemoryRegistry[] = [];
afterEach(async () => {
  await Promise.all(registries.splice(0).map((r) => r.close()));
});
const start = async () => {
  const r = await MemoryRegistry.start();
  registries.push(r);
  return r;
};

async function put(reg: MemoryRegistry, image: TestImage): Promise<string> {
  const client = new RegistryClient({ host: reg.host, insecure: true, retries: 0, userAgent: 'test' });
  await pushGraph(image.graph, image.source, [{ repository: { registry: reg.host, host: reg.host, path: 'acme/app-build' }, tags: [] }], {
    clientFor: () => client,
    concurrency: 2,
    perHost: 2,
  });
  await client.close();
  return image.graph.root.digest;
}

describe('merge pipeline: sign keyless (stand-in Fulcio and Rekor)', () => {
  it('signs the index and each platform keyless in every target, for the identity only; a re-run adds nothing; the token is never logged', async () => {
    const [src, a, b] = [await start(), await start(), await start()];
    const amd = await put(src, testImage([30_000], undefined, 'amd64'));
    const arm = await put(src, testImage([30_000], undefined, 'arm64'));
    const inputs = {
      sources: [`${src.host}/acme/app-build@${amd}`, `${src.host}/acme/app-build@${arm}`].join('\n'),
      images: `${a.host}/acme/app\n${b.host}/acme/app`,
      version: '1.4.0',
      'insecure-registries': [src.host, a.host, b.host].join(','),
      retries: '0',
      sign: 'keyless',
      'fulcio-url': s.fulcio.url,
      'rekor-url': s.rekor.url,
    };
    const certificates = s.fulcio.requests.length;
    const h = await harness(inputs, { env: { SIGSTORE_ID_TOKEN: TOKEN } });
    await merge(h.fx);
    const index = h.platform.outputs.get('digest')!;
    expect(h.platform.outputs.get('signatures')!.split('\n')).toEqual(
      [a, b].flatMap((reg) => [index, amd, arm].map((d) => `${reg.host}/acme/app:${d.replace(':', '-')}.sig`)),
    );
    // One certificate per .sig (3 digests × 2 registries), one per digest's Sigstore bundle (shared by the registries).
    expect(s.fulcio.requests.length - certificates).toBe(9);
    const signer = { keys: [], keyless: { root, policy: identityPolicy({ identity: SUB, issuer: ISSUER }) } };
    const stranger = { keys: [], keyless: { root, policy: identityPolicy({ identity: 'project_path:acme/other:ref_type:tag:ref:v1.4.0', issuer: ISSUER }) } };
    for (const reg of [a, b]) {
      const client = new RegistryClient({ host: reg.host, insecure: true, retries: 0, userAgent: 'test' });
      for (const digest of [index, amd, arm]) {
        const ok = await verifyImageSignatures(client, 'acme/app', digest, signer);
        expect(ok.rejected, `${reg.host} ${digest}`).toEqual([]);
        expect(ok.verified.map((v) => [v.digest, v.dockerReference, v.certificate?.subject, v.certificate?.issuer, !!v.referrer])).toEqual([
          [digest, `${reg.host}/acme/app`, SUB, ISSUER, false],
          [digest, '', SUB, ISSUER, true],
        ]);
        const other = await verifyImageSignatures(client, 'acme/app', digest, stranger);
        expect([other.verified, other.rejected.map((r) => r.reason)]).toEqual([
          [],
          [
            expect.stringMatching(`^wrong identity: the certificate is for '${SUB}'`),
            expect.stringMatching(`^referrer sha256:[a-f0-9]{64}: wrong identity: the certificate is for '${SUB}'`),
          ],
        ]);
      }
      // A merge built nothing: it attests nothing.
      expect(await client.getManifest('acme/app', attestationTag(index))).toBeUndefined();
      await client.close();
    }
    expect(h.platform.masked).toContain(TOKEN);
    expect(h.platform.log()).not.toContain(TOKEN);

    const again = await harness(inputs, { env: { SIGSTORE_ID_TOKEN: TOKEN } });
    await merge(again.fx);
    expect(again.platform.log()).toMatch(/already signed by[\s\S]*its Sigstore bundle referrer is there already/);
    const client = new RegistryClient({ host: a.host, insecure: true, retries: 0, userAgent: 'test' });
    expect((await verifyImageSignatures(client, 'acme/app', index, signer)).verified).toHaveLength(2);
    await client.close();
  }, 120_000);
});
