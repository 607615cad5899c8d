// Ports the anchors' own test tables into data Hoist's table tests read (no anchor code is copied
// or run: their tables are evaluated with stand-ins for every import, and only the rows are kept).
//   node scripts/port-anchor-tables.mjs <metadata-action> <build-push-action> <actions-toolkit>   (git dirs)
// writes test/fixtures/anchors/: metadata-action-meta.json (per row of __tests__/meta.test.ts its
// group, name, the run — ref, event, sha, payload facts —, the inputs, the version and tags
// expected), metadata-action-rules.json (tag.test.ts, flavor.test.ts), build-push-action-args.json
// (context.test.ts's getArgs rows: inputs, environment, argv) and actions-toolkit-lists.json
// (util.test.ts's getInputList cases). Each file names the commit it came from.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { transformSync } from 'esbuild';

const [repo, bpaRepo, toolkitRepo] = process.argv.slice(2);
if (!toolkitRepo) throw new Error('usage: node scripts/port-anchor-tables.mjs <metadata-action> <build-push-action> <actions-toolkit> (git dirs)');
const showIn = (dir, path) => execFileSync('git', ['--git-dir', dir, 'show', `HEAD:${path}`], { encoding: 'utf8' });
const commitOf = (dir) => execFileSync('git', ['--git-dir', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
const show = (path) => showIn(repo, path);
const commit = commitOf(repo);
const fixtures = join(import.meta.dirname, '../test/fixtures/anchors');

const rows = [];
let group = '';
const inert = new Proxy(function () {}, { get: (_t, k) => (k === Symbol.toPrimitive ? () => '' : inert), apply: () => inert, construct: () => inert });
const vitest = {
  describe: (name, fn) => ((group = name), fn()),
  beforeEach: () => {},
  afterEach: () => {},
  expect: inert,
  vi: inert,
  test: Object.assign(() => {}, { each: (table) => () => rows.push(...table.map((r) => ({ group, row: r }))) }),
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
  join(fixtures, 'metadata-action-rules.json'),
  `${JSON.stringify({ source: `docker/metadata-action@${commit} __tests__/tag.test.ts, flavor.test.ts`, ...captured }, null, 1)}\n`,
);

const file = join(import.meta.dirname, '../test/fixtures/anchors/metadata-action-meta.json');
writeFileSync(
  file,
  `${JSON.stringify({ source: `docker/metadata-action@${commit} __tests__/meta.test.ts`, repoDefaultBranch: repoJson.default_branch, now: '2020-01-10T00:30:00.000Z', rows: out }, null, 1)}\n`,
);
console.log(`wrote ${out.length} rows to ${file}`);

// build-push-action's getArgs table: its placeholders for temporary paths kept as names.
{
  rows.length = 0;
  const js = transformSync(showIn(bpaRepo, '__tests__/context.test.ts'), { loader: 'ts', format: 'cjs' }).code;
  const real = createRequire(import.meta.url);
  const fakePath = {
    ...real('path'),
    join: (...p) =>
      p.at(-1) === 'secret.txt'
        ? '<fixtures>/secret.txt'
        : p.at(-1) === '.tmpname-vi'
          ? '<tmpName>'
          : p.at(-1) === 'metadata.json'
            ? '<metadataFile>'
            : p.at(-1) === 'iidfile.txt'
              ? '<iidFile>'
              : p.join('/'),
  };
  const fakeFs = { mkdtempSync: () => '<tmp>', existsSync: () => true, mkdirSync: () => {}, readFileSync: () => '{"lastActivity":"2020-01-01T00:00:00Z"}' };
  const req = (m) => (m === 'vitest' ? vitest : m === 'fs' ? fakeFs : m === 'path' ? fakePath : m === 'os' ? real('os') : inert);
  new Function('require', 'module', 'exports', '__dirname', 'process', js)(req, { exports: {} }, {}, '/', { env: {} });
  const argsRows = rows
    .filter(({ group: g }) => g === 'getArgs')
    .map(({ row: [num, buildx, inputs, argv, env] }) => ({ num, buildx, inputs: Object.fromEntries(inputs), argv, env: env ? Object.fromEntries(env) : {} }));
  writeFileSync(
    join(fixtures, 'build-push-action-args.json'),
    `${JSON.stringify({ source: `docker/build-push-action@${commitOf(bpaRepo)} __tests__/context.test.ts getArgs`, rows: argsRows }, null, 1)}\n`,
  );
  console.log(`wrote ${argsRows.length} getArgs rows`);
}

// actions-toolkit's getInputList cases: each it() sets one input, reads it with options, expects a list.
{
  const cases = [];
  const queue = [];
  let current;
  const env = {};
  const js = transformSync(showIn(toolkitRepo, '__tests__/util.test.ts'), { loader: 'ts', format: 'cjs' }).code;
  let inList = false;
  const t = {
    describe: (name, fn) => {
      inList = name === 'getInputList';
      fn();
      inList = false;
    },
    it: (name, fn) => inList && queue.push([name, fn]),
    test: Object.assign(() => {}, { each: () => () => {} }),
    expect: (got) => ({ toEqual: (want) => got?.__list && Object.assign(current, { ...got.__list, expected: want }) }),
    vi: inert,
  };
  t.describe.each = () => () => {};
  const Util = { getInputList: (name, opts) => ({ __list: { input: env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`], opts: opts ?? {} } }) };
  const real = createRequire(import.meta.url);
  const fakeFs = { ...real('fs'), readFileSync: (p) => showIn(toolkitRepo, `__tests__/.fixtures/${p.split('/').pop()}`) };
  const req = (m) =>
    m === 'vitest' ? t : m === 'fs' ? fakeFs : m === 'path' ? real('path') : m.endsWith('/util.js') || m.endsWith('/util') ? { Util } : inert;
  new Function('require', 'module', 'exports', '__dirname', 'process', js)(req, { exports: {} }, {}, '/', { env });
  for (const [name, fn] of queue) {
    current = { name };
    await fn(); // some cases await their setInput
    cases.push(current);
  }
  writeFileSync(
    join(fixtures, 'actions-toolkit-lists.json'),
    `${JSON.stringify({ source: `docker/actions-toolkit@${commitOf(toolkitRepo)} __tests__/util.test.ts getInputList`, cases }, null, 1)}\n`,
  );
  console.log(`wrote ${cases.length} getInputList cases`);
}
