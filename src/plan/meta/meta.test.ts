/**
 * docker/metadata-action's own table (__tests__/meta.test.ts, ported as data by
 * scripts/port-anchor-tables.mjs into test/fixtures/anchors/metadata-action-meta.json): every row's
 * run and inputs through Hoist's reading of the tag rules and flavor, against the version
 * (main, partial, latest) and the tags metadata-action expects. Property: the same rules on the
 * same run give the same tags, in the same order. Nearest real workflow: the metadata-action
 * step of its README's examples, deleted and its tags/flavor moved into Hoist's step. Every row
 * agrees: what Hoist then does differently (forward-only floating tags, the repositories) is
 * decided after these tags are made, and tested in release.test.ts and the drop-in tests.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, parseFlavor, parseTagRules } from '../../inputs/tag-rules.js';
import { computeMetaVersion, type MetaContext } from './version.js';

interface Row {
  group: string;
  name: string;
  run: { ref: string; event: string; sha: string; number?: number; payloadDefaultBranch?: string; baseRef?: string; prBaseRef?: string; headSha?: string };
  inputs: { images?: string[]; tags?: string[]; flavor?: string[] };
  version?: { main?: string; partial: string[]; latest: boolean };
  tags?: string[];
  json?: { tags: string[] };
  prHeadSha?: boolean;
}

const table = JSON.parse(readFileSync(new URL('../../../test/fixtures/anchors/metadata-action-meta.json', import.meta.url), 'utf8')) as {
  source: string;
  repoDefaultBranch: string;
  now: string;
  rows: Row[];
};

function contextOf(row: Row): MetaContext {
  const r = row.run;
  const now = new Date(table.now);
  return {
    ref: /pull_request_target/.test(r.event) ? `refs/pull/${r.number}/merge` : r.ref,
    eventName: r.event,
    sha: row.prHeadSha && /pull_request/.test(r.event) && r.headSha ? r.headSha : r.sha,
    defaultBranch: table.repoDefaultBranch,
    ...(r.payloadDefaultBranch ? { payloadDefaultBranch: r.payloadDefaultBranch } : {}),
    ...(r.baseRef !== undefined ? { baseRef: r.baseRef } : {}),
    ...(r.prBaseRef !== undefined ? { prBaseRef: r.prBaseRef } : {}),
    // metadata-action's table pins the clock (and so commit_date) to one instant.
    commitDate: now,
    now,
    shortShaLength: 7,
  };
}

/** The images a row tags: metadata-action's `name,enable=false` drops one; names are lower-cased. */
const imagesOf = (row: Row) =>
  (row.inputs.images ?? [])
    .filter((i) => !/,\s*enable=false/.test(i))
    .map((i) =>
      i
        .replace(/^name=/, '')
        .split(',')[0]!
        .toLowerCase(),
    );

function hoist(row: Row) {
  const rules = parseTagRules(row.inputs.tags?.length ? row.inputs.tags : [...DEFAULT_RULES]);
  const v = computeMetaVersion(rules, parseFlavor(row.inputs.flavor ?? []), contextOf(row));
  const names = v.main === undefined ? [] : v.tags.map((t) => t.tag);
  const images = imagesOf(row);
  return {
    version: { main: v.main, partial: v.partial, latest: v.latest },
    tags: images.length ? images.flatMap((i) => names.map((n) => `${i}:${n}`)) : names,
  };
}

describe(`metadata-action's meta.test.ts rows (${table.source})`, () => {
  const rows = table.rows.filter((r) => r.group !== 'json');
  it('has the rows it was ported with', () => expect(rows.length).toBe(114));
  it.each(rows.map((r) => [`${r.group}/${r.name}`, r] as const))('%s', (_name, row) => {
    const got = hoist(row);
    expect(got.version).toEqual(row.version);
    expect(got.tags).toEqual(row.tags);
  });
});

describe("metadata-action's json rows: the tags of its json output", () => {
  it.each(table.rows.filter((r) => r.group === 'json').map((r) => [r.name, r] as const))('%s', (_name, row) => {
    expect(hoist(row).tags).toEqual(row.json!.tags);
  });
});
