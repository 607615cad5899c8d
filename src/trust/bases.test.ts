// base-signers: which images are checked (the list the base-image policy reads), how the Dockerfile
// is pinned to the digest verified, and the build pipeline driven between in-process registries
// with signatures made by openssl (test/support/openssl-cosign.ts), not by Hoist's signer.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FindingError, type ConfigError } from '../core/errors.js';
import { parseReference, parseRepository } from '../core/reference.js';
import { imageUses } from '../plan/dockerfile.js';
import { pushGraph } from '../push/engine.js';
import { RegistryClient } from '../registry/client.js';
import { exitCodeFor } from '../cli/exit.js';
import { build } from '../pipeline/build.js';
import { harness } from '../../test/support/pipeline.js';
import { MemoryRegistry } from '../../test/support/memory-registry.js';
import { releaseImage } from '../../test/support/releases.js';
import { opensslKey, opensslSign, pushSignatures, simpleSigning, type OpensslKey } from '../../test/support/openssl-cosign.js';
import { basesToVerify, pinOnLine } from './bases.js';

describe('basesToVerify', () => {
  /**
   * Property: every image the build can pull is checked — the same list as the policy's — and a
   * name that is a local build context is not an image. Nearest real-world variant: a multi-stage
   * Dockerfile with a builder image, a COPY --from of a tools image, a cache mount from another, a
   * pinned syntax frontend, and a named context overriding one name with a golden image.
   */
  it('lists FROM, COPY --from, RUN --mount from, the syntax frontend and docker-image:// contexts; stages and local contexts are not images', () => {
    const dockerfile = [
      '# syntax=registry.acme/frontends/dockerfile:1.7',
      'FROM registry.acme/golden/node:20 AS build',
      'COPY --from=registry.acme/tools/jq:1.7 /jq /usr/bin/jq',
      'RUN --mount=type=cache,from=registry.acme/cache/npm:1,target=/c true',
      'COPY --from=assets /a /a',
      'FROM base AS final',
      'COPY --from=build /app /app',
    ].join('\n');
    const uses = imageUses(dockerfile, []);
    const out = basesToVerify(uses, [
      ['assets', './assets'],
      ['base', 'docker-image://registry.acme/golden/distroless:12'],
    ]);
    expect(out.map((b) => `${b.via} ${b.ref}`).sort()).toEqual(
      [
        'FROM registry.acme/golden/node:20',
        'COPY --from registry.acme/tools/jq:1.7',
        'RUN --mount from registry.acme/cache/npm:1',
        '# syntax= registry.acme/frontends/dockerfile:1.7',
        'build context base: registry.acme/golden/distroless:12',
      ].sort(),
    );
  });
});

describe('pinOnLine', () => {
  /**
   * Property: only the reference's own word changes, wherever the line spells it (after FROM and its
   * flags, after --from=, from=, syntax=, in JSON quotes); a reference that is only a prefix of a
   * longer word is left alone. Nearest real-world variant: `FROM --platform=$BUILDPLATFORM
   * node:20 AS build` next to `node:20-slim`.
   */
  const pin = 'registry.acme/x/node:20@sha256:' + 'a'.repeat(64);
  const cases: Array<[string, string, string | undefined]> = [
    ['FROM registry.acme/x/node:20', 'registry.acme/x/node:20', `FROM ${pin}`],
    ['FROM --platform=$BUILDPLATFORM registry.acme/x/node:20 AS build', 'registry.acme/x/node:20', `FROM --platform=$BUILDPLATFORM ${pin} AS build`],
    ['COPY --from=registry.acme/x/node:20 /a /b', 'registry.acme/x/node:20', `COPY --from=${pin} /a /b`],
    ['RUN --mount=type=bind,from=registry.acme/x/node:20,target=/n true', 'registry.acme/x/node:20', `RUN --mount=type=bind,from=${pin},target=/n true`],
    ['# syntax=registry.acme/x/node:20', 'registry.acme/x/node:20', `# syntax=${pin}`],
    ['FROM registry.acme/x/node:20-slim', 'registry.acme/x/node:20', undefined],
    ['FROM ${BASE}', 'registry.acme/x/node:20', undefined],
  ];
  for (const [line, ref, want] of cases)
    it(`${line} → ${want ?? 'not pinned'}`, () => {
      const text = `ARG BASE=x\n${line}\nRUN true`;
      expect(pinOnLine(text, 2, ref, pin)).toBe(want === undefined ? undefined : `ARG BASE=x\n${want}\nRUN true`);
    });
  it('pins the occurrence that is a whole word when a prefix of it comes first on the line', () => {
    expect(pinOnLine('COPY --from=r.io/a:1 --chown=r.io/a:1-x /x /y', 1, 'r.io/a:1', 'P')).toBe('COPY --from=P --chown=r.io/a:1-x /x /y');
  });
});

