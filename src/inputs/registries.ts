/**
 * How Hoist talks to registries: `registry-auth` (lines or docker/login-action's YAML list),
 * `registry-ca`, `insecure-registries`, `retries`, `concurrency`. Shared by build and promote.
 * Passwords are never echoed in messages.
 */
import { registryHost } from '../core/reference.js';
import type { ConfigIssue } from '../core/errors.js';
import type { RegistrySettings, TransferSettings } from '../core/transfer.js';
import { parseLines, parseList, parseNumber, parsePairs, type InputScope } from './read.js';
import type { SecretCatalog } from '../secrets/catalog.js';
import { loadYaml } from './yaml.js';

export type { RegistrySettings, TransferSettings };

export interface RegistryLogin {
  registry: string;
  username: string;
  password: string;
}

/** A YAML parser (loaded only when `registry-auth` is a YAML list: it is most of a bundle's weight). */
export type YamlParse = (text: string) => unknown;

/** `registry-auth` is docker/login-action's YAML list form (its first line is `- …`). */
export const isYamlList = (raw: string) => /^\s*-\s/.test(raw.split(/\r?\n/).find((l) => l.trim() && !l.trim().startsWith('#')) ?? '');

function parseYamlLogins(raw: string, issues: ConfigIssue[], parseYaml: YamlParse): RegistryLogin[] {
  let list: unknown;
  try {
    // Line ends as YAML reads them everywhere but at the very end: a CRLF list whose final line
    // break was cut ("$(cat auth.yml)") left the last password ending in CR, and the login refused.
    list = parseYaml(raw.replace(/\r\n?/g, '\n'));
  } catch {
    issues.push({
      input: 'registry-auth',
      message: 'is neither REGISTRY=USERNAME:PASSWORD lines nor a YAML list of registry/username/password entries (the YAML does not parse)',
    });
    return [];
  }
  const entries: RegistryLogin[] = [];
  (Array.isArray(list) ? list : []).forEach((item: unknown, i) => {
    const e = (item ?? {}) as Record<string, unknown>;
    const [registry, username, password] = [e.registry, e.username, e.password].map((v) =>
      typeof v === 'string' || typeof v === 'number' ? String(v) : undefined,
    );
    // An entry without registry is Docker Hub's, as in docker/login-action.
    if (username === undefined || !password)
      issues.push({ input: 'registry-auth', message: `entry ${i + 1} needs username and password (and registry, else docker.io)` });
    else entries.push({ registry: registry || 'docker.io', username, password });
  });
  return entries;
}

/** `registry-auth`: `REGISTRY=USERNAME:PASSWORD` lines, or (with `parseYaml`) the YAML list docker/login-action takes. */
export function parseRegistryAuth(given: string, issues: ConfigIssue[], parseYaml?: YamlParse): RegistryLogin[] {
  // A byte order mark (a file saved by Windows Notepad) is no part of it: a YAML list did not parse.
  const raw = given.replace(/^\uFEFF/, '');
  if (isYamlList(raw)) {
    if (parseYaml) return parseYamlLogins(raw, issues, parseYaml);
    issues.push({ input: 'registry-auth', message: 'is a YAML list, which this reader does not take: give REGISTRY=USERNAME:PASSWORD lines' });
    return [];
  }
  const whole = otherForm(raw);
  if (whole) {
    issues.push({ input: 'registry-auth', message: whole });
    return [];
  }
  const entries: RegistryLogin[] = [];
  parseLines(raw).forEach((line, i) => {
    const eq = line.indexOf('=');
    const colon = line.indexOf(':', eq + 1);
    // `ghcr.io = bob:…`, aligned as people align a list: the spaces are no part of the registry or the user.
    const registry = line.slice(0, eq).trim();
    // What is before the first '=' is a registry (a host, a port, a scheme or path as Docker's config keys have them),
    // not a user and half a base64 password (`bob:c2Vj…=@host`) nor a login command (`docker login --password=…`).
    if (eq <= 0 || colon <= eq + 1 || !REGISTRY_KEY.test(registry)) {
      issues.push({ input: 'registry-auth', message: `line ${i + 1} ${lineForm(line)}` });
      return;
    }
    const password = line.slice(colon + 1);
    if (!password) issues.push({ input: 'registry-auth', message: `line ${i + 1}: the password for ${registry} is empty` });
    else entries.push({ registry, username: line.slice(eq + 1, colon).trim(), password });
  });
  return entries;
}

