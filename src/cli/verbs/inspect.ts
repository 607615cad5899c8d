/**
 * `hoist inspect REF [--raw manifest|config] [--platform OS/ARCH] [--key PATH]... [--json]`: the
 * registry's record of an image. The reading and describing load when the verb runs.
 */
import { parseReference, type Reference } from '../../core/reference.js';
import { nodeFiles, type Files } from '../../effects/files.js';
import type { Inspected } from '../../maintain/inspect.js';
import type { RegistryClient } from '../../registry/client.js';
import { UsageError } from '../usage.js';
import { registryVerb } from './registry.js';
import type { Values } from './verb.js';

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
  const { describeInspected, inspectImage, platformManifest, readConfig, rootManifest } = await import('../../maintain/inspect.js');
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

function parse(values: Values, positionals: string[]): InspectCommand {
  if (positionals.length !== 1) throw new UsageError('inspect takes one image reference, e.g. registry.acme/team/app:1.4.2');
  const raw = values.raw as string | undefined;
  if (raw !== undefined && raw !== 'manifest' && raw !== 'config') throw new UsageError(`--raw: '${raw}' is not manifest or config`);
  const platform = values.platform as string | undefined;
  if (platform !== undefined && !/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(platform))
    throw new UsageError(`--platform: '${platform}' is not OS/ARCH (linux/arm64)`);
  let ref: Reference;
  try {
    ref = parseReference(positionals[0]!);
  } catch (e) {
    throw new UsageError(`inspect: '${positionals[0]}': ${(e as Error).message}`);
  }
  const keys = (values.key as string[] | undefined) ?? [];
  if (keys.length && raw) throw new UsageError('--key verifies the signatures inspect lists: leave out --raw');
  return { verb: 'inspect', ref, ...(raw ? { raw } : {}), ...(platform ? { platform } : {}), ...(keys.length ? { keys } : {}) };
}

export const inspect = registryVerb<InspectCommand>({
  name: 'inspect',
  summary: 'what an image in a registry is: digest, platforms, config, labels, base, size, referrers',
  usage: `  hoist inspect REF [--platform OS/ARCH] [--raw manifest|config] [--key PATH]... [--json]
                                                      digest, media type, platforms, config, labels, base, size, referrers,
                                                      cosign signatures and attestations; --raw: the registry's bytes as served;
                                                      --key cosign.pub: whether each signature verifies with it`,
  examples: [
    'hoist inspect registry.acme/team/app:1.4.2',
    'hoist inspect registry.acme/team/app:1.4.2 --json | jq -r .digest',
    'hoist inspect registry.acme/team/app:1.4.2 --raw manifest | sha256sum   # the digest, from the bytes as served',
    'hoist inspect registry.acme/team/app:1.4.2 --platform linux/arm64 --raw config | jq .config.Env',
  ],
  options: () => ({ raw: { type: 'string' }, platform: { type: 'string' }, key: { type: 'string', multiple: true } }),
  parse,
  run: ({ fx, task, json, out, connect }) => connect([task.ref], (client) => runInspect(client(task.ref), task, json, out, fx.files)),
});
