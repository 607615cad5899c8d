// Signed images only, through the shipped CLI (dist/cli.js) against the lab's registries and daemon:
// promote --require-signature refuses an unsigned image, one signed by another key, a signature over
// another digest and a payload changed after signing (exit 1, nothing at the destination), and
// copies a properly signed image with its .sig — read back at the destination by skopeo and checked
// by openssl, the independent reader. base-signers refuses an unsigned base before anything is built
// and builds on the signed one by digest; that build signs with Hoist's own `sign: key`, and the
// promotion of its image verifies that signature.
//
// Property: no image reaches a destination, and no build starts on a base, unless a signature over
// its very digest verifies with a key the step was given. Nearest real-world variant: staging →
// production promotion gated on `cosign sign --key` in CI, golden base images signed by a platform
// team, and an attacker with push rights to staging or to a base repository.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseRepository } from '../../src/core/reference.js';
import { pushGraph } from '../../src/push/engine.js';
import { RegistryClient } from '../../src/registry/client.js';
import { releaseImage } from '../support/releases.js';
import { opensslKey, opensslSign, opensslVerifies, pushSignatures, simpleSigning, type OpensslKey } from '../support/openssl-cosign.js';
import { hoist, lab, ROOT, run, runAction, skopeoDigest, uniqueRepo } from './lab.js';

const plain = () => lab().registries.plain.host;
let dir: string;
let signer: OpensslKey;
let stranger: OpensslKey;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hoist-sign-trust-'));
  signer = await opensslKey(dir, 'signer');
  stranger = await opensslKey(dir, 'stranger');
});

/** A one-layer image pushed to `repository:tag` with Hoist's engine; its digest. */
async function pushImage(repository: string, tag: string): Promise<string> {
  const image = releaseImage(tag, uniqueRepo('rev'));
  const repo = parseRepository(repository);
  const client = new RegistryClient({ host: repo.host, insecure: true, retries: 0, userAgent: 'hoist-test' });
  try {
    const [r] = await pushGraph(image.graph, image.source, [{ repository: repo, tags: [tag] }], { clientFor: () => client, concurrency: 2, perHost: 2 });
    if (r?.error) throw r.error;
  } finally {
    await client.close();
  }
  return image.graph.root.digest;
}

const promoteArgs = (source: string, destination: string, key: string) => [
  'promote',
  '--source',
  source,
  '--destinations',
  destination,
  '--require-signature',
  'true',
  '--verify-key',
  key,
  '--insecure-registries',
  plain(),
];

