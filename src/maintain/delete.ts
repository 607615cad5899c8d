/**
 * Deleting tags, and only the tags named. The distribution API deletes manifests by digest, and
 * that removes every tag on the digest: `2.1` shares its digest with `2.1.106`, `2` and `latest`.
 * So a tag whose digest another tag keeps (or an index lists) is first moved to a small manifest of
 * Hoist's own, which is then deleted by its digest — regctl's way; the last tag of a digest
 * deletes the manifest itself. Before anything is changed, Hoist checks that the registry deletes
 * at all (checkDeletes: a delete of no manifest, then a throwaway manifest pushed and deleted by
 * digest), so a registry that refuses deletes is refused whole: nothing is half-deleted. A dry run
 * asks the first question too, and is refused as the real run is.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { isIndex } from '../oci/graph.js';
import { MediaType } from '../oci/layout.js';
import { ConfigError } from '../core/errors.js';
import type { RegistryClient } from '../registry/client.js';
import { RegistryError } from '../registry/errors.js';
import type { TagInfo } from './tags.js';

/** The OCI empty descriptor's content: `{}`. */
const EMPTY = Buffer.from('{}');
const EMPTY_DIGEST = `sha256:${createHash('sha256').update(EMPTY).digest('hex')}`;

export interface DeletePlan {
  tag: string;
  digest: string;
  /** `manifest`: the digest goes (no other tag keeps it); `tag`: only the tag, through a throwaway manifest. */
  how: 'manifest' | 'tag';
  /** The tags (or index) that keep the digest, when only the tag goes. */
  keptBy: string[];
}

/** How each named tag goes, given every tag of the repository (and the indexes among them). */
export async function planDeletes(client: RegistryClient, repository: string, all: readonly TagInfo[], names: readonly string[]): Promise<DeletePlan[]> {
  const going = new Set(names);
  const staying = all.filter((t) => !going.has(t.tag));
  // Digests that an index kept under another tag lists: deleting them would break that index.
  const listedBy = new Map<string, string[]>();
  for (const t of staying.filter((s) => isIndex(s.mediaType))) {
    const index = await client.getManifest(repository, t.digest);
    for (const m of (JSON.parse(index?.bytes.toString('utf8') ?? '{}') as { manifests?: Array<{ digest: string }> }).manifests ?? []) {
      listedBy.set(m.digest, [...(listedBy.get(m.digest) ?? []), `${t.tag} (an index)`]);
    }
  }
  const plans: DeletePlan[] = [];
  for (const name of names) {
    const info = all.find((t) => t.tag === name);
    // A tag that is not there is the command line's error (exit 2, as inspect's), found before anything changed.
    if (!info) throw new ConfigError([{ input: 'tags delete', message: `${client.host}/${repository}:${name}: no such tag (nothing was deleted)` }]);
    const keptBy = [...staying.filter((s) => s.digest === info.digest).map((s) => s.tag), ...(listedBy.get(info.digest) ?? [])];
    // Nothing else keeps the digest: the manifest goes, and with it every named tag on it.
    plans.push({ tag: name, digest: info.digest, how: keptBy.length ? 'tag' : 'manifest', keptBy });
  }
  return plans;
}

/** A manifest of Hoist's own, unique, pointing at the empty blob: the tag is moved onto it, then it is deleted. */
function throwaway(tag: string): { bytes: Buffer; digest: string } {
  const empty = { mediaType: 'application/vnd.oci.empty.v1+json', digest: EMPTY_DIGEST, size: EMPTY.length };
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    artifactType: 'application/vnd.hoist.deleted-tag.v1',
    config: empty,
    layers: [empty],
    annotations: { 'io.hoist.deleted-tag': tag, 'io.hoist.nonce': randomBytes(8).toString('hex') },
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  return { bytes, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}` };
}

/**
 * Asks, changing nothing, whether the registry refuses deletes: a DELETE of a manifest no one has
 * (a random digest). The OCI distribution spec has a registry with deletes off answer 400 or 405
 * (distribution: 405 UNSUPPORTED, whatever the digest), and an unknown manifest 404
 * (MANIFEST_UNKNOWN). The client turns a refusal into its "does not allow deleting manifests"
 * error, thrown here as the real delete would throw it. Returns the status otherwise: 404 says
 * deletes were not refused, yet a registry that looks the digest up before its setting answers 404
 * either way; any other status (401, 403, a 400 with another code) tells nothing.
 */
async function askDeletes(client: RegistryClient, repository: string): Promise<number | undefined> {
  try {
    await client.deleteManifest(repository, `sha256:${randomBytes(32).toString('hex')}`);
    return 202;
  } catch (e) {
    if (!(e instanceof RegistryError) || e.status === undefined || e.status === 405 || e.code === 'UNSUPPORTED') throw e;
    return e.status;
  }
}

/**
 * Checks that the registry deletes manifests, changing nothing the user has. A refusal the
 * read-only question finds is thrown (a dry run says what the real run would); when it finds none,
 * a real run still pushes a throwaway and deletes it by digest — the only sure answer, written
 * only once the registry has not refused outright, so a refusing registry keeps no probe. A dry
 * run writes nothing: it returns what was left unknown, for the caller to say.
 */
export async function checkDeletes(client: RegistryClient, repository: string, o: { dryRun?: boolean } = {}): Promise<string | undefined> {
  const status = await askDeletes(client, repository);
  if (o.dryRun)
    return status === 404 || status === 202
      ? undefined
      : `a dry run cannot tell whether the registry deletes manifests (a delete of no manifest answered ${status}): the real run checks before it changes anything`;
  if (!(await client.hasBlob(repository, EMPTY_DIGEST)))
    await client.uploadBlob(repository, { digest: EMPTY_DIGEST, size: EMPTY.length }, () => Readable.from([EMPTY]));
  const probe = throwaway('(probe)');
  await client.putManifest(repository, probe.digest, probe.bytes, MediaType.ociManifest);
  await client.deleteManifest(repository, probe.digest);
  return undefined;
}

/** Carries out the plans, in order; returns the tags deleted. */
export async function runDeletes(client: RegistryClient, repository: string, plans: readonly DeletePlan[]): Promise<string[]> {
  const done: string[] = [];
  const deletedDigests = new Set<string>();
  for (const p of plans) {
    if (p.how === 'manifest') {
      if (!deletedDigests.has(p.digest)) await client.deleteManifest(repository, p.digest);
      deletedDigests.add(p.digest);
    } else {
      const t = throwaway(p.tag);
      await client.putManifest(repository, p.tag, t.bytes, MediaType.ociManifest);
      await client.deleteManifest(repository, t.digest);
    }
    done.push(p.tag);
  }
  return done;
}