describe('build with base-signers', () => {
  /**
   * Property: the build starts only when every base carries a signature a given key verifies, over
   * the digest its tag resolves to, and then builds on that digest. Nearest real-world variant:
   * golden images signed by a platform team's key in an internal registry; a team's Dockerfile
   * uses one of them and, by mistake or by attack, another image no one signed.
   */
  const registries: MemoryRegistry[] = [];
  afterEach(async () => {
    await Promise.all(registries.splice(0).map((r) => r.close()));
  });
  let dir: string;
  let golden: OpensslKey;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hoist-keys-'));
    golden = await opensslKey(dir, 'golden');
  });

  async function base(reg: MemoryRegistry, path: string, signed: boolean) {
    const image = releaseImage('1.0.0', path);
    const client = new RegistryClient({ host: reg.host, insecure: true, retries: 0, userAgent: 'test' });
    await pushGraph(image.graph, image.source, [{ repository: parseRepository(`${reg.host}/${path}`), tags: ['1'] }], {
      clientFor: () => client,
      concurrency: 2,
      perHost: 2,
    });
    await client.close();
    const digest = image.graph.root.digest;
    if (signed) {
      const payload = simpleSigning(`${reg.host}/${path}`, digest);
      await pushSignatures(`${reg.host}/${path}`, digest, [{ payload, signature: await opensslSign(golden, payload, dir) }]);
    }
    return digest;
  }

  it('refuses an unsigned base before anything is built, naming it and its line; builds on the digest of a signed one', async () => {
    const reg = await MemoryRegistry.start();
    registries.push(reg);
    const signedDigest = await base(reg, 'golden/node', true);
    const unsignedDigest = await base(reg, 'other/tools', false);
    const inputs = { images: `${reg.host}/team/app`, push: 'false', 'base-signers': golden.publicPem, 'insecure-registries': reg.host };
    const refused = await harness(inputs, { dockerfile: `FROM ${reg.host}/golden/node:1\nCOPY --from=${reg.host}/other/tools:1 /t /t\n` });
    const e = await build(refused.fx).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FindingError);
    expect(exitCodeFor(e)).toBe(1);
    expect((e as Error).message).toContain(`Dockerfile:2: COPY --from ${reg.host}/other/tools:1 (${unsignedDigest}): unsigned`);
    expect((e as Error).message).not.toContain('golden/node');
    expect(refused.builder.plans).toEqual([]);

    // A private key where the signers' public keys belong: refused before anything runs, never shown.
    const privateKey = await readFile(golden.privatePath, 'utf8');
    const leaked = await harness({ ...inputs, 'base-signers': privateKey }, { dockerfile: `FROM ${reg.host}/golden/node:1\n` });
    const requests = reg.requests.length;
    const e2 = await build(leaked.fx).catch((x: unknown) => x);
    expect((e2 as ConfigError).issues).toEqual([
      { input: 'base-signers', message: expect.stringMatching(/holds a private key: give the signers' public keys/) },
    ]);
    expect(leaked.platform.log()).not.toContain(privateKey.split('\n')[1]!);
    expect(reg.requests.length).toBe(requests);

    let built = '';
    const accepted = await harness(inputs, {
      dockerfile: `FROM ${reg.host}/golden/node:1\nRUN true\n`,
      during: async (plan) => void (built = await readFile(plan.file, 'utf8')),
    });
    await build(accepted.fx);
    expect(built).toBe(`FROM ${reg.host}/golden/node:1@${signedDigest}\nRUN true\n`);
    expect(accepted.platform.log()).toContain(`Base ${reg.host}/golden/node:1 verified at ${signedDigest}: key ${golden.fingerprint}`);
    expect(parseReference(built.split('\n')[0]!.slice(5)).digest).toBe(signedDigest);
  });
});
