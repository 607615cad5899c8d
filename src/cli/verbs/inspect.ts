/**
 * `hoist inspect REF [--raw manifest|config] [--platform OS/ARCH] [--key PATH]... [keyless flags]
 * [--json]`: the registry's record of an image. With `--key` and/or the keyless flags of `hoist
 * verify` (`--certificate-identity[-regexp]`, `--certificate-oidc-issuer[-regexp]`,
 * `--trusted-root`), each cosign signature listed is judged by the same verifier as `hoist verify`:
 * who signed it (the key, or the certificate's subject and issuer), or why it does not verify. The
 * reading and describing load when the verb runs.
 */
import { parseReference, type Reference } from '../../core/reference.js';
import { referenceError, webPage } from '../../inputs/images.js';
import { nodeFiles, type Files } from '../../effects/files.js';
import type { Inspected, TaggedEntry } from '../../maintain/inspect.js';
import type { RegistryClient } from '../../registry/client.js';
import type { TrustedSigners } from '../../trust/gate.js';
import { UsageError } from '../usage.js';
import { registryVerb } from './registry.js';
import type { Values } from './verb.js';
import { CLI_NAMES } from '../../core/identity.js';
import { KEYLESS_FLAGS, keylessFlags, type KeylessFlags } from './verify-flags.js';
import { jsonText } from '../../platform/log-safe.js';

export interface InspectCommand {
  verb: 'inspect';
  ref: Reference;
  raw?: 'manifest' | 'config';
  platform?: string;
  /** `--key`: public keys (paths, relative to the working directory) the signatures are verified against. */
  keys?: string[];
  /** The keyless flags (as `hoist verify`'s): the certificate identity and issuer trusted, and the root of trust. */
  keyless?: KeylessFlags;
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
  // The keys and the trusted root are read before any request: a bad one is the input error, nothing asked.
  const signers = c.keys?.length || c.keyless ? await readTrust(c, files) : undefined;
  const inspected = await inspectImage(client, c.ref, c.platform);
  if (signers) await verifyListed(client, c.ref.path, inspected, signers);
  out.print(json ? jsonText(inspected) : describeInspected(inspected));
  return 0;
}

/** The signers `--key` and the keyless flags trust (trust/gate.ts reads them as promote's inputs are read). */
async function readTrust(c: InspectCommand, files: Pick<Files, 'readText'>): Promise<TrustedSigners> {
  const { readSigners, readKeylessSigners } = await import('../../trust/gate.js');
  const keyed = c.keys?.length ? await readSigners(files, c.keys.join('\n'), '--key', process.cwd()) : { input: '--key', keys: [] };
  if (!c.keyless) return keyed;
  const { trustedRoot, ...given } = c.keyless;
  return { ...keyed, keyless: await readKeylessSigners(files, { given, trustedRoot }, CLI_NAMES, '--trusted-root', process.cwd()) };
}

/** Each listed `.sig` judged by the verifier `hoist verify` and promote use: who signed it, or why nothing verifies. */
async function verifyListed(client: RegistryClient, repository: string, inspected: Inspected, signers: TrustedSigners): Promise<void> {
  const { verifyDigest, whyNotVerified, describeSigners } = await import('../../trust/gate.js');
  for (const entry of inspected.signatures) {
    if (entry.kind === 'att') await judgeAttestations(client, repository, entry, signers);
    if (entry.kind !== 'sig') continue;
    const all = await verifyDigest(client, repository, entry.subject, signers);
    // The entry's own verdict: a tag's layers, or that one bundle referrer's.
    const mine = (x: { referrer?: string }) => (entry.tag === 'referrer' ? x.referrer === entry.digest : x.referrer === undefined);
    const result = { ...all, verified: all.verified.filter(mine), rejected: all.rejected.filter(mine) };
    if (result.verified.length) entry.verified = describeSigners(result, signers);
    else entry.notVerified = whyNotVerified(result);
  }
}

