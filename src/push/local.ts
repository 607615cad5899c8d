/** `load` and `outputs`: the audited image into the local Docker daemon, and as files. */
import { onDiskFull } from '../oci/disk.js';
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { makeDirs } from '../core/make-dirs.js';
import { Readable } from 'node:stream';
import { dirname } from 'node:path';
import type { Built } from '../builders/stage.js';
import type { Effects } from '../effects/effects.js';
import type { DeliverySettings } from '../inputs/delivery.js';
import { writeDockerArchive, writeOciLayout } from '../oci/export.js';
import { registrySource } from '../oci/graph.js';
import { blobPath, writeBlobStream } from '../oci/layout.js';
import type { RegistryClient } from '../registry/client.js';

/**
 * An OCI layout handed out must be complete: adopted base layers are fetched from the base's
 * registry into it (digest-checked), and their stand-ins left out. An absent one (oci/adopt.ts: the
 * docker path left it in the base's registry) has no stand-in: fetched, it is the layout's own blob.
 */
async function completeLayout(b: Built, clientFor: (host: string) => RegistryClient | undefined, absentOnly = false): Promise<(path: string) => boolean> {
  const standIns = new Set<string>();
  for (const [digest, layer] of b.adopted) {
    if (absentOnly && !layer.absent) continue;
    if (!layer.absent) standIns.add(blobPath(b.layoutDir, layer.standIn.digest));
    if (await exists(blobPath(b.layoutDir, digest))) continue;
    const client = clientFor(layer.origin.host);
    if (!client) throw new Error(`outputs: the base layer ${digest} is in ${layer.origin.host}/${layer.origin.path}, which Hoist has no client for`);
    const size = b.graph.blobs.find((x) => x.digest === digest)?.size ?? 0;
    const written = await writeBlobStream(b.layoutDir, Readable.from(await registrySource(client, layer.origin.path).open(digest, 0, size)));
    if (written.digest !== digest) throw new Error(`outputs: ${layer.origin.host}/${layer.origin.path} served ${written.digest} for the base layer ${digest}`);
  }
  return (path) => standIns.has(path);
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

export async function deliverLocally(
  fx: Pick<Effects, 'platform' | 'exec'>,
  delivery: DeliverySettings,
  b: Built,
  builder: string,
  clientFor: (host: string) => RegistryClient | undefined = () => undefined,
): Promise<void> {
  const { platform, exec } = fx;
  const names = b.localTags;
  if (delivery.load && builder === 'docker') platform.info(`load: the image is in the Docker daemon already, as ${names.join(', ')}`);
  else if (delivery.load) {
    await completeLayout(b, clientFor, true); // a Docker archive reads an absent base layer from the layout too
    const load = exec.sink('docker', ['load'], { env: platform.context.env });
    await Promise.all([writeDockerArchive(b.layoutDir, b.graph, names, load.stdin, b.adopted), load.done]);
    platform.info(`load: loaded into the Docker daemon as ${names.join(', ')}`);
  }
  for (const spec of delivery.outputs) {
    if (spec.type === 'docker') {
      await completeLayout(b, clientFor, true);
      await makeDirs(dirname(spec.dest));
      await onDiskFull(dirname(spec.dest), `the Docker archive ${spec.dest}`, () =>
        writeDockerArchive(b.layoutDir, b.graph, names, createWriteStream(spec.dest, { mode: 0o644 }), b.adopted),
      );
    } else {
      await writeOciLayout(b.layoutDir, spec, await completeLayout(b, clientFor));
    }
    platform.info(`outputs: ${spec.type === 'docker' ? 'a Docker archive' : `an OCI layout${spec.tar ? ' (tar)' : ''}`} at ${spec.dest}`);
  }
}
