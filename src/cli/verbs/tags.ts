/**
 * `hoist tags list|delete|prune`: the tags of a repository. Its run (tags-run.ts) loads when the verb
 * runs: a `tags list` loads the registry client, the tag reading and deleting, and little else.
 */
import { formatReference, parseReference, parseRepository, type Repository } from '../../core/reference.js';
import { referenceError, webPage } from '../../inputs/images.js';
import { UNPROTECTABLE, type Unprotectable } from '../../maintain/prune.js';
import { tagGlob } from '../../maintain/tag-glob.js';
import { UsageError } from '../usage.js';
import { registryVerb } from './registry.js';
import type { TagsTask } from './tags-run.js';
import type { Options, Values } from './verb.js';

const SUBCOMMANDS = ['list', 'delete', 'prune'] as const;

const repo = (text: string | undefined, what: string): Repository => {
  if (!text) throw new UsageError(`${what}: give a repository, e.g. registry.acme/team/app`);
  const page = webPage(text);
  if (page) throw new UsageError(`${what}: ${page}`);
  // A registry alone (`127.0.0.1:5100`, `registry.acme`) read as a Docker Hub name would be 'names a tag'.
  if (!text.includes('/') && /[.:]|^localhost$/.test(text))
    throw new UsageError(`${what}: '${text}' is a registry, not a repository: give REGISTRY/REPOSITORY, e.g. ${text}/team/app`);
  try {
    return parseRepository(text);
  } catch (e) {
    // `hoist tags list registry.acme/app:1.4` (skopeo list-tags' habit): the repository is what it lists or prunes.
    const alone = /^(.*\/[^/:@]+):[\w][\w.-]{0,127}$/.exec(text)?.[1];
    const message = referenceError(text, e).replace(/ \(tags come from version\/tags\)$/, alone ? `: write ${alone}` : '');
    throw new UsageError(`${what}: ${message}`);
  }
};

function target(p: string): { repository: Repository; tag: string } {
  const page = webPage(p);
  if (page) throw new UsageError(`tags delete: ${page}`);
  const ref = (() => {
    try {
      return parseReference(p);
    } catch (e) {
      throw new UsageError(`tags delete: ${referenceError(p, e)}`);
    }
  })();
  // A digest-pinned reference (crane's and cosign's habit, `app:1.2@sha256:…`) names a tag and an image:
  // it was told "names no tag". tags delete removes tag names only; the image stays for its other tags.
  if (ref.digest) {
    const plainRef = formatReference(ref, ref.tag);
    throw new UsageError(
      ref.tag
        ? `tags delete: '${p}' pins a digest: tags delete removes a tag by its name, whatever image it is on — give ${plainRef}`
        : `tags delete: '${p}' names an image by digest, no tag: tags delete removes tags (give REPO:TAG; hoist tags list ${plainRef} --digest shows the tags on each image)`,
    );
  }
  if (!ref.tag) throw new UsageError(`tags delete: '${p}' names no tag: give REPO:TAG`);
  return { repository: { registry: ref.registry, host: ref.host, path: ref.path }, tag: ref.tag };
}

/**
 * A single-value flag's one value. parseArgs keeps the last of a repeated one silently
 * (`--match 'sha-*' --match 'pr-*'` pruned pr-* alone): like push, it is refused, nothing deleted.
 */
function single(values: Values, name: string): string | undefined {
  const given = values[name] as string[] | undefined;
  if (given && given.length > 1) throw new UsageError(`tags prune: --${name} is given ${given.length} times: it takes one value${HINTS[name] ?? ''}`);
  return given?.[0];
}

const HINTS: Readonly<Record<string, string>> = { match: ' (one glob: run tags prune once for each)' };