describe('promote --require-signature (dist/cli.js)', () => {
  const refusals: Array<[string, (repo: string, digest: string, other: string) => Promise<void>, RegExp]> = [
    ['an unsigned image', async () => undefined, /is not promoted: unsigned: no signature/],
    [
      'an image signed by another key',
      async (repo, digest) => {
        const payload = simpleSigning(repo, digest);
        await pushSignatures(repo, digest, [{ payload, signature: await opensslSign(stranger, payload, dir) }]);
      },
      /is not promoted: signed by another key or tampered: the signature does not verify with the key given/,
    ],
    [
      "a signature over another digest (another image's .sig copied under this one's tag)",
      async (repo, digest, other) => {
        const payload = simpleSigning(repo, other);
        await pushSignatures(repo, digest, [{ payload, signature: await opensslSign(signer, payload, dir) }]);
      },
      /is not promoted: signature over another digest: signed by sha256:[0-9a-f]+, but for another image: sha256:/,
    ],
    [
      'a payload changed after signing (its digest rewritten to this image)',
      async (repo, digest, other) => {
        const signed = simpleSigning(repo, other);
        const signature = await opensslSign(signer, signed, dir);
        const tampered = Buffer.from(signed.toString('utf8').replace(other, digest));
        expect(await opensslVerifies(signer, tampered, signature, dir)).toBe(false);
        await pushSignatures(repo, digest, [{ payload: tampered, signature }]);
      },
      /is not promoted: signed by another key or tampered/,
    ],
  ];
  for (const [name, sign, reason] of refusals)
    it(`refuses ${name}: exit 1, one error line naming the digest, nothing at the destination`, async () => {
      const repo = `${plain()}/${uniqueRepo('staging/app')}`;
      const digest = await pushImage(repo, '1.0.0');
      const other = await pushImage(repo, '0.9.0');
      await sign(repo, digest, other);
      const dest = `${plain()}/${uniqueRepo('prod/app')}`;
      const r = await hoist(promoteArgs(`${repo}:1.0.0`, dest, signer.publicPath), { cwd: dir });
      expect(r.code).toBe(1);
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(`${repo}@${digest} is not promoted`);
      expect(errors[0]).toMatch(reason);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(await skopeoDigest(`${dest}:1.0.0`)).toBeUndefined();
      expect(await skopeoDigest(`${dest}@${digest}`)).toBeUndefined();
      expect(await skopeoDigest(`${dest}:${digest.replace(':', '-')}.sig`)).toBeUndefined();
    });

  it('copies a signed image with its .sig; the destination payload verifies with openssl; the log names the key', async () => {
    const repo = `${plain()}/${uniqueRepo('staging/app')}`;
    const digest = await pushImage(repo, '2.0.0');
    const payload = simpleSigning(repo, digest);
    const signature = await opensslSign(signer, payload, dir);
    await pushSignatures(repo, digest, [{ payload, signature }]);
    const dest = `${plain()}/${uniqueRepo('prod/app')}`;
    const r = await hoist([...promoteArgs(`${repo}:2.0.0`, dest, `${stranger.publicPath}\n${signer.publicPath}`), '--json'], { cwd: dir });
    expect(r.stderr).not.toMatch(/^error:/m);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`Signature verified: ${digest} by key ${signer.fingerprint}`);
    expect(await skopeoDigest(`${dest}:2.0.0`)).toBe(digest);
    // The independent reader: the destination's .sig manifest and payload, fetched by skopeo, checked by openssl.
    const sigTag = `${dest}:${digest.replace(':', '-')}.sig`;
    const manifest = JSON.parse(await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${sigTag}`])) as {
      layers: Array<{ digest: string; annotations: Record<string, string> }>;
    };
    const copied = join(dir, uniqueRepo('sig'));
    await run('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${sigTag}`, `dir:${copied}`]);
    const layer = manifest.layers[0]!;
    const bytes = await readFile(join(copied, layer.digest.slice('sha256:'.length)));
    expect(bytes.equals(payload)).toBe(true);
    expect(await opensslVerifies(signer, bytes, layer.annotations['dev.cosignproject.cosign/signature']!, dir)).toBe(true);
  });
});

describe('the promote sub-action (promote/action.yml, dist/index.js)', () => {
  /** Nearest real-world variant: `verify-key: ${{ vars.COSIGN_PUB }}` — the PEM text in a workflow variable, not a file. */
  it('takes verify-key as PEM text, refuses unsigned (result found), and names the signing key in the job summary', async () => {
    const repo = `${plain()}/${uniqueRepo('staging/app')}`;
    const signedDigest = await pushImage(repo, '3.0.0');
    await pushImage(repo, '3.0.1'); // unsigned
    const payload = simpleSigning(repo, signedDigest);
    await pushSignatures(repo, signedDigest, [{ payload, signature: await opensslSign(signer, payload, dir) }]);
    const dest = `${plain()}/${uniqueRepo('prod/app')}`;
    const step = (tag: string) =>
      runAction({
        workspace: dir,
        actionFile: join(ROOT, 'promote/action.yml'),
        inputs: { source: `${repo}:${tag}`, destinations: dest, 'require-signature': 'true', 'verify-key': signer.publicPem, 'insecure-registries': plain() },
      });
    const refused = await step('3.0.1');
    expect(refused.exitCode).toBe(1);
    expect(refused.outputs.result).toBe('found');
    expect(refused.errors).toEqual([expect.stringMatching(/is not promoted: unsigned: no signature/)]);
    expect(await skopeoDigest(`${dest}:3.0.1`)).toBeUndefined();
    const promoted = await step('3.0.0');
    expect(promoted.errors).toEqual([]);
    expect(promoted.outputs.digest).toBe(signedDigest);
    expect(promoted.summary).toContain(`Signed: \`${signedDigest}\` by key ${signer.fingerprint} (verify-key), signed as ${repo}.`);
    expect(promoted.summary).toContain(`Copied along: \`${signedDigest.replace(':', '-')}.sig\`.`);
  }, 120_000);
});

