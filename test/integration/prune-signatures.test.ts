// Property: prune never deletes a signature, an attestation, an SBOM or a referrer, whatever the
// glob and flags — cosign's tag names, the referrers fallback tag, and manifests that are signing
// artefacts by their content (a subject, a cosign or DSSE media type) — and never latest or a
// release from a glob alone. Real-world variant: cosign sign / attest / attach sbom on a registry
// without the referrers API, then `hoist tags prune --match '*'` (or the prune sub-action).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hoist, lab, run, uniqueRepo } from './lab.js';

const plainArgs = () => ['--insecure-registries', lab().registries.plain.host];
const listTags = async (ref: string) =>
  ((JSON.parse(await run('skopeo', ['list-tags', '--tls-verify=false', `docker://${ref}`])) as { Tags: string[] }).Tags ?? []).sort();

async function pushImage(repo: string, tags: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-prune-'));
  await writeFile(join(dir, 'Dockerfile'), `FROM ${lab().registries.plain.host}/lab/busybox:1.36\nRUN echo ${Math.random()} > /content\n`);
  const r = await hoist(['build', '--images', repo, ...tags.flatMap((t) => ['--tags', t]), '--auto-tags', 'none', ...plainArgs(), '--json'], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { outputs: { digest: string } }).outputs.digest;
}

/** A manifest put by tag, as cosign or oras would, straight through the registry API. */
async function putManifest(repo: string, tag: string, manifest: object): Promise<void> {
  const [host, ...path] = repo.split('/');
  const res = await fetch(`http://${host}/v2/${path.join('/')}/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
    body: JSON.stringify(manifest),
  });
  expect(res.status, await res.text()).toBe(201);
}

describe('prune and signatures', () => {
  it('keeps every signature, attestation, SBOM and referrer, and latest and releases, under the widest glob', async () => {
    const repo = `${lab().registries.plain.host}/${uniqueRepo('prune/signed')}`;
    const digest = await pushImage(repo, ['1.0.0', 'latest', 'sha-aaaaaaa']);
    await pushImage(repo, ['sha-bbbbbbb']);
    const [host, ...path] = repo.split('/');
    const image = (await (
      await fetch(`http://${host}/v2/${path.join('/')}/manifests/${digest}`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } })
    ).json()) as { config: object; layers: Array<{ mediaType: string }> };
    const hex = digest.slice('sha256:'.length);
    const as = (layerType: string, extra: object = {}) => ({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: image.config,
      layers: image.layers.map((l) => ({ ...l, mediaType: layerType })),
      ...extra,
    });
    await putManifest(repo, `sha256-${hex}.sig`, as('application/vnd.dev.cosign.simplesigning.v1+json'));
    await putManifest(repo, `sha256-${hex}.att`, as('application/vnd.dsse.envelope.v1+json'));
    await putManifest(repo, `sha256-${hex}.sbom`, as('application/spdx+json'));
    await putManifest(repo, `sha256-${hex}`, as('application/vnd.oci.image.layer.v1.tar+gzip')); // the referrers fallback tag (its name is the class)
    await putManifest(
      repo,
      'signed-by-notation',
      as('application/vnd.oci.image.layer.v1.tar+gzip', { subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 1 } }),
    );
    await putManifest(repo, 'provenance', as('application/vnd.in-toto+json'));
    const signatures = [`sha256-${hex}`, `sha256-${hex}.att`, `sha256-${hex}.sbom`, `sha256-${hex}.sig`, 'provenance', 'signed-by-notation'];

    const cwd = tmpdir();
    const glob = await hoist(['tags', 'prune', repo, '--keep', '0', '--match', '*', '--prune-unknown-age', ...plainArgs()], { cwd });
    expect(glob.code, glob.stderr).toBe(0);
    for (const s of signatures) expect(glob.stderr).toMatch(new RegExp(`keep ${s.replace(/\./g, '\\.')}: .*never pruned`));
    expect(await listTags(repo)).toEqual([...signatures, '1.0.0', 'latest', 'sha-aaaaaaa'].sort()); // sha-aaaaaaa is the release's image

    const widest = await hoist(
      ['tags', 'prune', repo, '--keep', '0', '--match', '*', '--unprotect', 'latest,releases', '--prune-unknown-age', ...plainArgs()],
      { cwd },
    );
    expect(widest.code, widest.stderr).toBe(0);
    expect(await listTags(repo)).toEqual(signatures.sort());
  }, 300_000);
});
