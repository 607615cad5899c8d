// base-signers keyless: `base-signers-identity` + `base-signers-oidc-issuer` under `trusted-root`, the
// build pipeline driven between in-process registries, the bases signed by Hoist's keyless signer
// against STAND-INS of Fulcio and Rekor (@sigstore/mock on loopback, test/support/sigstore-standins.ts).
//
// Property: a build whose bases carry keyless signatures by the trusted identity builds on their
// digests; a base signed by another identity, or unsigned, stops the build before anything is built,
// naming the base, its line and why; the keyless inputs incomplete are the input error naming them.
// Nearest real-world variant: a platform team's golden images signed in GitLab CI
// (project_path:platform/golden…) and application builds that must start FROM them.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FindingError, type ConfigError } from '../core/errors.js';
import { parseRepository } from '../core/reference.js';
import { exitCodeFor } from '../cli/exit.js';
import { build } from '../pipeline/build.js';
import { pushGraph } from '../push/engine.js';
import { RegistryClient } from '../registry/client.js';
import { attachKeylessSignature } from '../sign/keyless.js';
import { harness } from '../../test/support/pipeline.js';
import { MemoryRegistry } from '../../test/support/memory-registry.js';
import { releaseImage } from '../../test/support/releases.js';
import { jwt, startStandins, type Standins } from '../../test/support/sigstore-standins.js';

const ISSUER = 'https://gitlab.example.test';
const GOLDEN = 'project_path:platform/golden:ref_type:branch:ref:main';
let s: Standins;
let reg: MemoryRegistry;
let dir: string;
let root: string;
beforeAll(async () => {
  s = await startStandins();
  reg = await MemoryRegistry.start();
  dir = await mkdtemp(join(tmpdir(), 'hoist-bases-keyless-'));
  root = await s.writeRoot(join(dir, 'trusted_root.json'));
});
afterAll(async () => {
  s.close();
  await reg.close();
  await rm(dir, { recursive: true, force: true });
});

/** An image pushed as `path:1`, signed keyless by `sub` unless undefined. */
async function base(path: string, sub: string | undefined): Promise<string> {
  const image = releaseImage('1.0.0', path);
  const client = new RegistryClient({ host: reg.host, insecure: true, retries: 0, userAgent: 'test' });
  try {
    await pushGraph(image.graph, image.source, [{ repository: parseRepository(`${reg.host}/${path}`), tags: ['1'] }], {
      clientFor: () => client,
      concurrency: 2,
      perHost: 2,
    });
    if (sub)
      await attachKeylessSignature(client, path, `${reg.host}/${path}`, image.graph.root.digest, {
        fulcioUrl: s.fulcio.url,
        rekorUrl: s.rekor.url,
        token: jwt({ iss: ISSUER, sub, aud: 'sigstore' }),
      });
  } finally {
    await client.close();
  }
  return image.graph.root.digest;
}

describe('base-signers keyless', () => {
  it('builds on the digest of a base the identity signed; refuses one by another identity and an unsigned one, naming each line', async () => {
    const golden = await base('golden/node', GOLDEN);
    const stranger = await base('other/tools', 'project_path:someone/else:ref_type:branch:ref:main');
    const unsigned = await base('other/cache', undefined);
    const inputs = {
      images: `${reg.host}/team/app`,
      push: 'false',
      'base-signers-identity': '/^project_path:platform\\/golden:/',
      'base-signers-oidc-issuer': ISSUER,
      'trusted-root': root,
      'insecure-registries': reg.host,
    };
    const refused = await harness(inputs, {
      dockerfile: `FROM ${reg.host}/golden/node:1\nCOPY --from=${reg.host}/other/tools:1 /t /t\nRUN --mount=from=${reg.host}/other/cache:1,target=/c true\n`,
    });
    const e = await build(refused.fx).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FindingError);
    expect(exitCodeFor(e)).toBe(1);
    const message = (e as Error).message;
    expect(message).toMatch(/^base-signers: 2 images the build would use carry no signature the keyless signer verifies; nothing was built/);
    expect(message).toContain(
      `Dockerfile:2: COPY --from ${reg.host}/other/tools:1 (${stranger}): wrong identity: the certificate is for 'project_path:someone/else`,
    );
    expect(message).toContain(`Dockerfile:3: RUN --mount from ${reg.host}/other/cache:1 (${unsigned}): unsigned`);
    expect(message).not.toContain('golden/node');
    expect(refused.builder.plans).toEqual([]);

    let built = '';
    const accepted = await harness(inputs, {
      dockerfile: `FROM ${reg.host}/golden/node:1\nRUN true\n`,
      during: async (plan) => void (built = await readFile(plan.file, 'utf8')),
    });
    await build(accepted.fx);
    expect(built).toBe(`FROM ${reg.host}/golden/node:1@${golden}\nRUN true\n`);
    expect(accepted.platform.log()).toContain(`Base ${reg.host}/golden/node:1 verified at ${golden}: keyless ${GOLDEN} (issuer ${ISSUER})`);
  }, 120_000);

  it('an identity without its issuer or trusted root, or a root alone, is the input error naming what is missing, before any request', async () => {
    const requests = reg.requests.length;
    const cases: Array<[Record<string, string>, Array<{ input: string; message: unknown }>]> = [
      [
        { 'base-signers-identity': GOLDEN },
        [
          { input: 'base-signers-oidc-issuer', message: expect.stringMatching(/^is missing: keyless verification needs both/) },
          { input: 'trusted-root', message: expect.stringMatching(/^is missing: give the path of the Sigstore deployment's trusted_root.json/) },
        ],
      ],
      [{ 'base-signers-oidc-issuer': ISSUER, 'trusted-root': root }, [{ input: 'base-signers-identity', message: expect.stringMatching(/^is missing/) }]],
      [
        { 'trusted-root': root },
        [{ input: 'base-signers-identity', message: expect.stringMatching(/trusted-root is given but not whose keyless signatures/) }],
      ],
      [
        { 'base-signers-identity': '/(/', 'base-signers-oidc-issuer': ISSUER, 'trusted-root': root },
        [{ input: 'base-signers-identity', message: expect.stringMatching(/^'\(' is not a regular expression/) }],
      ],
    ];
    for (const [given, issues] of cases) {
      const h = await harness(
        { images: `${reg.host}/team/app`, push: 'false', 'insecure-registries': reg.host, ...given },
        { dockerfile: `FROM ${reg.host}/golden/node:1\n` },
      );
      const e = await build(h.fx).catch((x: unknown) => x);
      expect(exitCodeFor(e)).toBe(2);
      expect((e as ConfigError).issues).toEqual(issues);
    }
    expect(reg.requests.length).toBe(requests);
  }, 60_000);
});
