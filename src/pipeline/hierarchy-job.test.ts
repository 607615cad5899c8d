// An entry's job of a family built as CI jobs, with a fake of Hoist's own seam (the resolution of an
// ancestor): it finds its ancestors root first, each on the digest found for its parent, and refuses
// naming the first one missing.
// Nearest real-world variant: the app's job of a golden-image family started while the runtime's job
// of the same pipeline failed (or was retried out of order).
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { orderEntries, type HierarchyEntry } from '../inputs/hierarchy.js';
import type { EntryResult, ResolvedEntry } from './hierarchy-entry.js';
import { findAncestors } from './hierarchy-job.js';

const family = (pairs: Array<[string, string?]>): HierarchyEntry[] =>
  orderEntries(
    pairs.map(([name, from]) => ({ name, context: name, buildArgs: [], images: [`r.example/g/${name}`], ...(from ? { from } : {}) })),
    'family.yml',
  );

const golden = family([['app1', 'runtime'], ['os'], ['runtime', 'os'], ['app2', 'runtime'], ['tool', 'os']]);

describe('findAncestors (an entry’s job)', () => {
  const byName = new Map(golden.map((e) => [e.name, e]));
  const resolved = (e: HierarchyEntry, existing?: string): ResolvedEntry =>
    ({
      entry: e,
      probe: {
        release: { images: [{ repository: { registry: 'r.example', host: 'r.example', path: `g/${e.name}` }, tags: [{ tag: '1.0.0' }, { tag: 'latest' }] }] },
      },
      repositories: [{ registry: 'r.example', host: 'r.example', path: `g/${e.name}` }],
      pinned: '',
      digest: `sha256:inputs-of-${e.name}`,
      ...(existing ? { existing } : {}),
    }) as unknown as ResolvedEntry;

  it('root first, each resolved on the digest found for its parent', async () => {
    const seen: Array<[string, string | undefined]> = [];
    const parent = await findAncestors(byName.get('app1')!, byName, async (e, p: EntryResult | undefined) => {
      seen.push([e.name, p?.digest]);
      return resolved(e, `sha256:${e.name}`);
    });
    expect(seen).toEqual([
      ['os', undefined],
      ['runtime', 'sha256:os'],
    ]);
    expect(parent).toMatchObject({ name: 'runtime', digest: 'sha256:runtime' });
  });

  it('a parent not built from its inputs in this run: refused, naming it, its tags and the inputs digest looked for', async () => {
    const err = await findAncestors(byName.get('app1')!, byName, async (e) => resolved(e, e.name === 'os' ? 'sha256:os' : undefined)).catch((x) => x);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues[0]!.input).toBe('hierarchy-entry');
    expect((err as ConfigError).issues[0]!.message).toBe(
      "app1 is built on runtime, which has no image from its inputs in this run: looked for an image labelled dev.hoist.inputs.digest=sha256:inputs-of-runtime under r.example/g/runtime:{1.0.0,latest}, found none — runtime's job failed or has not run yet; run it (or re-run it) first",
    );
  });

  it('a root entry has no ancestors to find', async () => {
    expect(await findAncestors(byName.get('os')!, byName, () => Promise.reject(new Error('not called')))).toBeUndefined();
  });
});