/**
 * A whole registry-auth written in another tool's form, named with the way to give it (never
 * quoted: it holds passwords): a Docker config's JSON (GitLab's DOCKER_AUTH_CONFIG habit), or
 * docker/login-action's `with:` keys as one YAML mapping rather than a list. Each was refused
 * line by line as "not REGISTRY=USERNAME:PASSWORD", its own form unnamed.
 */
function otherForm(raw: string): string | undefined {
  const first =
    raw
      .split(/\r?\n/)
      .find((l) => l.trim() && !l.trim().startsWith('#'))
      ?.trim() ?? '';
  if (first.startsWith('{'))
    return 'is a Docker config (JSON), which registry-auth does not take: give it as DOCKER_AUTH_CONFIG (or config.json in DOCKER_CONFIG), which Hoist reads as it is, or write REGISTRY=USERNAME:PASSWORD lines';
  if (/^(registry|username|password):(\s|$)/.test(first))
    return "is one YAML mapping (docker/login-action's with: keys): make it a list entry — '- registry: …' with username: and password: indented under it";
  return undefined;
}

/** A registry as a line names it: `ghcr.io`, `registry.acme:5000`, `[::1]:5000`, `https://index.docker.io/v1/`. */
const REGISTRY_KEY = /^([a-z][a-z0-9+.-]*:\/\/)?(\[[0-9a-f:.]+\]|[^\s@:/[\]]+)(:\d+)?(\/\S*)?$/i;

/** What a line that is not REGISTRY=USERNAME:PASSWORD is instead (the line itself is never shown). */
function lineForm(line: string): string {
  const t = line.trim();
  if (/^(docker|podman|buildah|skopeo|crane|helm registry)\s+login\b/.test(t))
    return 'is a login command: write the registry, user and password as REGISTRY=USERNAME:PASSWORD';
  if (/^([a-z]+:\/\/)?[^:@\s/]+:\S*@[a-z0-9.-]+(:\d+)?\/?$/i.test(t)) return 'is USERNAME:PASSWORD@REGISTRY: write REGISTRY=USERNAME:PASSWORD';
  return 'is not REGISTRY=USERNAME:PASSWORD (or give a YAML list of registry/username/password)';
}

/** The yaml package, loaded only for a YAML `registry-auth`, told to throw errors, never to print warnings (they quote the text). */
export async function yamlFor(raw: string): Promise<YamlParse | undefined> {
  if (!isYamlList(raw)) return undefined;
  return loadYaml();
}

export function parseTransfer(scope: InputScope, parseYaml?: YamlParse): TransferSettings {
  const registries = new Map<string, RegistrySettings>();
  const settingsFor = (registry: string) => {
    // As docker login and the Docker config's keys: a URL names its host (https://index.docker.io/v1/,
    // https://127.0.0.1:5443/); left as written, it matched no image and the push went without a login.
    const host = registryHost(
      registry
        .trim()
        .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
        .replace(/\/.*$/, ''),
    );
    let s = registries.get(host);
    if (!s) registries.set(host, (s = { insecure: false }));
    return s;
  };
  for (const entry of parseRegistryAuth(scope.read('registry-auth'), scope.issues, parseYaml)) {
    const s = settingsFor(entry.registry);
    s.username = entry.username;
    s.password = entry.password;
  }
  for (const [registry, path] of parsePairs(scope, 'registry-ca', /^[^\s=]+$/, 'REGISTRY=PATH')) settingsFor(registry).caFile = scope.abs(path.trim());
  for (const registry of parseList(scope.read('insecure-registries'))) settingsFor(registry).insecure = true;
  return { registries, retries: parseNumber(scope, 'retries', '3', 0, 10), concurrency: parseNumber(scope, 'concurrency', '8', 1, 64) };
}

/** Each registry-auth password into the catalog, also as the Basic authorization that carries it. */
export function catalogRegistryPasswords(transfer: TransferSettings, catalog: Pick<SecretCatalog, 'add' | 'hide'>): void {
  for (const [host, r] of transfer.registries) {
    if (!r.password) continue;
    catalog.add(`the registry-auth password for ${host}`, r.password);
    catalog.hide(Buffer.from(`${r.username ?? ''}:${r.password}`).toString('base64'));
  }
}
