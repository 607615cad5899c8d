/**
 * A hierarchy file: a family of images built from one step, each entry a build of its own
 * (`name`, `context`, `file`, `target`, `build-args`, `images`, `version`) on the image of the
 * entry its `from` names. Parsed and ordered here, purely: parents before their children, a cycle
 * or an unknown `from` an input error naming the entries.
 */
import { ConfigError, type ConfigIssue } from '../core/errors.js';
import { isAbsolute, resolve } from 'node:path';
import { parseRepository } from '../core/reference.js';
import type { Files } from '../effects/files.js';
import { confinePath, workspaceConfinement } from './confine.js';
import { loadYaml } from './yaml.js';

export interface HierarchyEntry {
  name: string;
  context: string;
  file?: string;
  target?: string;
  buildArgs: Array<[string, string]>;
  /** Repositories, as the `images` input takes them (one per line, with settings). */
  images: string[];
  version?: string;
  /** The entry whose image this one is built on. */
  from?: string;
  /** Its parents up to the root, nearest first. */
  ancestors: string[];
}

const NAME = /^[a-z0-9][a-z0-9._-]*$/;
const KEYS = new Set(['name', 'context', 'file', 'target', 'build-args', 'images', 'version', 'from']);

const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v).trim() : undefined);

function buildArgs(raw: unknown, where: string, issues: ConfigIssue[]): Array<[string, string]> {
  if (raw === undefined || raw === null) return [];
  const pairs: Array<[string, string]> = [];
  const lines = Array.isArray(raw) ? raw.map(text) : typeof raw === 'object' ? Object.entries(raw).map(([k, v]) => `${k}=${text(v) ?? ''}`) : [text(raw)];
  for (const line of lines.flatMap((l) => (l ?? '').split('\n')).filter(Boolean)) {
    const eq = line.indexOf('=');
    if (eq < 1) issues.push({ input: 'hierarchy', message: `${where}: build-args '${line}' is not NAME=VALUE` });
    else pairs.push([line.slice(0, eq), line.slice(eq + 1)]);
  }
  return pairs;
}

/** The entries of a parsed hierarchy document, checked one by one (not yet ordered). */
export function parseHierarchy(doc: unknown, file: string): Array<Omit<HierarchyEntry, 'ancestors'>> {
  const issues: ConfigIssue[] = [];
  const list = (doc as { images?: unknown } | null)?.images;
  if (!Array.isArray(list) || !list.length)
    throw new ConfigError([{ input: 'hierarchy', message: `${file} has no images: list: give each entry a name, a context and images` }]);
  const entries: Array<Omit<HierarchyEntry, 'ancestors'>> = [];
  for (const [i, raw] of list.entries()) {
    const where = `${file}: images[${i}]`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      issues.push({ input: 'hierarchy', message: `${where} is not a mapping (name, context, images, from)` });
      continue;
    }
    const e = raw as Record<string, unknown>;
    for (const k of Object.keys(e))
      if (!KEYS.has(k)) issues.push({ input: 'hierarchy', message: `${where}: unknown key '${k}' (known: ${[...KEYS].join(', ')})` });
    const name = text(e.name);
    const label = name ? `${file}: ${name}` : where;
    if (!name || !NAME.test(name))
      issues.push({ input: 'hierarchy', message: `${where}: name ${name ? `'${name}' must be lower-case letters, digits, '.', '_', '-'` : 'is missing'}` });
    else if (entries.some((x) => x.name === name)) issues.push({ input: 'hierarchy', message: `${file}: the name '${name}' is given twice` });
    const context = text(e.context);
    if (!context) issues.push({ input: 'hierarchy', message: `${label}: context is missing` });
    const images = (Array.isArray(e.images) ? e.images.map(text) : (text(e.images) ?? '').split('\n')).map((x) => x?.trim()).filter((x): x is string => !!x);
    if (!images.length) issues.push({ input: 'hierarchy', message: `${label}: images is missing: where the image goes` });
    for (const image of images) {
      try {
        parseRepository(image.split(/\s+/)[0]!);
      } catch (err) {
        issues.push({ input: 'hierarchy', message: `${label}: '${image}': ${(err as Error).message}` });
      }
    }
    const from = text(e.from);
    entries.push({
      name: name ?? `#${i}`,
      context: context ?? '.',
      ...(text(e.file) ? { file: text(e.file)! } : {}),
      ...(text(e.target) ? { target: text(e.target)! } : {}),
      buildArgs: buildArgs(e['build-args'], label, issues),
      images,
      ...(text(e.version) ? { version: text(e.version)! } : {}),
      ...(from ? { from } : {}),
    });
  }
  if (issues.length) throw new ConfigError(issues);
  return entries;
}

/** Parents before children, else in file order; a cycle or an unknown `from` names the entries. */
export function orderEntries(entries: ReadonlyArray<Omit<HierarchyEntry, 'ancestors'>>, file: string): HierarchyEntry[] {
  const byName = new Map(entries.map((e) => [e.name, e]));
  const issues: ConfigIssue[] = [];
  for (const e of entries) {
    if (e.from && !byName.has(e.from))
      issues.push({
        input: 'hierarchy',
        message: `${file}: ${e.name} is from '${e.from}', which no entry is named (entries: ${[...byName.keys()].join(', ')})`,
      });
  }
  if (issues.length) throw new ConfigError(issues);
  const ancestorsOf = (e: Omit<HierarchyEntry, 'ancestors'>): string[] | undefined => {
    const chain: string[] = [];
    for (let at = e.from; at; at = byName.get(at)!.from) {
      if (at === e.name || chain.includes(at)) return undefined;
      chain.push(at);
    }
    return chain;
  };
  const ordered: HierarchyEntry[] = [];
  const cyclic: string[] = [];
  for (const e of entries) {
    const ancestors = ancestorsOf(e);
    if (!ancestors) cyclic.push(e.name);
    else ordered.push({ ...e, ancestors });
  }
  if (cyclic.length)
    throw new ConfigError([
      {
        input: 'hierarchy',
        message: `${file}: ${cyclic.join(', ')} ${cyclic.length === 1 ? 'is' : 'are'} in a cycle of from: (an image cannot be built on itself)`,
      },
    ]);
  // Depth first: an entry after every ancestor, entries of one depth in file order.
  return ordered.sort((a, b) => a.ancestors.length - b.ancestors.length);
}

/**
 * Reads, parses and orders the hierarchy file `file` (relative to the workspace). The file, links
 * followed, must be inside the workspace unless the workflow allows otherwise (`allowOutside`):
 * a committed symlink must not have a file of the runner parsed and quoted in an error.
 */
export async function readHierarchy(
  files: Pick<Files, 'readTextIfExists' | 'realpath'>,
  workspace: string,
  file: string,
  allowOutside = false,
): Promise<HierarchyEntry[]> {
  const path = isAbsolute(file) ? file : resolve(workspace, file);
  const outside = allowOutside ? undefined : await confinePath(files, 'hierarchy', path, workspaceConfinement(workspace));
  if (outside) throw new ConfigError([outside]);
  const text = await files.readTextIfExists(path);
  if (text === undefined) throw new ConfigError([{ input: 'hierarchy', message: `no hierarchy file at ${path}` }]);
  const parse = await loadYaml();
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new ConfigError([{ input: 'hierarchy', message: `${file} is not YAML: ${(e as Error).message.split('\n')[0]}` }]);
  }
  return orderEntries(parseHierarchy(doc, file), file);
}
