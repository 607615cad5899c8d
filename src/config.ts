/**
 * Raw inputs → one typed Config. Pure: reads inputs through a function and never touches the
 * filesystem or the network. Every problem is collected, so a user sees all of them at once.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';
import { isAbsolute, resolve } from 'node:path';
import { parseAllowRule } from './audit/policy.js';
import { parseOutputs, type OutputSpec } from './build/export.js';
import { BUILDERS, type BuilderName, type Provenance } from './build/plan.js';
import { looksLikePrivateKey } from './build/ssh-agent.js';
import { CreatedError, resolveCreated } from './core/labels.js';
import { formatRepository, parseRepository, registryHost, type Repository } from './core/reference.js';
import { AUTO_TAGS, planTags, resolveVersion, TagError, VERSION_LEVELS, type AutoTag, type FloatingMode, type PlannedTag, type TagLatest, type VersionLevel } from './core/tags.js';
import type { CiContext } from './platform/platform.js';

/** A secret handed to the build through `RUN --mount=type=secret,id=…`. */
export type SecretSource =
  | { kind: 'value'; id: string; value: string; input: 'secrets' | 'secret-envs' }
  | { kind: 'file'; id: string; path: string; input: 'secret-files' };

/** An SSH agent socket or key files handed to the build through `RUN --mount=type=ssh`. */
export interface SshForward {
  id: string;
  /** Agent sockets or key files; empty means the runner's own `SSH_AUTH_SOCK`. */
  paths: string[];
}

export interface RegistrySettings {
  /** Username and password (or token) for this registry. */
  username?: string;
  password?: string;
  /** Path of a PEM bundle of extra certificate authorities to trust for this registry. */
  caFile?: string;
  /** Speak plain HTTP to this registry (only when the user names it in `insecure-registries`). */
  insecure: boolean;
}

export type Visibility = 'public' | 'private';

/** One `images` line: a repository, how visible it is, and the tags planned for it. */
export interface ImageTarget {
  repository: Repository;
  /** `visibility=public` marks a registry anyone can read; the default is private. */
  visibility: Visibility;
  /** Every tag planned for this image; floating ones are decided against the registry's tags. */
  tags: PlannedTag[];
  /** `target=<stage>`: the build stage this image gets (default: the `target` input, else the last stage). */
  target?: string;
}

export interface Config {
  /** Repositories to push to, in input order. */
  images: ImageTarget[];
  /** Build context directory (absolute). */
  context: string;
  /** Dockerfile path (absolute). */
  file: string;
  target: string | undefined;
  /** `builder`: auto, or one of docker, buildx, buildctl, buildah. */
  builder: 'auto' | BuilderName;
  /** A BuildKit daemon address for buildctl (`buildkit-host`, else BUILDKIT_HOST). */
  buildkitHost: string | undefined;
  /** A buildx builder instance by name (`buildx-builder`). */
  buildxBuilder: string | undefined;
  platforms: string[];
  cacheFrom: string[];
  cacheTo: string[];
  noCache: boolean;
  pull: boolean;
  addHosts: string[];
  buildContexts: Array<[string, string]>;
  provenance: Provenance;
  /** The user set `provenance` (the default `min` is dropped where no attestation can be made). */
  provenanceSet: boolean;
  sbom: boolean;
  buildArgs: Array<[string, string]>;
  /** The user's `labels` and `annotations`; the generated OCI ones are added in the run. */
  labels: Array<[string, string]>;
  annotations: Array<[string, string]>;
  /** The image's creation time and where it came from. */
  created: { created: string; from: string };
  network: string | undefined;
  secrets: SecretSource[];
  ssh: SshForward[];
  /** `ssh-key`: private key material for Hoist's own agent, forwarded as `default`. */
  sshKey: string | undefined;
  sshKeyPassphrase: string | undefined;
  /** `audit`: fail (a leak stops the push), warn, or off. */
  audit: 'fail' | 'warn' | 'off';
  /** `audit-values`: more values to look for in the image (secrets too). */
  auditValues: string[];
  /** `allowed-base-images`: repository patterns every base image must match (empty: any). */
  allowedBaseImages: string[];
  requirePinnedBase: boolean;
  /** `github-token`: the pull request comment, and ghcr.io when no other credentials are there. */
  githubToken: string | undefined;
  prComment: boolean;
  /** `load`: put the image into the local Docker daemon under its fixed tags. */
  load: boolean;
  /** `outputs`: copies of the image as files (`type=docker|oci,dest=…`). */
  outputs: OutputSpec[];
  /** `ssh-known-hosts`: pinned host keys, handed to the build as the secret `known_hosts`. */
  knownHosts: string | undefined;
  /** The release version, when the run has one, and where it came from. */
  version: string | undefined;
  versionSource: string | undefined;
  /** `forward`: floating tags move only to a higher version; `always`: they move on every release. */
  floating: FloatingMode;
  push: boolean;
  /** Settings per registry API host. */
  registries: Map<string, RegistrySettings>;
  /** Retries for a failed registry request (network errors, 408, 429, 5xx). */
  retries: number;
  /** Registry requests in flight at once, across all registries. */
  concurrency: number;
}

