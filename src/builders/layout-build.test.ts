// Several platforms on the one-platform builders: the emulation each foreign architecture needs
// (refused, with how to get it, only when the Dockerfile runs something), and the index Hoist
// assembles from the platforms' layouts.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeFiles } from '../effects/files.js';
import { assembleIndex } from '../oci/assemble.js';
import { initLayout, MediaType, readLayoutRoot, writeBlobBytes, writeIndex } from '../oci/layout.js';
import { hostPlatform } from '../oci/platform.js';
import { BINFMT_DIR, checkEmulation } from './layout-build.js';

const host = hostPlatform().architecture;
const foreign = host === 'arm64' ? 'amd64' : 'arm64';
const qemu = foreign === 'arm64' ? 'qemu-aarch64' : 'qemu-x86_64';
const filesWith = (entries: Record<string, string>) => ({ readTextIfExists: async (p: string) => entries[p] });

describe('checkEmulation', () => {
  const platforms = [`linux/${host}`, `linux/${foreign}`];
  const dockerfile = 'FROM base\nCOPY a /a\nRUN make \\\n  install\nRUN true\n';

  it('refuses a foreign platform with RUN steps when binfmt_misc has no interpreter, naming the lines and the fixes', async () => {
    const refused = checkEmulation(filesWith({}), 'docker', platforms, dockerfile);
    await expect(refused).rejects.toMatchObject({
      issues: [
        {
          input: 'platforms',
          message: expect.stringMatching(
            new RegExp(
              `^linux/${foreign} on this ${host} machine needs QEMU user emulation for the Dockerfile's RUN steps \\(lines 3, 5\\), and ${BINFMT_DIR} has no ${qemu} entry.*apt-get install qemu-user-static.*tonistiigi/binfmt --install ${foreign}.*push-by-digest: true`,
            ),
          ),
        },
      ],
    });
  });

  it('takes a registered, enabled interpreter; a disabled one is none', async () => {
    const entry = `${BINFMT_DIR}/${qemu}`;
    await expect(
      checkEmulation(filesWith({ [entry]: 'enabled\ninterpreter /usr/bin/qemu\nflags: F\n' }), 'buildah', platforms, dockerfile),
    ).resolves.toBeUndefined();
    await expect(checkEmulation(filesWith({ [entry]: 'disabled\n' }), 'buildah', platforms, dockerfile)).rejects.toThrow(`has no ${qemu} entry`);
  });

  it('builds any platform from a Dockerfile that runs nothing, and leaves BuildKit’s own builders to themselves', async () => {
    await expect(checkEmulation(filesWith({}), 'docker', platforms, 'FROM scratch\nCOPY a /a\n# RUN not this\n')).resolves.toBeUndefined();
    await expect(checkEmulation(filesWith({}), 'buildx', platforms, dockerfile)).resolves.toBeUndefined();
    await expect(checkEmulation(filesWith({}), 'docker', [`linux/${host}`], dockerfile)).resolves.toBeUndefined();
  });

  it('reads the real binfmt_misc on this machine without failing', async () => {
    await expect(checkEmulation(nodeFiles, 'docker', [`linux/${host}`], dockerfile)).resolves.toBeUndefined();
  });
});

/** A one-image layout whose config names `architecture`. */
async function part(architecture: string) {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-part-'));
  await initLayout(dir);
  const config = await writeBlobBytes(dir, Buffer.from(JSON.stringify({ os: 'linux', architecture, rootfs: { type: 'layers', diff_ids: [] } })));
  const bytes = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: { mediaType: MediaType.ociConfig, ...config }, layers: [] }),
  );
  const manifest = await writeBlobBytes(dir, bytes);
  await writeIndex(dir, [{ mediaType: MediaType.ociManifest, ...manifest }]);
  return { dir, digest: manifest.digest };
}

describe('assembleIndex', () => {
  it('writes one index of the parts, in order, with every blob', async () => {
    const [amd, arm] = [await part('amd64'), await part('arm64')];
    const into = await mkdtemp(join(tmpdir(), 'hoist-index-'));
    const descriptor = await assembleIndex(into, [
      { dir: amd.dir, platform: { os: 'linux', architecture: 'amd64' } },
      { dir: arm.dir, platform: { os: 'linux', architecture: 'arm64' } },
    ]);
    const root = await readLayoutRoot(into);
    expect(root.descriptor.digest).toBe(descriptor.digest);
    const index = JSON.parse(root.bytes.toString('utf8')) as { manifests: Array<{ digest: string; platform: unknown }> };
    expect(index.manifests).toMatchObject([
      { digest: amd.digest, platform: { os: 'linux', architecture: 'amd64' } },
      { digest: arm.digest, platform: { os: 'linux', architecture: 'arm64' } },
    ]);
    await expect(readFile(join(into, 'blobs', 'sha256', arm.digest.slice(7)))).resolves.toBeInstanceOf(Buffer);
  });

  it('refuses a part whose image is for another platform than asked, and a platform named twice', async () => {
    const amd = await part('amd64');
    const into = await mkdtemp(join(tmpdir(), 'hoist-index-'));
    await expect(assembleIndex(into, [{ dir: amd.dir, platform: { os: 'linux', architecture: 'arm64' } }])).rejects.toThrow(
      'the linux/arm64 build made an image for linux/amd64',
    );
    const p = { os: 'linux', architecture: 'amd64' };
    await expect(
      assembleIndex(into, [
        { dir: amd.dir, platform: p },
        { dir: amd.dir, platform: p },
      ]),
    ).rejects.toThrow('platforms names linux/amd64 twice');
  });
});
