// Promotion of keyless-signed images only (require-signature + verify-identity, verify-oidc-issuer,
// trusted-root), through the pipeline's Effects seam between in-process registries. The signature is
// made by Hoist's keyless signer against STAND-INS of Fulcio and Rekor (@sigstore/mock's handlers on
// loopback, test/support/sigstore-standins.ts), the root of trust written as a trusted_root.json.
//
// Property: with require-signature and a keyless signer, a destination receives nothing unless a
// keyless signature over the source's digest verifies for that identity and issuer under that root;
// when one does, the image arrives with its .sig and the log names the identity.
// Nearest real-world variant: GitLab's staging → production job, `cosign verify
// --certificate-identity-regexp '^https://gitlab.com/acme/' --certificate-oidc-issuer https://gitlab.com`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, FindingError } from '../core/errors.js';
import { parseRepository } from '../core/reference.js';
import { exitCodeFor } from '../cli/exit.js';
import { pushGraph } from '../push/engine.js';
import { RegistryClient } from '../registry/client.js';
import { attachKeylessSignature } from '../sign/keyless.js';
import { signatureTag } from '../sign/payload.js';
import { MemoryRegistry } from '../../test/support/memory-registry.js';
import { harness } from '../../test/support/pipeline.js';
import { releaseImage } from '../../test/support/releases.js';
import { jwt, startStandins, type Standins } from '../../test/support/sigstore-standins.js';
import { promote } from './promote.js';

const SUB = 'https://gitlab.example.test/acme/app//.gitlab-ci.yml@refs/heads/main';
const ISSUER = 'https://gitlab.example.test';
let s: Standins;
let dir: string;
let rootPath: string;
const registries: MemoryRegistry[] = [];
beforeAll(async () => {
  s = await startStandins();
  dir = await mkdtemp(join(tmpdir(), 'hoist-promote-keyless-'));
  rootPath = await s.writeRoot(join(dir, 'trusted_root.json'));
});
afterAll(async () => {
  s.close();
  await Promise.all(registries.map((r) => r.close()));
  await rm(dir, { recursive: true, force: true });
});
const registry = async () => {
  const r = await MemoryRegistry.start();
  registries.push(r);
  return r;
};

/** An image staged in `reg`, signed keyless by SUB unless `sign` is false. */
async function staged(reg: MemoryRegistry, version: string, sign = true): Promise<string> {
  const image = releaseImage(version, `r-${version}`);
  const client = new RegistryClient({ host: reg.host, insecure: true, retries: 0, userAgent: 'test' });
  try {
    const [r] = await pushGraph(image.graph, image.source, [{ repository: parseRepository(`${reg.host}/staging/app`), tags: [version] }], {
      clientFor: () => client,
      concurrency: 2,
      perHost: 2,
    });
    expect(r!.error).toBeUndefined();
    const token = jwt({ iss: ISSUER, sub: SUB, aud: 'sigstore' });
    if (sign)
      await attachKeylessSignature(client, 'staging/app', `${reg.host}/staging/app`, image.graph.root.digest, {
        fulcioUrl: s.fulcio.url,
        rekorUrl: s.rekor.url,
        token,
      });
  } finally {
    await client.close();
  }
  return image.graph.root.digest;
}

async function promoteKeyless(src: MemoryRegistry, dest: MemoryRegistry, version: string, inputs: Record<string, string>) {
  const h = await harness({
    source: `${src.host}/staging/app:${version}`,
    destinations: `${dest.host}/prod/app`,
    'require-signature': 'true',
    'trusted-root': rootPath,
    'insecure-registries': `${src.host},${dest.host}`,
    retries: '0',
    ...inputs,
  });
  const error = await promote(h.fx).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { h, error };
}

describe('promote: require-signature with a keyless signer', () => {
  it('copies the image and its .sig when the identity (exact, or /regexp/) and issuer match, naming them', async () => {
    const src = await registry();
    const dest = await registry();
    const digest = await staged(src, '1.0.0');
    const { h, error } = await promoteKeyless(src, dest, '1.0.0', { 'verify-identity': SUB, 'verify-oidc-issuer': ISSUER });
    expect(error).toBeUndefined();
    expect(h.platform.outputs.get('digest')).toBe(digest);
    expect(h.platform.log()).toContain(`Signature verified: ${digest} by keyless ${SUB} (issuer ${ISSUER})`);
    const client = new RegistryClient({ host: dest.host, insecure: true, retries: 0, userAgent: 'test' });
    expect(await client.getManifest('prod/app', signatureTag(digest))).toBeDefined();
    await client.close();
    const dest2 = await registry();
    const byRegexp = await promoteKeyless(src, dest2, '1.0.0', {
      'verify-identity': '/^https://gitlab\\.example\\.test/acme//',
      'verify-oidc-issuer': `/^${ISSUER}$/`,
    });
    expect(byRegexp.error).toBeUndefined();
  }, 60_000);

  const refusals: Array<[string, Record<string, string>, RegExp, boolean?]> = [
    ['another identity', { 'verify-identity': `${SUB}x`, 'verify-oidc-issuer': ISSUER }, new RegExp(`: wrong identity: the certificate is for '${SUB}'`)],
    [
      'another issuer',
      { 'verify-identity': SUB, 'verify-oidc-issuer': 'https://gitlab.com' },
      /: wrong issuer: .* was vouched for by 'https:\/\/gitlab.example.test'/,
    ],
    ['an unsigned image', { 'verify-identity': SUB, 'verify-oidc-issuer': ISSUER }, /: unsigned: no signature/, false],
  ];
  it.each(refusals)(
    'refuses %s before anything is copied (exit 1)',
    async (_, inputs, reason, sign = true) => {
      const src = await registry();
      const dest = await registry();
      const digest = await staged(src, '2.0.0', sign);
      const { error } = await promoteKeyless(src, dest, '2.0.0', inputs);
      expect(error).toBeInstanceOf(FindingError);
      expect(exitCodeFor(error)).toBe(1);
      expect((error as Error).message).toContain(`${src.host}/staging/app@${digest} is not promoted`);
      expect((error as Error).message).toMatch(reason);
      expect(dest.requests).toEqual([]);
    },
    60_000,
  );

  it('a trusted root that is not one is the trusted-root input error (exit 2), nothing copied', async () => {
    const src = await registry();
    const dest = await registry();
    await staged(src, '3.0.0', false);
    const { error } = await promoteKeyless(src, dest, '3.0.0', {
      'verify-identity': SUB,
      'verify-oidc-issuer': ISSUER,
      'trusted-root': join(dir, 'absent.json'),
    });
    expect(error).toBeInstanceOf(ConfigError);
    expect(exitCodeFor(error)).toBe(2);
    expect((error as ConfigError).issues).toEqual([{ input: 'trusted-root', message: expect.stringMatching(/cannot read .*absent.json \(ENOENT\)/) }]);
    expect(dest.requests).toEqual([]);
  }, 60_000);
});
