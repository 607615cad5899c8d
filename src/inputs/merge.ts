/**
 * The inputs of a merge: the per-platform images to join (each by digest, as push-by-digest
 * output them), the repositories the index goes to, and the same tag inputs as a build — the
 * version's tags move with the build's forward-only rules.
 */
import type { ConfigIssue } from '../core/errors.js';
import type { CiContext } from '../core/platform.js';
import { parseReference, type Reference } from '../core/reference.js';
import type { Release } from '../core/release.js';
import type { SecretCatalog } from '../secrets/catalog.js';
import { parseImages, type ImageSpec } from './images.js';
import { inputScope, parseLines, parseList, type InputReader } from './read.js';
import { catalogRegistryPasswords, parseTransfer, yamlFor, type TransferSettings } from './registries.js';
import { catalogSigning, parseSigning, type SigningSettings } from './signing.js';
import { parseTagInputs, type TagSettings } from './tags.js';

export interface MergeInputs {
  /** The images to join, in the order given (the index lists their platforms in it). */
  sources: Reference[];
  /** `sources-dir`: a directory whose files each hold sources (one per line): the artifacts of the platforms' jobs. */
  sourcesDir: string | undefined;
  tags: TagSettings;
  transfer: TransferSettings;
  /** The build's `sign` inputs: the index and each platform image signed in every target once tagged. */
  signing: SigningSettings;
  release: Release;
}

/** One source line: a reference by digest (a tag is read once and pinned to its digest). */
export function parseSource(line: string, input: string): { source?: Reference; issue?: { input: string; message: string } } {
  try {
    const source = parseReference(line);
    if (!source.digest && !source.tag)
      return { issue: { input, message: `'${line}' names neither a digest nor a tag: give repo@sha256:… (push-by-digest's digest output)` } };
    return { source };
  } catch (e) {
    return { issue: { input, message: `'${line}': ${(e as Error).message}` } };
  }
}

/** A merge's settings as read, before its release is planned (`plan/inputs.ts`): the images, the problems found, the `created` input. */
export interface MergeSettings {
  settings: Omit<MergeInputs, 'release'>;
  images: ImageSpec[];
  issues: ConfigIssue[];
  created: string;
}

export async function readMergeSettings(read: InputReader, ctx: CiContext, catalog: SecretCatalog): Promise<MergeSettings> {
  const scope = inputScope(read, ctx.workspace, ctx.env);
  const { issues } = scope;
  const sources: Reference[] = [];
  for (const line of parseList(read('sources'))) {
    const { source, issue } = parseSource(line, 'sources');
    if (source) sources.push(source);
    if (issue) issues.push(issue);
  }
  const dir = parseLines(read('sources-dir'))[0];
  if (!sources.length && !dir && !issues.length)
    issues.push({
      input: 'sources',
      message: 'nothing to merge: list the images (repo@sha256:…, one per line), or set sources-dir to the directory of their digest files',
    });
  const images = parseImages(scope);
  for (const i of images)
    if (i.target) issues.push({ input: 'images', message: `target=${i.target}: a merge builds nothing (set it on the build of each platform)` });
  const tags = parseTagInputs(scope);
  const transfer = parseTransfer(scope, await yamlFor(read('registry-auth')));
  catalogRegistryPasswords(transfer, catalog);
  const signing = parseSigning(scope);
  catalogSigning(signing, catalog);
  return { settings: { sources, sourcesDir: dir ? scope.abs(dir) : undefined, tags, transfer, signing }, images, issues, created: read('created') };
}
