/**
 * Raw inputs → one typed Config. Pure: reads inputs through a function and never touches the
 * filesystem or the network. Every problem is collected, so a user sees all of them at once.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { isAbsolute, resolve } from 'node:path';
import { parseRepository, registryHost, type Repository } from './core/reference.js';
import { computeTags, resolveVersion, VersionError, type TagLatest } from './core/tags.js';
import type { CiContext } from './platform/platform.js';

/** A secret handed to the build through `RUN --mount=type=secret,id=…`. */
export type SecretSource =
  | { kind: 'value'; id: string; value: string; input: 'secrets' }
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

export interface Config {
  /** Repositories to push to, in input order. */
  images: Repository[];
  /** Build context directory (absolute). */
  context: string;
  /** Dockerfile path (absolute). */
  file: string;
  target: string | undefined;
  buildArgs: Array<[string, string]>;
  labels: Array<[string, string]>;
  network: string | undefined;
  secrets: SecretSource[];
  ssh: SshForward[];
  /** The release version, when the run has one. */
  version: string | undefined;
  /** Tags every image gets, in order. */
  tags: string[];
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

  const images: Repository[] = [];
  const imageLines = parseList(read('images'));
  if (imageLines.length === 0) issues.push({ input: 'images', message: 'no image given: list at least one repository, e.g. ghcr.io/acme/app' });
  for (const line of imageLines) {
    try {
      images.push(parseRepository(line));
    } catch (e) {
      issues.push({ input: 'images', message: `'${line}': ${(e as Error).message}` });
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
  for (const [id, value] of parsePairs(read('secrets'), 'secrets', SECRET_ID, 'ID', issues)) {
    if (!value) issues.push({ input: 'secrets', message: `secret '${id}' has an empty value; the build would run without it` });
    else addSecret({ kind: 'value', id, value, input: 'secrets' });
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

  const tagLatestRaw = read('tag-latest').trim().toLowerCase() || 'auto';
  let tagLatest: TagLatest = 'auto';
  if (tagLatestRaw === 'auto' || tagLatestRaw === 'always' || tagLatestRaw === 'never') tagLatest = tagLatestRaw;
  else issues.push({ input: 'tag-latest', message: `'${tagLatestRaw}' is not one of auto, always, never` });

  let version: string | undefined;
  let tags: string[] = [];
  try {
    version = resolveVersion({ input: read('version'), ref: ctx.ref })?.version;
    tags = computeTags({ version, sha: ctx.sha, tagLatest, extra: parseList(read('tags')) });
    if (tags.length === 0) issues.push({ input: 'version', message: 'no tag to push: set version, tags, or run on a commit (GITHUB_SHA)' });
  } catch (e) {
    if (!(e instanceof VersionError)) throw e;
    issues.push({ input: e.input, message: e.message });
  }

  const registries = new Map<string, RegistrySettings>();
  const settingsFor = (registry: string) => {
    const host = registryHost(registry.trim());
    let s = registries.get(host);
    if (!s) registries.set(host, (s = { insecure: false }));
    return s;
  };
  parseLines(read('registry-auth')).forEach((line, i) => {
    const eq = line.indexOf('=');
    const colon = line.indexOf(':', eq + 1);
    if (eq <= 0 || colon <= eq + 1) {
      issues.push({ input: 'registry-auth', message: `line ${i + 1} is not REGISTRY=USERNAME:PASSWORD` });
      return;
    }
    const s = settingsFor(line.slice(0, eq));
    s.username = line.slice(eq + 1, colon);
    s.password = line.slice(colon + 1);
    if (!s.password) issues.push({ input: 'registry-auth', message: `line ${i + 1}: the password for ${line.slice(0, eq)} is empty` });
  });
  for (const [registry, path] of parsePairs(read('registry-ca'), 'registry-ca', /^[^\s=]+$/, 'REGISTRY', issues)) {
    settingsFor(registry).caFile = abs(path.trim());
  }
  for (const registry of parseList(read('insecure-registries'))) settingsFor(registry).insecure = true;

  const retriesRaw = read('retries').trim() || '3';
  const retries = Number(retriesRaw);
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) {
    issues.push({ input: 'retries', message: `'${retriesRaw}' is not a whole number from 0 to 10` });
  }

  const concurrencyRaw = read('concurrency').trim() || '8';
  const concurrency = Number(concurrencyRaw);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    issues.push({ input: 'concurrency', message: `'${concurrencyRaw}' is not a whole number from 1 to 64` });
  }

  const config: Config = {
    images,
    context,
    file,
    target: read('target').trim() || undefined,
    buildArgs: parsePairs(read('build-args'), 'build-args', ENV_KEY, 'NAME', issues),
    labels: parsePairs(read('labels'), 'labels', /^[^\s=]+$/, 'KEY', issues),
    network: read('network').trim() || undefined,
    secrets,
    ssh,
    version,
    tags,
    push: parseBool(read('push'), 'push', true, issues),
    registries,
    retries,
    concurrency,
  };
  if (issues.length > 0) throw new ConfigError(issues);
  return config;
}

/** Every secret value the config holds: to be masked and redacted before anything is logged. */
export function secretValues(config: Config): string[] {
  const values: string[] = [];
  for (const s of config.secrets) if (s.kind === 'value') values.push(s.value);
  for (const r of config.registries.values()) if (r.password) values.push(r.password);
  return values;
}