function prune(values: Values, positionals: string[]): TagsTask {
  if (positionals.length !== 1) throw new UsageError('tags prune takes one repository');
  // A list flag: `--unprotect latest --unprotect releases` names both, as `--unprotect latest,releases`.
  const unprotect = ((values.unprotect as string[] | undefined) ?? [])
    .join(',')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  const unknown = unprotect.filter((u) => !(UNPROTECTABLE as readonly string[]).includes(u));
  if (unknown.length) throw new UsageError(`--unprotect: '${unknown.join(',')}' is not one of ${UNPROTECTABLE.join(', ')}`);
  const given = single(values, 'keep');
  const keep = Number(given);
  if (given === undefined) throw new UsageError('tags prune: --keep N (a whole number, the tags to keep) is required');
  // Given but not a count: said as such, not as missing.
  if (!/^\d+$/.test(given.trim()) || !Number.isSafeInteger(keep))
    throw new UsageError(`tags prune: --keep: '${given}' is not a whole number of tags to keep (0 or more)`);
  const olderThan = single(values, 'older-than');
  if (olderThan !== undefined && !/^\d+[mhdw]$/.test(olderThan)) throw new UsageError(`--older-than: '${olderThan}' is not a duration (90m, 12h, 30d, 2w)`);
  const match = single(values, 'match');
  if (match !== undefined) {
    try {
      tagGlob(match);
    } catch (e) {
      throw new UsageError(`tags prune: --match: ${(e as Error).message}`);
    }
  }
  return {
    verb: 'prune',
    repository: repo(positionals[0], 'tags prune'),
    keep,
    ...(match ? { match } : {}),
    ...(olderThan ? { olderThan } : {}),
    dryRun: values['dry-run'] === true,
    unprotect: unprotect as Unprotectable[],
    pruneUnknownAge: values['prune-unknown-age'] === true,
  };
}

function parse(values: Values, positionals: string[], sub?: string): TagsTask {
  if (sub === 'list') {
    if (positionals.length !== 1) throw new UsageError('tags list takes one repository');
    return { verb: 'list', repository: repo(positionals[0], 'tags list'), digest: values.digest === true };
  }
  if (sub === 'delete') {
    if (!positionals.length) throw new UsageError('tags delete takes REPO:TAG arguments');
    return { verb: 'delete', targets: positionals.map(target), dryRun: values['dry-run'] === true };
  }
  return prune(values, positionals);
}

export const tags = registryVerb<TagsTask>({
  name: 'tags',
  summary: 'list, delete (only the tags named) or prune the tags of a repository',
  usage: `  hoist tags list REPO [--digest] [--json]            every tag, sorted, one request per page (--digest: each tag read, grouped by digest)
  hoist tags delete REPO:TAG... [--dry-run] [--json]  removes only the named tags; a shared digest stays for the others
  hoist tags prune REPO --keep N [--match GLOB] [--older-than 30d] [--unprotect latest,releases] [--prune-unknown-age] [--dry-run] [--json]
                                                      keeps the newest N matching tags; never a release's digest,
                                                      latest or a version tag unless --match names them`,
  examples: [
    'hoist tags list registry.acme/team/app | head -5',
    'hoist tags delete registry.acme/team/app:pr-41 registry.acme/team/app:pr-42',
    'hoist tags prune registry.acme/team/app --keep 20 --match "sha-*" --dry-run',
  ],
  subcommands: SUBCOMMANDS,
  subcommand: (word) => {
    if (word !== undefined && (SUBCOMMANDS as readonly string[]).includes(word)) return word;
    throw new UsageError(word ? `unknown tags command '${word}': use list, delete or prune` : 'tags needs a command: list, delete or prune');
  },
  options: (sub): Options =>
    sub === 'list'
      ? { digest: { type: 'boolean' } }
      : sub === 'delete'
        ? { 'dry-run': { type: 'boolean' } }
        : {
            // Each taken as many times as given, so that a repeated one is refused (single), not the last kept.
            keep: { type: 'string', multiple: true },
            match: { type: 'string', multiple: true },
            'older-than': { type: 'string', multiple: true },
            'dry-run': { type: 'boolean' },
            unprotect: { type: 'string', multiple: true },
            'prune-unknown-age': { type: 'boolean' },
          },
  parse,
  run: async (job) => (await import('./tags-run.js')).runTags(job),
});
