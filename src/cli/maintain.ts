/**
 * `hoist tags list|delete|prune` and `hoist audit`: looking after what is already in the
 * registries, with the same registry settings as a build (`--registry-auth-file` or
 * HOIST_REGISTRY_AUTH, `--registry-ca`, `--insecure-registries`, the Docker config's credentials).
 */
import { parseArgs } from 'node:util';
import { parseReference, parseRepository, type Reference, type Repository } from '../core/reference.js';
import { inputScope } from '../inputs/read.js';
import { parseTransfer, yamlFor, type TransferSettings } from '../inputs/registries.js';
import { UNPROTECTABLE, type Unprotectable } from '../maintain/prune.js';
import { usageFromParseArgs, UsageError } from './args.js';
import type { InspectCommand } from './verbs/inspect.js';
import { keylessFlags, VERIFY_FLAGS, type VerifyCommand } from './verbs/verify.js';

export type MaintainCommand =
  | { verb: 'list'; repository: Repository; digest: boolean }
  | { verb: 'delete'; targets: Array<{ repository: Repository; tag: string }>; dryRun: boolean }
  | {
      verb: 'prune';
      repository: Repository;
      keep: number;
      match?: string;
      olderThan?: string;
      dryRun: boolean;
      unprotect: Unprotectable[];
      pruneUnknownAge: boolean;
    }
  | { verb: 'audit'; source: { ref: Reference } | { layout: string }; valuesFile?: string; secretEnvs: string[] }
  | InspectCommand
  | VerifyCommand;

export interface MaintainLine {
  command: MaintainCommand;
  /** HOIST_AUDIT_VALUES, read here: tools never get it. */
  auditValues: string;
  transfer: TransferSettings;
  json: boolean;
}

const COMMON = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  'registry-auth-file': { type: 'string' },
  'registry-ca': { type: 'string', multiple: true },
  'insecure-registries': { type: 'string', multiple: true },
  retries: { type: 'string' },
  concurrency: { type: 'string' },
} as const;

export const MAINTAIN_HELP = `Usage:
  hoist tags list REPO [--digest] [--json]            every tag, sorted, one request per page (--digest: each tag read, grouped by digest)
  hoist tags delete REPO:TAG... [--dry-run] [--json]  removes only the named tags; a shared digest stays for the others
  hoist tags prune REPO --keep N [--match GLOB] [--older-than 30d] [--unprotect latest,releases] [--prune-unknown-age] [--dry-run] [--json]
                                                      keeps the newest N matching tags; never a release's digest,
                                                      latest or a version tag unless --match names them
  hoist audit REF|LAYOUT_DIR [--audit-values-file F] [--secret-envs ID=VAR]... [--json]
                                                      the pre-push audit on an image already pushed (exit 1 on a leak)
  hoist inspect REF [--platform OS/ARCH] [--raw manifest|config] [--key PATH]... [--json]
                                                      digest, media type, platforms, config, labels, base, size, referrers,
                                                      cosign signatures and attestations; --raw: the registry's bytes as served;
                                                      --key cosign.pub: whether each signature verifies with it
  hoist verify REF --key PATH [--key PATH]... [--json]
  hoist verify REF --certificate-identity ID|--certificate-identity-regexp RE
                   --certificate-oidc-issuer URL|--certificate-oidc-issuer-regexp RE --trusted-root trusted_root.json [--json]
                                                      exit 0 when a cosign signature of REF's digest verifies: by one of
                                                      the keys (cosign.pub), or keyless, by a Fulcio certificate of that
                                                      identity and issuer, chained to the trusted root and logged in its
                                                      Rekor; 1 when none does: unsigned, another key or identity, another
                                                      digest, a tampered payload or SET; 3 registry not readable

Registry settings, as for hoist build: --registry-auth-file PATH (or HOIST_REGISTRY_AUTH), --registry-ca REGISTRY=PEM,
--insecure-registries HOST, --retries N, --concurrency N; credentials from the Docker config work as they are.`;

