/** `hoist inspect REF [--raw manifest|config] [--platform OS/ARCH] [--key PATH]... [--json]`: the registry's record of an image. */
import { nodeFiles, type Files } from '../../effects/files.js';
import { describeInspected, inspectImage, platformManifest, readConfig, rootManifest, type Inspected } from '../../maintain/inspect.js';
import type { RegistryClient } from '../../registry/client.js';
import type { Reference } from '../../core/reference.js';

export interface InspectCommand {
  verb: 'inspect';
  ref: Reference;
  raw?: 'manifest' | 'config';
  platform?: string;
  /** `--key`: public keys (paths, relative to the working directory) the signatures are verified against. */
  keys?: string[];
}

export interface InspectOut {
  print: (text: string) => void;
  /** The registry's bytes exactly as served (a digest can be checked with sha256sum). */
  raw: (bytes: Buffer) => void;
}

export async function runInspect(
  client: RegistryClient,
  c: InspectCommand,
  json: boolean,
  out: InspectOut,
  files: Pick<Files, 'readText'> = nodeFiles,
): Promise<number> {
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
  if (c.keys?.length) await verifyListed(client, c, inspected, files);
  out.print(json ? JSON.stringify(inspected, null, 2) : describeInspected(inspected));
  return 0;
}

/** With --key: each listed `.sig` judged (sign/verify.ts through trust/gate.ts); keys read before any request. */
async function verifyListed(client: RegistryClient, c: InspectCommand, inspected: Inspected, files: Pick<Files, 'readText'>): Promise<void> {
  const { readSigners, verifyDigest, whyNotVerified, describeSigners } = await import('../../trust/gate.js');
  const signers = await readSigners(files, c.keys!.join('\n'), '--key', process.cwd());
  for (const entry of inspected.signatures) {
    if (entry.kind !== 'sig') continue;
    const result = await verifyDigest(client, c.ref.path, entry.subject, signers);
    if (result.verified.length) entry.verified = describeSigners(result, signers);
    else entry.notVerified = whyNotVerified(result);
  }
}
