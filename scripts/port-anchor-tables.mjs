// Ports the anchors' own test tables into data Hoist's table tests read (no anchor code is copied
// or run: their tables are evaluated with stand-ins for every import, and only the rows are kept).
//   node scripts/port-anchor-tables.mjs <docker/metadata-action checkout>
// writes test/fixtures/anchors/metadata-action-meta.json: per row of __tests__/meta.test.ts its
// group, name, the run (ref, event, sha, payload facts), the inputs, and the version and tags
// metadata-action expects. Commit the result with the commit of the checkout it came from.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { transformSync } from 'esbuild';

const repo = process.argv[2];
if (!repo) throw new Error('usage: node scripts/port-anchor-tables.mjs <metadata-action git dir or checkout>');
const show = (path) => execFileSync('git', ['--git-dir', repo, 'show', `HEAD:${path}`], { encoding: 'utf8' });
const commit = execFileSync('git', ['--git-dir', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();

const rows = [];
let group = '';
const inert = new Proxy(function () {}, { get: (_t, k) => (k === Symbol.toPrimitive ? () => '' : inert), apply: () => inert, construct: () => inert });
const vitest = {
  describe: (name, fn) => ((group = name), fn()),
  beforeEach: () => {},
  expect: inert,
  vi: inert,
  test: { each: (table) => () => rows.push(...table.map((r) => ({ group, row: r }))) },
  it: inert,
};
const { code } = transformSync(show('__tests__/meta.test.ts'), { loader: 'ts', format: 'cjs' });
const fakeRequire = (m) => (m === 'vitest' ? vitest : m === 'fs' || m === 'path' ? createRequire(import.meta.url)(m) : m.endsWith('repo.json') ? {} : inert);
new Function('require', 'module', 'exports', '__dirname', code)(fakeRequire, { exports: {} }, {}, '/fixtures-dir');

const envOf = (file) =>
  Object.fromEntries(
    show(`__tests__/fixtures/${file}`)
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
const payloadOf = (env) => {
  const p = env.GITHUB_EVENT_PATH?.replace(/^\.\//, '');
  if (!p) return {};
  try {
    return JSON.parse(show(p));
  } catch {
    return {};
  }
};
const repoJson = JSON.parse(show('__tests__/fixtures/repo.json'));
const out = [];
for (const { group: g, row } of rows) {
  if (!['null', 'push', 'tag', 'latest', 'pr', 'pr-head-sha', 'schedule', 'release', 'raw', 'json'].includes(g)) continue;
  const [name, envFile, inputs, a, b] = row;
  const env = envOf(envFile);
  const payload = payloadOf(env);
  const run = {
    ref: env.GITHUB_REF ?? '',
    event: env.GITHUB_EVENT_NAME ?? '',
    sha: env.GITHUB_SHA ?? '',
    number: payload.number,
    payloadDefaultBranch: payload.repository?.default_branch,
    baseRef: payload.base_ref ?? undefined,
    prBaseRef: payload.pull_request?.base?.ref,
    headSha: payload.pull_request?.head?.sha,
    headCommit: payload.head_commit ? { id: payload.head_commit.id, timestamp: payload.head_commit.timestamp } : undefined,
    commits: payload.commits?.map((c) => ({ id: c.id, timestamp: c.timestamp })),
  };
  const expected = g === 'json' ? { json: a } : { version: a, tags: b };
  out.push({ group: g, name, envFile, run, inputs, ...expected, prHeadSha: g === 'pr-head-sha' || undefined });
}
// __tests__/tag.test.ts and flavor.test.ts: rule lines → the parsed rules (or invalid), flavor lines → the flavor.
const tagNames = {
  Type: { Schedule: 'schedule', Semver: 'semver', Pep440: 'pep440', Match: 'match', Edge: 'edge', Ref: 'ref', Raw: 'raw', Sha: 'sha' },
  RefEvent: { Branch: 'branch', Tag: 'tag', PR: 'pr' },
  ShaFormat: { Short: 'short', Long: 'long' },
};
tagNames.DefaultPriorities = { schedule: '1000', semver: '900', pep440: '900', match: '800', edge: '700', ref: '600', raw: '200', sha: '100' };
const captured = {};
for (const [file, key] of [
  ['__tests__/tag.test.ts', 'tag'],
  ['__tests__/flavor.test.ts', 'flavor'],
]) {
  rows.length = 0;
  const js = transformSync(show(file), { loader: 'ts', format: 'cjs' }).code;
  new Function('require', 'module', 'exports', '__dirname', js)(
    (m) => (m === 'vitest' ? vitest : m.includes('/src/') ? tagNames : inert),
    { exports: {} },
    {},
    '/',
  );
  captured[key] = rows.map(({ group: g, row }) => ({ group: g, input: row[0], expected: row[1], invalid: !!row[2] }));
}
writeFileSync(
  join(import.meta.dirname, '../test/fixtures/anchors/metadata-action-rules.json'),
  `${JSON.stringify({ source: `docker/metadata-action@${commit} __tests__/tag.test.ts, flavor.test.ts`, ...captured }, null, 1)}\n`,
);

const file = join(import.meta.dirname, '../test/fixtures/anchors/metadata-action-meta.json');
writeFileSync(
  file,
  `${JSON.stringify({ source: `docker/metadata-action@${commit} __tests__/meta.test.ts`, repoDefaultBranch: repoJson.default_branch, now: '2020-01-10T00:30:00.000Z', rows: out }, null, 1)}\n`,
);
console.log(`wrote ${out.length} rows to ${file}`);