type Values = Record<string, string | boolean | Array<string | boolean> | undefined>;

function parse(argv: readonly string[], extra: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>): { values: Values; positionals: string[] } {
  try {
    return parseArgs({ args: [...argv], options: { ...COMMON, ...extra }, strict: true, allowPositionals: true });
  } catch (e) {
    throw usageFromParseArgs(e);
  }
}

const repo = (text: string | undefined, what: string): Repository => {
  if (!text) throw new UsageError(`${what}: give a repository, e.g. registry.acme/team/app`);
  try {
    return parseRepository(text);
  } catch (e) {
    throw new UsageError(`${what}: '${text}': ${(e as Error).message}`);
  }
};

function command(verb: string | undefined, rest: string[]): { command: MaintainCommand; values: Values } {
  if (verb === 'list') {
    const { values, positionals } = parse(rest, { digest: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError('tags list takes one repository');
    return { command: { verb, repository: repo(positionals[0], 'tags list'), digest: values.digest === true }, values };
  }
  if (verb === 'delete') {
    const { values, positionals } = parse(rest, { 'dry-run': { type: 'boolean' } });
    if (!positionals.length) throw new UsageError('tags delete takes REPO:TAG arguments');
    const targets = positionals.map((p) => {
      const ref = (() => {
        try {
          return parseReference(p);
        } catch (e) {
          throw new UsageError(`tags delete: '${p}': ${(e as Error).message}`);
        }
      })();
      if (!ref.tag || ref.digest) throw new UsageError(`tags delete: '${p}' names no tag: give REPO:TAG`);
      return { repository: { registry: ref.registry, host: ref.host, path: ref.path }, tag: ref.tag };
    });
    return { command: { verb, targets, dryRun: values['dry-run'] === true }, values };
  }
  if (verb === 'prune') {
    const { values, positionals } = parse(rest, {
      keep: { type: 'string' },
      match: { type: 'string' },
      'older-than': { type: 'string' },
      'dry-run': { type: 'boolean' },
      unprotect: { type: 'string' },
      'prune-unknown-age': { type: 'boolean' },
    });
    if (positionals.length !== 1) throw new UsageError('tags prune takes one repository');
    const unprotect = ((values.unprotect as string | undefined) ?? '')
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean);
    const unknown = unprotect.filter((u) => !(UNPROTECTABLE as readonly string[]).includes(u));
    if (unknown.length) throw new UsageError(`--unprotect: '${unknown.join(',')}' is not one of ${UNPROTECTABLE.join(', ')}`);
    const keep = Number(values.keep);
    if (values.keep === undefined || !Number.isInteger(keep) || keep < 0)
      throw new UsageError('tags prune: --keep N (a whole number, the tags to keep) is required');
    const olderThan = values['older-than'] as string | undefined;
    if (olderThan !== undefined && !/^\d+[mhdw]$/.test(olderThan)) throw new UsageError(`--older-than: '${olderThan}' is not a duration (90m, 12h, 30d, 2w)`);
    return {
      command: {
        verb,
        repository: repo(positionals[0], 'tags prune'),
        keep,
        ...(values.match ? { match: values.match as string } : {}),
        ...(olderThan ? { olderThan } : {}),
        dryRun: values['dry-run'] === true,
        unprotect: unprotect as Unprotectable[],
        pruneUnknownAge: values['prune-unknown-age'] === true,
      },
      values,
    };
  }
  throw new UsageError(verb ? `unknown tags command '${verb}': use list, delete or prune` : 'tags needs a command: list, delete or prune');
}

function inspectCommand(rest: string[]): { command: MaintainCommand; values: Values } {
  const { values, positionals } = parse(rest, { raw: { type: 'string' }, platform: { type: 'string' }, key: { type: 'string', multiple: true } });
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
  return { command: { verb: 'inspect', ref, ...(raw ? { raw } : {}), ...(platform ? { platform } : {}), ...(keys.length ? { keys } : {}) }, values };
}

function verifyCommand(rest: string[]): { command: MaintainCommand; values: Values } {
  const { values, positionals } = parse(rest, VERIFY_FLAGS);
  if (positionals.length !== 1) throw new UsageError('verify takes one image reference, e.g. registry.acme/team/app:1.4.2');
  const keys = (values.key as string[] | undefined) ?? [];
  const keyless = keylessFlags(values);
  if (!keys.length && !keyless)
    throw new UsageError(
      'verify: give the public key to verify with: --key cosign.pub (repeat for several), or a keyless signer: --certificate-identity, --certificate-oidc-issuer and --trusted-root',
    );
  let ref: Reference;
  try {
    ref = parseReference(positionals[0]!);
  } catch (e) {
    throw new UsageError(`verify: '${positionals[0]}': ${(e as Error).message}`);
  }
  return { command: { verb: 'verify', ref, keys, ...(keyless ? { keyless } : {}) }, values };
}

function auditCommand(rest: string[]): { command: MaintainCommand; values: Values } {
  const { values, positionals } = parse(rest, { 'audit-values-file': { type: 'string' }, 'secret-envs': { type: 'string', multiple: true } });
  if (positionals.length !== 1) throw new UsageError('audit takes one image reference or OCI layout directory');
  const target = positionals[0]!;
  let source: { ref: Reference } | { layout: string };
  if (target.startsWith('.') || target.startsWith('/')) source = { layout: target };
  else {
    try {
      source = { ref: parseReference(target) };
    } catch (e) {
      throw new UsageError(`audit: '${target}': ${(e as Error).message} (an OCI layout directory starts with ./ or /)`);
    }
  }
  return {
    command: {
      verb: 'audit',
      source,
      ...(values['audit-values-file'] ? { valuesFile: values['audit-values-file'] as string } : {}),
      secretEnvs: (values['secret-envs'] as string[] | undefined) ?? [],
    },
    values,
  };
}

/** Parses `tags …` and `audit …`; the registry settings go through the same input parsers as a build's. */
export async function parseMaintain(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  readText: (path: string) => Promise<string>,
  cwd: string,
): Promise<MaintainLine | 'help'> {
  const [first, second, ...rest] = argv;
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  const args = [second, ...rest].filter((x): x is string => x !== undefined);
  const { command: c, values } =
    first === 'audit' ? auditCommand(args) : first === 'inspect' ? inspectCommand(args) : first === 'verify' ? verifyCommand(args) : command(second, rest);
  const authFile = values['registry-auth-file'] as string | undefined;
  if (authFile !== undefined && env.HOIST_REGISTRY_AUTH !== undefined)
    throw new UsageError('--registry-auth-file and HOIST_REGISTRY_AUTH are both set: give one');
  const registryAuth =
    authFile === undefined
      ? (env.HOIST_REGISTRY_AUTH ?? '')
      : await readText(authFile).catch((e: NodeJS.ErrnoException) => {
          throw new UsageError(`--registry-auth-file: cannot read ${authFile} (${e.code ?? 'error'})`);
        });
  const inputs: Record<string, string> = {
    'registry-auth': registryAuth,
    'registry-ca': ((values['registry-ca'] as string[] | undefined) ?? []).join('\n'),
    'insecure-registries': ((values['insecure-registries'] as string[] | undefined) ?? []).join('\n'),
    retries: (values.retries as string | undefined) ?? '',
    concurrency: (values.concurrency as string | undefined) ?? '',
  };
  const scope = inputScope((name) => inputs[name] ?? '', cwd, env);
  const transfer = parseTransfer(scope, await yamlFor(registryAuth));
  if (scope.issues.length) throw new UsageError(scope.issues.map((i) => `--${i.input}: ${i.message}`).join('\n'));
  return { command: c, transfer, json: values.json === true, auditValues: env.HOIST_AUDIT_VALUES ?? '' };
}