describe('base-signers and sign: key (dist/cli.js, the lab daemon)', () => {
  it('refuses an unsigned base before the build; builds on the signed base by digest, signs, and that image promotes with require-signature', async () => {
    const baseRepo = `${plain()}/${uniqueRepo('golden/busybox')}`;
    const { baseImage } = lab();
    await run('skopeo', [
      'copy',
      '--quiet',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      `docker://${plain()}/${baseImage.repository}:${baseImage.tag}`,
      `docker://${baseRepo}:1.36`,
    ]);
    const baseDigest = (await skopeoDigest(`${baseRepo}:1.36`))!;
    const ws = await mkdtemp(join(tmpdir(), 'hoist-ws-'));
    await writeFile(join(ws, 'Dockerfile'), `FROM ${baseRepo}:1.36\nRUN echo signed-base > /origin\n`);
    const image = `${plain()}/${uniqueRepo('team/app')}`;
    const buildArgs = ['build', '--images', image, '--version', '1.0.0', '--insecure-registries', plain(), '--base-signers', signer.publicPath];

    // Unsigned: refused before any builder runs.
    const refused = await hoist(buildArgs, { cwd: ws });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`Dockerfile:1: FROM ${baseRepo}:1.36 (${baseDigest}): unsigned`);
    expect(refused.stderr).not.toMatch(/Builder:|Building/);
    expect(await skopeoDigest(`${image}:1.0.0`)).toBeUndefined();

    // Signed by the platform team's key: built on exactly that digest, and signed by Hoist itself.
    const payload = simpleSigning(baseRepo, baseDigest);
    await pushSignatures(baseRepo, baseDigest, [{ payload, signature: await opensslSign(signer, payload, dir) }]);
    const teamKey = await opensslKey(dir, 'team');
    const built = await hoist([...buildArgs, '--sign', 'key', '--json'], { cwd: ws, env: { HOIST_SIGNING_KEY: await readFile(teamKey.privatePath, 'utf8') } });
    expect(built.stderr).not.toMatch(/^error:/m);
    expect(built.code).toBe(0);
    expect(built.stderr).toContain(`Base ${baseRepo}:1.36 verified at ${baseDigest}: key ${signer.fingerprint}`);
    const digest = (JSON.parse(built.stdout) as { outputs: { digest: string } }).outputs.digest;
    const inspect = JSON.parse(await run('skopeo', ['inspect', '--tls-verify=false', `docker://${image}@${digest}`])) as { Labels: Record<string, string> };
    expect(inspect.Labels['org.opencontainers.image.base.digest']).toBe(baseDigest);

    // Hoist's own signature verifies for the promotion, with the team's key and not the platform's.
    const dest = `${plain()}/${uniqueRepo('prod/app')}`;
    const wrong = await hoist(promoteArgs(`${image}:1.0.0`, dest, signer.publicPath), { cwd: dir });
    expect(wrong.code).toBe(1);
    const promoted = await hoist(promoteArgs(`${image}:1.0.0`, dest, teamKey.publicPath), { cwd: dir });
    expect(promoted.stderr).not.toMatch(/^error:/m);
    expect(promoted.code).toBe(0);
    expect(await skopeoDigest(`${dest}:1.0.0`)).toBe(digest);
    expect(await skopeoDigest(`${dest}:${digest.replace(':', '-')}.sig`)).toBeDefined();

    // hoist inspect lists the .sig and, with --key, says it verifies.
    const listed = await hoist(['inspect', `${dest}:1.0.0`, '--insecure-registries', plain(), '--key', teamKey.publicPath], { cwd: dir });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`${digest.replace(':', '-')}.sig  1 signature (image)`);
    expect(listed.stdout).toContain(`verified: key ${teamKey.fingerprint}`);
  }, 300_000);
});
