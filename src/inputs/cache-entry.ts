/**
 * `cache-from` and `cache-to` entries as buildx reads them: fields separated by commas, either all
 * image references (each a registry cache: `ghcr.io/acme/app:cache`) or `key=value` attributes, one
 * of them the `type` of a cache BuildKit has. Read when the inputs are, so a misspelt type or a
 * missing attribute fails before anything runs: passed on as it was, the daemon's builder (docker
 * build without buildx) took `type=nope` for an image name and built without a cache, saying nothing.
 */

/** The cache backends BuildKit imports from and exports to. */
export const CACHE_TYPES = ['registry', 'local', 'inline', 'gha', 's3', 'azblob'] as const;

export interface CacheEntry {
  type: string;
  /** Attributes other than `type`, keys in lower case (buildx reads them so). */
  attrs: Map<string, string>;
}

/** An image reference, loosely: what a registry cache's `ref` may be (no space, comma or `=`). */
const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._\-/:@]*$/;

/** What one entry of `input` (cache-from or cache-to) holds, or why it is no cache entry. */
export function parseCacheEntry(spec: string, input: 'cache-from' | 'cache-to'): CacheEntry[] | string {
  const fields = spec.split(',').map((f) => f.trim());
  if (fields.every((f) => !f.includes('='))) {
    const bad = fields.find((f) => !REFERENCE.test(f));
    if (bad !== undefined) return `'${spec}': '${bad}' is not an image reference — give a registry reference or type=…,key=value attributes`;
    return fields.map((ref) => ({ type: 'registry', attrs: new Map([['ref', ref]]) }));
  }
  const entry: CacheEntry = { type: '', attrs: new Map() };
  for (const field of fields) {
    const eq = field.indexOf('=');
    if (eq <= 0) return `'${spec}': '${field}' is not key=value — an entry is either image references or key=value attributes`;
    const key = field.slice(0, eq).toLowerCase();
    if (key === 'type') entry.type = field.slice(eq + 1);
    else entry.attrs.set(key, field.slice(eq + 1));
  }
  const known = CACHE_TYPES.join(', ');
  if (!entry.type) return `'${spec}' has no type= — one of ${known} (a bare image reference is a registry cache)`;
  if (!(CACHE_TYPES as readonly string[]).includes(entry.type)) return `'${spec}': '${entry.type}' is not a cache type BuildKit has: ${known}`;
  const missing = required(entry.type, input).filter((k) => !entry.attrs.get(k));
  if (missing.length) return `'${spec}': a ${entry.type} cache needs ${missing.map((k) => `${k}=`).join(' and ')}`;
  if (input === 'cache-from' && entry.type === 'inline')
    return `'${spec}': an inline cache is read from the image that holds it — give that image as type=registry,ref=IMAGE`;
  const mode = entry.attrs.get('mode');
  if (input === 'cache-to' && mode !== undefined && mode !== 'min' && mode !== 'max') return `'${spec}': mode=${mode} is neither min nor max`;
  return [entry];
}

/** The attributes a cache of `type` cannot do without, read or written. */
function required(type: string, input: 'cache-from' | 'cache-to'): string[] {
  if (type === 'registry') return ['ref'];
  if (type === 'local') return [input === 'cache-from' ? 'src' : 'dest'];
  return [];
}

/** The problems of each entry of `input`, one message each. */
export function cacheEntryIssues(specs: readonly string[], input: 'cache-from' | 'cache-to'): string[] {
  return specs.map((s) => parseCacheEntry(s, input)).filter((r): r is string => typeof r === 'string');
}

/**
 * The image references docker build and buildah take as `--cache-from`: a bare reference, or a
 * registry cache's `ref` (what buildx writes `type=registry,ref=…`); undefined for any other entry.
 */
export function cacheImageRefs(spec: string): string[] | undefined {
  const parsed = parseCacheEntry(spec, 'cache-from');
  if (typeof parsed === 'string' || parsed.some((e) => e.type !== 'registry')) return undefined;
  return parsed.map((e) => e.attrs.get('ref')!);
}
