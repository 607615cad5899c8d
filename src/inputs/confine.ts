/**
 * What a build reads stays inside the tree it was given. The context, the Dockerfile and named
 * context directories are resolved with every link followed (`realpath`) and refused when they
 * land outside the root: the workspace, or a cloned git context's repository. A hierarchy file is
 * repository content, and so is a committed symlink (`app -> /etc`); only the workflow may widen
 * this, with `allow-outside-workspace` (a clone's repository is never widened).
 */
import { isAbsolute, relative } from 'node:path';
import { ConfigError, type ConfigIssue } from '../core/errors.js';
import type { Files } from '../core/files.js';
import type { SourceSettings } from './source.js';

export interface Confinement {
  /** The directory every path must resolve inside. */
  root: string;
  /** What the root is, for the message: `the workspace`, `the repository …`. */
  rootName: string;
  /** The input a refusal is reported under (`hierarchy` for an entry), and the entry's name. */
  input?: string;
  entry?: string;
}

export const workspaceConfinement = (workspace: string, input?: string, entry?: string): Confinement => ({
  root: workspace,
  rootName: 'the workspace',
  ...(input ? { input } : {}),
  ...(entry ? { entry } : {}),
});

const under = (root: string, path: string) => {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/** Where `path` leads with its links followed, and whether that is inside `root` (itself resolved); a missing path counts as inside (checked later). */
export async function resolveInside(files: Pick<Files, 'realpath'>, path: string, root: string): Promise<{ real?: string; root: string; inside: boolean }> {
  const [real, realRoot = root] = await Promise.all([files.realpath(path), files.realpath(root)]);
  return { ...(real !== undefined ? { real } : {}), root: realRoot, inside: real === undefined || under(realRoot, real) };
}

/** The issue for `path` (given under `input`), when it resolves outside the root. */
export async function confinePath(files: Pick<Files, 'realpath'>, input: string, path: string, c: Confinement): Promise<ConfigIssue | undefined> {
  const r = await resolveInside(files, path, c.root);
  if (r.inside) return undefined;
  const what = c.entry ? `${c.entry}: ${input} ${path}` : path;
  return {
    input: c.input ?? input,
    message: `${what} resolves to ${r.real}, outside ${c.rootName} (${r.root}): keep it inside, or let the workflow set allow-outside-workspace: true`,
  };
}

/** Refuses, as one ConfigError, every path of the source that resolves outside the root. */
export async function confineSource(files: Pick<Files, 'realpath'>, source: SourceSettings, c: Confinement): Promise<void> {
  if (source.allowOutsideWorkspace) return;
  const paths: Array<[string, string]> = [
    ['context', source.context],
    ['file', source.file],
    ...source.buildContexts.filter(([, v]) => !/^[a-z-]+:\/\//.test(v)).map(([name, v]): [string, string] => [`build-contexts (${name})`, v]),
  ];
  const issues: ConfigIssue[] = [];
  for (const [input, path] of paths) {
    if (!path) continue;
    const issue = await confinePath(files, input, path, c);
    if (issue) issues.push(issue);
  }
  if (issues.length) throw new ConfigError(issues);
}
