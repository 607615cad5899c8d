/** `hoist inspect REF [--raw manifest|config] [--platform OS/ARCH] [--json]`: the registry's record of an image. */
import { describeInspected, inspectImage, platformManifest, readConfig, rootManifest } from '../../maintain/inspect.js';
import type { RegistryClient } from '../../registry/client.js';
import type { Reference } from '../../core/reference.js';

export interface InspectCommand {
  verb: 'inspect';
  ref: Reference;
  raw?: 'manifest' | 'config';
  platform?: string;
}

export interface InspectOut {
  print: (text: string) => void;
  /** The registry's bytes exactly as served (a digest can be checked with sha256sum). */
  raw: (bytes: Buffer) => void;
}

export async function runInspect(client: RegistryClient, c: InspectCommand, json: boolean, out: InspectOut): Promise<number> {
  if (c.raw === 'manifest') {
    // The root manifest as served; with --platform, that platform's manifest.
    const root = await rootManifest(client, c.ref);
    out.raw(c.platform ? ((await platformManifest(client, c.ref, root, c.platform))?.bytes ?? root.bytes) : root.bytes);
    return 0;
  }
  if (c.raw === 'config') {
    const image = await platformManifest(client, c.ref, await rootManifest(client, c.ref), c.platform);
    const config = image && (JSON.parse(image.bytes.toString('utf8')) as { config?: { digest: string } }).config;
    if (!config) throw new Error(`${c.ref.host}/${c.ref.path}: the image has no config (an index of no images, or an artefact)`);
    out.raw(await readConfig(client, c.ref.path, config.digest));
    return 0;
  }
  const inspected = await inspectImage(client, c.ref, c.platform);
  out.print(json ? JSON.stringify(inspected, null, 2) : describeInspected(inspected));
  return 0;
}
