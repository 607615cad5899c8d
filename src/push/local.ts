/** `load` and `outputs`: the audited image into the local Docker daemon, and as files. */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Built } from '../builders/stage.js';
import type { Effects } from '../effects/effects.js';
import type { DeliverySettings } from '../inputs/delivery.js';
import { writeDockerArchive, writeOciLayout } from '../oci/export.js';

export async function deliverLocally(fx: Pick<Effects, 'platform' | 'exec'>, delivery: DeliverySettings, b: Built, builder: string): Promise<void> {
  const { platform, exec } = fx;
  const names = b.localTags;
  if (delivery.load && builder === 'docker') platform.info(`load: the image is in the Docker daemon already, as ${names.join(', ')}`);
  else if (delivery.load) {
    const load = exec.sink('docker', ['load'], { env: platform.context.env });
    await Promise.all([writeDockerArchive(b.layoutDir, b.graph, names, load.stdin), load.done]);
    platform.info(`load: loaded into the Docker daemon as ${names.join(', ')}`);
  }
  for (const spec of delivery.outputs) {
    if (spec.type === 'docker') {
      await mkdir(dirname(spec.dest), { recursive: true });
      await writeDockerArchive(b.layoutDir, b.graph, names, createWriteStream(spec.dest, { mode: 0o644 }));
    } else {
      await writeOciLayout(b.layoutDir, spec);
    }
    platform.info(`outputs: ${spec.type === 'docker' ? 'a Docker archive' : `an OCI layout${spec.tar ? ' (tar)' : ''}`} at ${spec.dest}`);
  }
}
