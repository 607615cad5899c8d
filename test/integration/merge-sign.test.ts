// `hoist merge --sign key` on the shipped CLI (dist/cli.js) against the lab's plain registry: two
// platform images pushed by digest (as the platforms' build jobs push them), joined into one index,
// which is signed with each of its platform manifests once it and its tags are in place; then
// `hoist verify --key` — the reader a deploy job runs — checks the tag and each platform by digest.
//
// Property: a merged multi-platform release is signed as a single build's is (cosign sign
// --recursive): every manifest of it verifies with the key's public half, none with another key;
// the key never reaches the output. Nearest real-world variant: a release workflow whose matrix
// builds linux/amd64 and linux/arm64 on native runners with push-by-digest, and whose merge job
// signs with the team's cosign.key so that `cosign verify --key cosign.pub ghcr.io/acme/app:1.4.0`
// passes for the tag users pull.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRepository } from '../../src/core/reference.js';
import { pushGraph } from '../../src/push/engine.js';
import { RegistryClient } from '../../src/registry/client.js';
import { testImage } from '../support/images.js';
import { hoist, lab, leaks, run, skopeoDigest, uniqueRepo } from './lab.js';
import { pkcs8Pair } from '../support/pkcs8-pair.js';

const { plain } = lab().registries;
const insecure = ['--insecure-registries', plain.host];
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hoist-merge-sign-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A platform's image in `path` of the plain registry, by digest (no tag), as push-by-digest leaves it. */
async function pushedByDigest(path: string, arch: string): Promise<string> {
  const image = testImage([20_000 + arch.length], undefined, arch);
  const client = new RegistryClient({ host: plain.host, insecure: true, retries: 2, userAgent: 'hoist-merge-sign-test' });
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

describe('hoist merge --sign key (dist)', () => {
  it('signs the merged index and each platform manifest: hoist verify --key exits 0 for each, 1 with another key', async () => {
    const [signer, stranger] = [await pkcs8Pair(dir, 'signer'), await pkcs8Pair(dir, 'stranger')];
    const parts = uniqueRepo('merge-sign/parts');
    const repo = `${plain.host}/${uniqueRepo('merge-sign/app')}`;
    const amd = await pushedByDigest(parts, 'amd64');
    const arm = await pushedByDigest(parts, 'arm64');
    const r = await hoist(
      [
        'merge',
        '--sources',
        `${plain.host}/${parts}@${amd},${plain.host}/${parts}@${arm}`,
        '--images',
        repo,
        '--version',
        '1.4.0',
        '--sign',
        'key',
        '--signing-key-file',
        signer.key,
        ...insecure,
        '--json',
      ],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    const { digest, signatures } = (JSON.parse(r.stdout) as { outputs: { digest: string; signatures: string[] } }).outputs;
    expect(await skopeoDigest(`${repo}:1.4.0`)).toBe(digest);
    expect(signatures).toEqual([digest, amd, arm].map((d) => `${repo}:${d.replace(':', '-')}.sig`));
    const key = await readFile(signer.key, 'utf8');
    expect(key.split('\n').filter((l) => l.length > 20 && leaks(r.stdout + r.stderr, l))).toEqual([]);

    for (const ref of [`${repo}:1.4.0`, `${repo}@${amd}`, `${repo}@${arm}`]) {
      const ok = await hoist(['verify', ref, '--key', signer.pub, ...insecure], { cwd: dir });
      expect([ok.code, ok.stderr], ref).toEqual([0, '']);
      expect(ok.stdout).toContain(`signed by ${signer.pub}`);
      const other = await hoist(['verify', ref, '--key', stranger.pub, ...insecure], { cwd: dir });
      expect(other.code, ref).toBe(1);
    }
  }, 180_000);

  // Property: the key is read before anything is pushed: a wrong password is exit 2 naming
  // signing-key-password, nothing tagged, neither password nor key printed.
  // Nearest real-world variant: COSIGN_PASSWORD rotated in the CI settings, the old cosign.key kept.
  it('a wrong signing-key-password: exit 2 naming it, nothing pushed', async () => {
    const signer = await pkcs8Pair(dir, 'encrypted');
    const encrypted = join(dir, 'encrypted.key');
    await run('openssl', ['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', signer.key, '-out', encrypted, '-passout', 'pass:the-right-one']);
    await writeFile(join(dir, 'password'), 'a-wrong-one\n', { mode: 0o600 });
    const parts = uniqueRepo('merge-sign/parts');
    const repo = `${plain.host}/${uniqueRepo('merge-sign/bad')}`;
    const amd = await pushedByDigest(parts, 'amd64');
    const args = ['merge', '--sources', `${plain.host}/${parts}@${amd}`, '--images', repo, '--version', '1.0.0', '--sign', 'key'];
    const r = await hoist([...args, '--signing-key-file', encrypted, '--signing-key-password-file', join(dir, 'password'), ...insecure], { cwd: dir });
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('signing-key-password')]);
    expect(leaks(r.stdout + r.stderr, 'a-wrong-one')).toBe(false);
    expect(await skopeoDigest(`${repo}:1.0.0`)).toBeUndefined();
  }, 60_000);
});