export interface ConfigIssue {
  input: string;
  message: string;
}

/** Bad inputs; `issues` holds one line per problem, each naming its input. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map((i) => `${i.input}: ${i.message}`).join('\n'));
  }
}

export type InputReader = (name: string) => string;

const SECRET_ID = /^[A-Za-z0-9_.-]+$/;
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Lines of an input, trimmed, without blanks and `#` comments. */
export function parseLines(raw: string): string[] {
  return raw.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

/** A list input: newline- and comma-separated, with CSV quoting ("a,b" stays one item). */
export function parseList(raw: string): string[] {
  const items: string[] = [];
  for (const line of parseLines(raw)) {
    const rows = parseCsv(line, { relax_quotes: true, trim: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
    for (const row of rows) for (const cell of row) if (cell.trim()) items.push(cell.trim());
  }
  return items;
}

function parseBool(raw: string, input: string, fallback: boolean, issues: ConfigIssue[]): boolean {
  const v = raw.trim().toLowerCase();
  if (!v) return fallback;
  if (v === 'true') return true;
  if (v === 'false') return false;
  issues.push({ input, message: `'${raw.trim()}' is not a boolean: use true or false` });
  return fallback;
}

/** What any transfer to registries needs (a build's push, a promotion): per-registry settings, retries, concurrency. */
export interface TransferSettings {
  registries: Map<string, RegistrySettings>;
  retries: number;
  concurrency: number;
}

export function parseTransfer(read: InputReader, abs: (p: string) => string, issues: ConfigIssue[]): TransferSettings {
  const registries = new Map<string, RegistrySettings>();
  const settingsFor = (registry: string) => {
    const host = registryHost(registry.trim());
    let s = registries.get(host);
    if (!s) registries.set(host, (s = { insecure: false }));
    return s;
  };
  for (const entry of parseRegistryAuth(read('registry-auth'), issues)) {
    const s = settingsFor(entry.registry);
    s.username = entry.username;
    s.password = entry.password;
  }
  for (const [registry, path] of parsePairs(read('registry-ca'), 'registry-ca', /^[^\s=]+$/, 'REGISTRY', issues)) {
    settingsFor(registry).caFile = abs(path.trim());
  }
  for (const registry of parseList(read('insecure-registries'))) settingsFor(registry).insecure = true;
  const number = (input: string, fallback: string, min: number, max: number) => {
    const raw = read(input).trim() || fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) issues.push({ input, message: `'${raw}' is not a whole number from ${min} to ${max}` });
    return n;
  };
  return { registries, retries: number('retries', '3', 0, 10), concurrency: number('concurrency', '8', 1, 64) };
}

/** One of a fixed set of words; '' means the default. */
function parseChoice<T extends string>(raw: string, input: string, choices: readonly T[], fallback: T, issues: ConfigIssue[]): T {
  const v = raw.trim().toLowerCase();
  if (!v) return fallback;
  if ((choices as readonly string[]).includes(v)) return v as T;
  issues.push({ input, message: `'${raw.trim()}' is not one of ${choices.join(', ')}` });
  return fallback;
}

/** A list drawn from a fixed set of words ('none' for the empty list); '' means the default. */
function parseSubset<T extends string>(raw: string, input: string, choices: readonly T[], fallback: readonly T[], issues: ConfigIssue[]): T[] {
  const items = parseList(raw).map((i) => i.toLowerCase());
  if (items.length === 0) return [...fallback];
  if (items.length === 1 && items[0] === 'none') return [];
  const unknown = items.filter((i) => !(choices as readonly string[]).includes(i));
  if (unknown.length) issues.push({ input, message: `${unknown.map((u) => `'${u}'`).join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not one of ${choices.join(', ')} (or none)` });
  return choices.filter((c) => items.includes(c));
}

/**
 * `secrets` entries, as docker/build-push-action reads them: one `ID=VALUE` per line, or a whole
 * entry in double quotes so its value can span lines (PEM keys) or hold commas and quotes (JSON;
 * `""` is a literal quote inside a quoted entry). Values are never echoed in messages.
 */
export function parseSecretEntries(raw: string, issues: ConfigIssue[]): Array<[string, string]> {
  let records: string[][];
  try {
    records = parseCsv(raw, { relax_quotes: true, relax_column_count: true, skip_empty_lines: true, comment: '#', comment_no_infix: true }) as string[][];
  } catch (e) {
    // csv-parse's messages quote the offending text; only its code and line are safe to show.
    const { code, lines } = e as { code?: string; lines?: number };
    issues.push({ input: 'secrets', message: `cannot be read (${code ?? 'parse error'}${lines ? ` near line ${lines}` : ''}): put an entry holding newlines in double quotes, and double any quote inside it` });
    return [];
  }
  const pairs: Array<[string, string]> = [];
  records.forEach((cells, i) => {
    const entry = cells.join(',');
    const eq = entry.indexOf('=');
    const id = eq > 0 ? entry.slice(0, eq).trim() : '';
    if (eq <= 0 || !SECRET_ID.test(id)) {
      issues.push({ input: 'secrets', message: `entry ${i + 1} is not ID=VALUE (expected an id of letters, digits, _ . - before '=')` });
      return;
    }
    pairs.push([id, entry.slice(eq + 1).replace(/\r?\n$/, '')]);
  });
  return pairs;
}

/**
 * `registry-auth`: `REGISTRY=USERNAME:PASSWORD` lines, or the YAML list docker/login-action takes
 * (`- registry: ghcr.io` / `username:` / `password:`). Passwords are never echoed in messages.
 */
export function parseRegistryAuth(raw: string, issues: ConfigIssue[]): Array<{ registry: string; username: string; password: string }> {
  const entries: Array<{ registry: string; username: string; password: string }> = [];
  if (/^\s*-\s/.test(raw.split(/\r?\n/).find((l) => l.trim() && !l.trim().startsWith('#')) ?? '')) {
    let list: unknown;
    try {
      list = parseYaml(raw);
    } catch {
      issues.push({ input: 'registry-auth', message: 'is neither REGISTRY=USERNAME:PASSWORD lines nor a YAML list of registry/username/password entries (the YAML does not parse)' });
      return entries;
    }
    (Array.isArray(list) ? list : []).forEach((item: unknown, i) => {
      const e = (item ?? {}) as Record<string, unknown>;
      const [registry, username, password] = [e.registry, e.username, e.password].map((v) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined));
      if (!registry || username === undefined || !password) issues.push({ input: 'registry-auth', message: `entry ${i + 1} needs registry, username and password` });
      else entries.push({ registry, username, password });
    });
    return entries;
  }
  parseLines(raw).forEach((line, i) => {
    const eq = line.indexOf('=');
    const colon = line.indexOf(':', eq + 1);
    if (eq <= 0 || colon <= eq + 1) {
      issues.push({ input: 'registry-auth', message: `line ${i + 1} is not REGISTRY=USERNAME:PASSWORD (or give a YAML list of registry/username/password)` });
      return;
    }
    const password = line.slice(colon + 1);
    if (!password) issues.push({ input: 'registry-auth', message: `line ${i + 1}: the password for ${line.slice(0, eq)} is empty` });
    else entries.push({ registry: line.slice(0, eq), username: line.slice(eq + 1, colon), password });
  });
  return entries;
}

/** `key=value` lines. Values are never echoed in messages (they may be secret). */
function parsePairs(raw: string, input: string, keyPattern: RegExp, what: string, issues: ConfigIssue[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  parseLines(raw).forEach((line, i) => {
    const eq = line.indexOf('=');
    const key = eq > 0 ? line.slice(0, eq).trim() : '';
    if (eq <= 0 || !keyPattern.test(key)) {
      issues.push({ input, message: `line ${i + 1} is not ${what}=VALUE (expected ${keyPattern === SECRET_ID ? 'an id of letters, digits, _ . -' : 'a name'} before '=')` });
      return;
    }
    pairs.push([key, line.slice(eq + 1)]);
  });
  return pairs;
}

export function parseConfig(read: InputReader, ctx: CiContext): Config {
  const issues: ConfigIssue[] = [];
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(ctx.workspace, p));

  const images: Array<{ repository: Repository; visibility: Visibility; target?: string }> = [];
  const imageLines = parseList(read('images'));
  if (imageLines.length === 0) issues.push({ input: 'images', message: 'no image given: list at least one repository, e.g. ghcr.io/acme/app' });
  for (const line of imageLines) {
    const [name = '', ...settings] = line.split(/\s+/);
    let visibility: Visibility = 'private';
    let target: string | undefined;
    for (const setting of settings) {
      const v = /^visibility=(public|private)$/.exec(setting);
      const t = /^target=([A-Za-z0-9_.-]+)$/.exec(setting);
      if (v) visibility = v[1] as Visibility;
      else if (t) target = t[1];
      else issues.push({ input: 'images', message: `'${name}': unknown setting '${setting}' (known: visibility=public|private, target=STAGE)` });
    }
    try {
      const repository = parseRepository(name);
      if (images.some((i) => formatRepository(i.repository) === formatRepository(repository))) issues.push({ input: 'images', message: `'${name}' is listed twice` });
      else images.push({ repository, visibility, ...(target ? { target } : {}) });
    } catch (e) {
      issues.push({ input: 'images', message: `'${name}': ${(e as Error).message}` });
    }
  }

  const context = abs(read('context').trim() || '.');
  const fileInput = read('file').trim();
  const file = fileInput ? abs(fileInput) : resolve(context, 'Dockerfile');

  const secrets: SecretSource[] = [];
  const seen = new Set<string>();
  const addSecret = (s: SecretSource) => {
    if (seen.has(s.id)) issues.push({ input: s.input, message: `secret id '${s.id}' is given more than once` });
    seen.add(s.id);
    secrets.push(s);
  };
  for (const [id, value] of parseSecretEntries(read('secrets'), issues)) {
    if (!value) issues.push({ input: 'secrets', message: `secret '${id}' has an empty value; the build would run without it` });
    else addSecret({ kind: 'value', id, value, input: 'secrets' });
  }
  for (const [id, name] of parsePairs(read('secret-envs'), 'secret-envs', SECRET_ID, 'ID', issues)) {
    const variable = name.trim();
    const value = ctx.env[variable];
    if (!ENV_KEY.test(variable)) issues.push({ input: 'secret-envs', message: `secret '${id}': '${variable}' is not an environment variable name` });
    else if (!value) issues.push({ input: 'secret-envs', message: `secret '${id}': the environment variable ${variable} is ${value === undefined ? 'not set' : 'empty'}; the build would run without it` });
    else addSecret({ kind: 'value', id, value, input: 'secret-envs' });
  }
  for (const [id, path] of parsePairs(read('secret-files'), 'secret-files', SECRET_ID, 'ID', issues)) {
    if (!path.trim()) issues.push({ input: 'secret-files', message: `secret '${id}' has no file path` });
    else addSecret({ kind: 'file', id, path: abs(path.trim()), input: 'secret-files' });
  }

  const ssh: SshForward[] = [];
  for (const line of parseLines(read('ssh'))) {
    const eq = line.indexOf('=');
    const id = (eq < 0 ? line : line.slice(0, eq)).trim();
    const paths = eq < 0 ? [] : line.slice(eq + 1).split(',').map((p) => p.trim()).filter(Boolean).map(abs);
    if (!SECRET_ID.test(id)) issues.push({ input: 'ssh', message: `'${id}' is not an ssh id: use 'default' or id=/path/to/socket-or-key` });
    else ssh.push({ id, paths });
  }

  const sshKey = read('ssh-key').trim() || undefined;
  const sshKeyPassphrase = read('ssh-key-passphrase') || undefined;
  if (sshKey && !looksLikePrivateKey(sshKey)) issues.push({ input: 'ssh-key', message: 'does not hold a private key: give the whole key file, from -----BEGIN … PRIVATE KEY----- to its END line' });
  if (sshKeyPassphrase && !sshKey) issues.push({ input: 'ssh-key-passphrase', message: 'is set but ssh-key is not' });
  if (sshKey && ssh.some((f) => f.id === 'default')) issues.push({ input: 'ssh', message: "'default' is taken by ssh-key (Hoist's own agent is forwarded as default): remove it from ssh" });
  const knownHosts = read('ssh-known-hosts').trim() || undefined;
  parseLines(knownHosts ?? '').forEach((line, i) => {
    const fields = line.split(/\s+/);
    if (fields.length < (line.startsWith('@') ? 4 : 3)) issues.push({ input: 'ssh-known-hosts', message: `line ${i + 1} is not a known_hosts line (HOST KEYTYPE KEY, e.g. the output of ssh-keyscan)` });
  });
  if (knownHosts && seen.has('known_hosts')) issues.push({ input: 'secrets', message: "the secret id 'known_hosts' is taken by ssh-known-hosts: rename the secret" });

  const audit = parseChoice(read('audit'), 'audit', ['fail', 'warn', 'off'] as const, 'fail', issues);
  const auditValues = parseLines(read('audit-values'));
  auditValues.forEach((v, i) => {
    if (v.length < 8) issues.push({ input: 'audit-values', message: `line ${i + 1} is shorter than 8 characters: too short to look for without false alarms` });
  });

  const { specs: outputs, errors: outputErrors } = parseOutputs(parseLines(read('outputs')), abs);
  for (const message of outputErrors) issues.push({ input: 'outputs', message });

  const allowedBaseImages = parseList(read('allowed-base-images'));
  for (const pattern of allowedBaseImages) {
    try {
      parseAllowRule(pattern);
    } catch (e) {
      issues.push({ input: 'allowed-base-images', message: (e as Error).message });
    }
  }

  const tagLatest = parseChoice(read('tag-latest'), 'tag-latest', ['auto', 'always', 'never'] as const, 'auto', issues);
  const floating = parseChoice(read('floating-tags'), 'floating-tags', ['forward', 'always'] as const, 'forward', issues);
  const auto = parseSubset(read('auto-tags'), 'auto-tags', AUTO_TAGS, AUTO_TAGS, issues);
  const levels = parseSubset(read('version-tags'), 'version-tags', VERSION_LEVELS, VERSION_LEVELS, issues);

  let version: string | undefined;
  let versionSource: string | undefined;
  let planned: PlannedTag[] = [];
  try {
    const resolved = resolveVersion({ input: read('version'), pattern: read('version-pattern'), gitTag: ctx.facts.git.tag });
    version = resolved?.version;
    versionSource = resolved?.source;
    planned = planTags({
      version, facts: ctx.facts.git, auto, levels, tagLatest, now: ctx.now(),
      majorZero: parseBool(read('tag-major-zero'), 'tag-major-zero', false, issues),
      channel: parseBool(read('tag-channel'), 'tag-channel', false, issues),
      explicit: parseList(read('tags')),
    });
  } catch (e) {
    if (!(e instanceof TagError)) throw e;
    issues.push({ input: e.input, message: e.message });
  }
  // Full references in `tags` go to their own image only; they must name one of `images`.
  for (const t of planned) {
    if (t.repository === undefined) continue;
    try {
      const named = formatRepository(parseRepository(t.repository));
      if (!images.some((i) => formatRepository(i.repository) === named)) issues.push({ input: 'tags', message: `'${t.repository}:${t.tag}' names a repository that is not in images: add it there, or give the bare tag` });
      else t.repository = named;
    } catch (e) {
      issues.push({ input: 'tags', message: `'${t.repository}:${t.tag}': ${(e as Error).message}` });
    }
  }
  const targets: ImageTarget[] = images.map((i) => ({ ...i, tags: planned.filter((t) => t.repository === undefined || t.repository === formatRepository(i.repository)) }));
  for (const t of issues.some((i) => i.input === 'tags' || i.input === 'version' || i.input === 'version-pattern') ? [] : targets) {
    if (t.tags.length === 0) issues.push({ input: 'tags', message: `${formatRepository(t.repository)} gets no tag: set version, tags, or run on a commit` });
  }

  let created = { created: '', from: '' };
  try {
    created = resolveCreated(read('created'), ctx.env.SOURCE_DATE_EPOCH, ctx.facts.commitTime, ctx.now());
  } catch (e) {
    if (!(e instanceof CreatedError)) throw e;
    issues.push({ input: 'created', message: e.message });
  }

  const { registries, retries, concurrency } = parseTransfer(read, abs, issues);

  const builder = parseChoice(read('builder'), 'builder', ['auto', ...BUILDERS] as const, 'auto', issues);
  const platforms = parseList(read('platforms'));
  for (const p of platforms) if (!/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(p)) issues.push({ input: 'platforms', message: `'${p}' is not a platform: os/arch[/variant], e.g. linux/amd64 or linux/arm64` });
  const addHosts = parseList(read('add-hosts'));
  for (const h of addHosts) if (!/^[^\s:]+:[0-9a-fA-F.:]+$/.test(h)) issues.push({ input: 'add-hosts', message: `'${h}' is not HOST:IP` });
  const provenanceRaw = read('provenance').trim().toLowerCase();
  const provenanceMap: Record<string, Provenance> = { '': 'min', true: 'min', min: 'min', 'mode=min': 'min', max: 'max', 'mode=max': 'max', false: 'false' };
  const provenance = provenanceMap[provenanceRaw];
  if (!provenance) issues.push({ input: 'provenance', message: `'${read('provenance').trim()}' is not one of false, min, max` });

  const config: Config = {
    images: targets,
    context,
    file,
    target: read('target').trim() || undefined,
    builder,
    buildkitHost: read('buildkit-host').trim() || ctx.env.BUILDKIT_HOST || undefined,
    buildxBuilder: read('buildx-builder').trim() || undefined,
    platforms,
    cacheFrom: parseList(read('cache-from')),
    cacheTo: parseList(read('cache-to')),
    noCache: parseBool(read('no-cache'), 'no-cache', false, issues),
    pull: parseBool(read('pull'), 'pull', false, issues),
    addHosts,
    buildContexts: parsePairs(read('build-contexts'), 'build-contexts', /^[A-Za-z0-9_.-]+$/, 'NAME', issues).map(([k, v]) => [k, /^[a-z-]+:\/\//.test(v.trim()) ? v.trim() : abs(v.trim())]),
    provenance: provenance ?? 'min',
    provenanceSet: provenanceRaw !== '',
    sbom: parseBool(read('sbom'), 'sbom', false, issues),
    buildArgs: parsePairs(read('build-args'), 'build-args', ENV_KEY, 'NAME', issues),
    labels: parsePairs(read('labels'), 'labels', /^[^\s=]+$/, 'KEY', issues),
    annotations: parsePairs(read('annotations'), 'annotations', /^[^\s=]+$/, 'KEY', issues),
    created,
    network: read('network').trim() || undefined,
    secrets,
    ssh,
    sshKey,
    sshKeyPassphrase,
    audit,
    auditValues,
    allowedBaseImages,
    requirePinnedBase: parseBool(read('require-pinned-base'), 'require-pinned-base', false, issues),
    githubToken: read('github-token').trim() || undefined,
    prComment: parseBool(read('pr-comment'), 'pr-comment', false, issues),
    load: parseBool(read('load'), 'load', false, issues),
    outputs,
    knownHosts,
    version,
    versionSource,
    floating,
    push: parseBool(read('push'), 'push', true, issues),
    registries,
    retries,
    concurrency,
  };
  // A build argument is stored in the image's history: one carrying a secret's value leaks it.
  const secretOwners = new Map<string, string>();
  for (const sec of config.secrets) if (sec.kind === 'value') secretOwners.set(sec.value, `secret '${sec.id}' (${sec.input})`);
  for (const [host, r] of config.registries) if (r.password) secretOwners.set(r.password, `the registry-auth password for ${host}`);
  for (const [name, value] of config.buildArgs) {
    const owner = value ? secretOwners.get(value) : undefined;
    if (owner) issues.push({ input: 'build-args', message: `${name} has the value of ${owner}: build arguments are stored in the image history; pass it through secrets and RUN --mount=type=secret instead` });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return config;
}

/** Every secret value the config holds, named for audit findings (never with the value). */
export function namedSecrets(config: Config): Array<{ name: string; value: string }> {
  const named: Array<{ name: string; value: string }> = [];
  for (const s of config.secrets) if (s.kind === 'value') named.push({ name: `secret '${s.id}' (${s.input})`, value: s.value });
  for (const [host, r] of config.registries) if (r.password) named.push({ name: `the registry-auth password for ${host}`, value: r.password });
  if (config.sshKey) {
    named.push({ name: 'ssh-key', value: config.sshKey });
    const body = config.sshKey.split(/\r?\n/).filter((l) => l && !l.startsWith('-----')).join('');
    if (body) named.push({ name: 'ssh-key (its base64 body)', value: body });
  }
  if (config.sshKeyPassphrase) named.push({ name: 'ssh-key-passphrase', value: config.sshKeyPassphrase });
  config.auditValues.forEach((v, i) => named.push({ name: `audit-values line ${i + 1}`, value: v }));
  if (config.githubToken) named.push({ name: 'github-token', value: config.githubToken });
  return named;
}

/** Every secret value the config holds: to be masked and redacted before anything is logged. */
export function secretValues(config: Config): string[] {
  const values: string[] = [];
  for (const s of config.secrets) if (s.kind === 'value') values.push(s.value);
  for (const r of config.registries.values()) if (r.password) values.push(r.password);
  if (config.sshKey) values.push(config.sshKey);
  if (config.sshKeyPassphrase) values.push(config.sshKeyPassphrase);
  values.push(...config.auditValues);
  if (config.githubToken) values.push(config.githubToken);
  return values;
}