/** An `.att` judged as `hoist verify --type` judges it: each verifying statement's type and signer, or why none verifies. */
async function judgeAttestations(client: RegistryClient, repository: string, entry: TaggedEntry, signers: TrustedSigners): Promise<void> {
  const { verifyImageAttestations } = await import('../../sign/attest.js');
  const all = await verifyImageAttestations(client, repository, entry.subject, {
    keys: signers.keys.map((k) => k.key),
    ...(signers.keyless ? { keyless: signers.keyless } : {}),
  });
  // The entry's own verdict: the `.att` tag's layers, or that one bundle referrer's.
  const mine = (x: { referrer?: string }) => (entry.tag === 'referrer' ? x.referrer === entry.digest : x.referrer === undefined);
  const result = { ...all, verified: all.verified.filter(mine), rejected: all.rejected.filter(mine) };
  const keyName = (keyId: string) => {
    const source = signers.keys.find((k) => k.fingerprint === keyId)?.source;
    return `key ${keyId}${source ? ` (${source})` : ''}`;
  };
  const by = (v: (typeof result.verified)[number]) => (v.certificate ? `keyless ${v.certificate.subject} (issuer ${v.certificate.issuer})` : keyName(v.keyId));
  if (result.verified.length) entry.verified = [...new Set(result.verified.map((v) => `${v.predicateType} by ${by(v)}`))].join('; ');
  else entry.notVerified = result.rejected.map((r) => r.reason).join('; ') || 'no attestation';
}

function parse(values: Values, positionals: string[]): InspectCommand {
  if (positionals.length !== 1) throw new UsageError('inspect takes one image reference, e.g. registry.acme/team/app:1.4.2');
  const raw = values.raw as string | undefined;
  if (raw !== undefined && raw !== 'manifest' && raw !== 'config') throw new UsageError(`--raw: '${raw}' is not manifest or config`);
  const platform = values.platform as string | undefined;
  if (platform !== undefined && !/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(platform))
    throw new UsageError(`--platform: '${platform}' is not OS/ARCH (linux/arm64)`);
  const page = webPage(positionals[0]!);
  if (page) throw new UsageError(`inspect: ${page}`);
  let ref: Reference;
  try {
    ref = parseReference(positionals[0]!);
  } catch (e) {
    throw new UsageError(`inspect: ${referenceError(positionals[0]!, e)}`);
  }
  const keys = (values.key as string[] | undefined) ?? [];
  const keyless = keylessFlags(values, 'inspect');
  if ((keys.length || keyless) && raw)
    throw new UsageError(`${keys.length ? '--key' : '--certificate-identity'} verifies the signatures inspect lists: leave out --raw`);
  return {
    verb: 'inspect',
    ref,
    ...(raw ? { raw } : {}),
    ...(platform ? { platform } : {}),
    ...(keys.length ? { keys } : {}),
    ...(keyless ? { keyless } : {}),
  };
}

export const inspect = registryVerb<InspectCommand>({
  name: 'inspect',
  summary: 'what an image in a registry is: digest, platforms, config, labels, base, size, referrers',
  usage: `  hoist inspect REF [--platform OS/ARCH] [--raw manifest|config] [--key PATH]... [--json]
  hoist inspect REF --certificate-identity ID|--certificate-identity-regexp RE
                    --certificate-oidc-issuer URL|--certificate-oidc-issuer-regexp RE --trusted-root trusted_root.json
                                                      digest, media type, platforms, config, labels, base, size, referrers,
                                                      cosign signatures and attestations; --raw: the registry's bytes as served;
                                                      --key cosign.pub, or the keyless flags of hoist verify: whether each
                                                      signature verifies, and who signed it (the key, or the certificate's
                                                      subject and OIDC issuer)`,
  examples: [
    'hoist inspect registry.acme/team/app:1.4.2',
    'hoist inspect registry.acme/team/app:1.4.2 --json | jq -r .digest',
    'hoist inspect registry.acme/team/app:1.4.2 --raw manifest | sha256sum   # the digest, from the bytes as served',
    'hoist inspect registry.acme/team/app:1.4.2 --platform linux/arm64 --raw config | jq .config.Env',
    "hoist inspect registry.acme/team/app:1.4.2 --certificate-identity-regexp '^https://github.com/acme/' --certificate-oidc-issuer https://token.actions.githubusercontent.com --trusted-root trusted_root.json",
  ],
  options: () => ({ raw: { type: 'string' }, platform: { type: 'string' }, key: { type: 'string', multiple: true }, ...KEYLESS_FLAGS }),
  parse,
  run: ({ fx, task, json, out, connect }) => connect([task.ref], (client) => runInspect(client(task.ref), task, json, out, fx.files)),
});
