/**
 * The pre-push audit, run on an image that is already somewhere: in a registry (every platform's
 * layers fetched into a private OCI layout first, digests checked) or in an OCI layout directory.
 */
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { auditBuilds, type AuditedImage, type AuditSummary } from '../audit/stage.js';
import type { Reference } from '../core/reference.js';
import type { Effects } from '../effects/effects.js';
import { fetchGraph, layoutGraph, type ImageGraph } from '../oci/graph.js';
import { initLayout, readLayoutRoot, writeBlobStream } from '../oci/layout.js';
import type { RegistryClient } from '../registry/client.js';
import type { NamedSecret } from '../secrets/catalog.js';

/** The most a pushed image's blobs may hold, together, to be fetched to disk for an audit. */
export const AUDIT_FETCH_LIMIT = 32 * 1024 ** 3;

/** Passes a blob's bytes on, failing once more arrive than its descriptor declared. */
const atMost = (limit: number, what: string) => {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      done(seen > limit ? new Error(`${what} sent more than the ${limit} bytes its manifest declares: refused`) : null, chunk);
    },
  });
};

/** A layout (and its graph) holding the image `ref` names, fetched into `dir`: no more bytes than its manifests declare, those within a limit. */
async function fetchLayout(client: RegistryClient, ref: Reference, dir: string, limit = AUDIT_FETCH_LIMIT): Promise<ImageGraph> {
  const graph = await fetchGraph(client, ref.path, ref.digest ?? ref.tag ?? 'latest', 'audit REF');
  const total = graph.blobs.reduce((n, b) => n + b.size, 0);
  if (total > limit) throw new Error(`${client.host}/${ref.path}: its blobs declare ${total} bytes, more than the ${limit} an audit fetches to disk: refused`);
  await initLayout(dir);
  for (const blob of graph.blobs) {
    const where = `${client.host}/${ref.path}: blob ${blob.digest}`;
    const written = await writeBlobStream(dir, await client.fetchBlob(ref.path, blob.digest), atMost(blob.size, where));
    if (written.digest !== blob.digest) throw new Error(`${client.host}/${ref.path}: blob ${blob.digest} arrived as ${written.digest}`);
  }
  return graph;
}

/** What the audit reads of a layout: nothing of it is adopted from a base's registry. */
const audited = (layoutDir: string, graph: ImageGraph): AuditedImage => ({ layoutDir, graph, adopted: new Map() });

export async function auditRegistryImage(
  fx: Pick<Effects, 'platform' | 'redactor'>,
  client: RegistryClient,
  ref: Reference,
  workdir: string,
  secrets: readonly NamedSecret[],
  limit = AUDIT_FETCH_LIMIT,
  strictLimits = false,
): Promise<AuditSummary> {
  const dir = join(workdir, 'image');
  const graph = await fx.platform.group(`Fetch ${ref.registry}/${ref.path}`, () => fetchLayout(client, ref, dir, limit));
  return auditBuilds(fx, 'fail', [audited(dir, graph)], secrets, strictLimits);
}

export async function auditLayoutDir(
  fx: Pick<Effects, 'platform' | 'redactor'>,
  dir: string,
  secrets: readonly NamedSecret[],
  strictLimits = false,
): Promise<AuditSummary> {
  const root = await readLayoutRoot(dir);
  return auditBuilds(fx, 'fail', [audited(dir, await layoutGraph(dir, root))], secrets, strictLimits);
}
