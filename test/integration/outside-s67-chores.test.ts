// `hoist tags` chores as cleanup jobs run them, through the CLI bundle (HOIST_TEST_CLI for a
// private one) against the lab's registries, checked with skopeo.
// - tags prune of tags made at one time (a CI job tagging pr-8 … pr-11 in a second): the tie was
//   broken by plain text, so pr-8 and pr-9 stayed and the newest two went.
// - a repeated single-value flag of tags prune (`--match 'sha-*' --match 'pr-*'`, `--keep 3 --keep
//   5`): the last one silently won, exit 0; push refuses the like (exit 2).
// - tags delete / prune --dry-run on a registry with deletes disabled: "would delete", exit 0,
//   where the real run is refused (exit 3). Both now ask the registry first, the dry run without
//   writing, and agree.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { hoist, lab, run, uniqueRepo } from './lab.js';
import { parseRepository } from '../../src/core/reference.js';
import { pushGraph } from '../../src/push/engine.js';
import { RegistryClient } from '../../src/registry/client.js';
import { releaseImage } from '../support/releases.js';

const insecure = () => ['--insecure-registries', lab().registries.plain.host, '--insecure-registries', lab().registries.nodelete.host];
const listTags = async (ref: string) =>
  ((JSON.parse(await run('skopeo', ['list-tags', '--tls-verify=false', `docker://${ref}`])) as { Tags: string[] }).Tags ?? []).sort();
const cli = async (args: string[]) => hoist([...args, ...insecure()], { cwd: await mkdtemp(`${tmpdir()}/hoist-s67-`) });

/** Each tag on an image of its own, all made at `created` (ISO), pushed by Hoist's push engine. */
async function pushAt(repo: string, tags: readonly string[], created = '2026-12-01T10:00:00Z'): Promise<void> {
  const repository = parseRepository(repo);
  const c = new RegistryClient({ host: repository.host, insecure: true, retries: 0, userAgent: 't' });
  for (const tag of tags) {
    const image = releaseImage(tag, `r-${tag}`, 512, { 'org.opencontainers.image.created': created });
    await pushGraph(image.graph, image.source, [{ repository, tags: [tag] }], { clientFor: () => c, concurrency: 4, perHost: 4 });
  }
  await c.close();
}

describe('tags prune of tags made at one time', () => {
  it('keeps the highest by number (pr-10, pr-11), whatever the text order', async () => {
    const repo = `${lab().registries.plain.host}/${uniqueRepo('outside-s67/ties')}`;
    await pushAt(repo, ['pr-8', 'pr-9', 'pr-10', 'pr-11']);
    const r = await cli(['tags', 'prune', repo, '--keep', '2', '--match', 'pr-*']);
    expect({ code: r.code, pruned: r.stdout.trim().split('\n').sort(), left: await listTags(repo) }).toEqual({
      code: 0,
      pruned: ['pr-8', 'pr-9'],
      left: ['pr-10', 'pr-11'],
    });
  }, 120_000);
});

describe('a repeated single-value flag of tags prune', () => {
  it.each([
    ['--match', ['--keep', '0', '--match', 'sha-*', '--match', 'pr-*']],
    ['--keep', ['--keep', '3', '--keep', '0', '--match', '*']],
    ['--older-than', ['--keep', '0', '--match', '*', '--older-than', '1d', '--older-than', '1m']],
  ])(
    '%s twice: exit 2, naming it, nothing deleted',
    async (flag, args) => {
      const repo = `${lab().registries.plain.host}/${uniqueRepo('outside-s67/repeat')}`;
      await pushAt(repo, ['sha-a', 'pr-1'], '2020-01-01T00:00:00Z');
      const r = await cli(['tags', 'prune', repo, ...args]);
      expect({ code: r.code, said: r.stderr.includes(`${flag} is given 2 times: it takes one value`), left: await listTags(repo) }).toEqual({
        code: 2,
        said: true,
        left: ['pr-1', 'sha-a'],
      });
    },
    120_000,
  );

  it('--unprotect is a list: given twice, both kinds are named', async () => {
    const repo = `${lab().registries.plain.host}/${uniqueRepo('outside-s67/unprotect')}`;
    await pushAt(repo, ['latest', '1.0.0'], '2020-01-01T00:00:00Z');
    const r = await cli(['tags', 'prune', repo, '--keep', '0', '--match', '*', '--unprotect', 'latest', '--unprotect', 'releases', '--dry-run']);
    expect({ code: r.code, pruned: r.stdout.trim().split('\n').sort() }).toEqual({ code: 0, pruned: ['1.0.0', 'latest'] });
  }, 120_000);
});

describe('a dry run says what the real run does', () => {
  const refused = /does not allow deleting manifests \(405 UNSUPPORTED\)/;
  const commands = (repo: string) =>
    [
      ['tags delete', ['tags', 'delete', `${repo}:1.0`]],
      ['tags prune', ['tags', 'prune', repo, '--keep', '0', '--match', '1.*', '--unprotect', 'releases']],
    ] as const;

  it.each([0, 1])(
    'on a registry with deletes disabled: both refused, exit 3, nothing deleted (%i: delete, prune)',
    async (which) => {
      const repo = `${lab().registries.nodelete.host}/${uniqueRepo('outside-s67/nodelete')}`;
      await pushAt(repo, ['1.0', '1.0.1'], '2020-01-01T00:00:00Z');
      const [, args] = commands(repo)[which]!;
      const dry = await cli([...args, '--dry-run']);
      const real = await cli([...args]);
      expect({
        dry: { code: dry.code, refused: refused.test(dry.stderr), would: dry.stderr.includes('would delete') },
        real: { code: real.code, refused: refused.test(real.stderr) },
        left: await listTags(repo),
      }).toEqual({ dry: { code: 3, refused: true, would: false }, real: { code: 3, refused: true }, left: ['1.0', '1.0.1'] });
    },
    120_000,
  );

  it.each([0, 1])(
    'on a registry that deletes: the dry run deletes nothing, the real run what it said (%i: delete, prune)',
    async (which) => {
      const repo = `${lab().registries.plain.host}/${uniqueRepo('outside-s67/deletes')}`;
      await pushAt(repo, ['1.0', '1.0.1'], '2020-01-01T00:00:00Z');
      const [, args] = commands(repo)[which]!;
      const dry = await cli([...args, '--dry-run']);
      const between = await listTags(repo);
      const real = await cli([...args]);
      const gone = which === 0 ? ['1.0'] : ['1.0', '1.0.1'];
      expect({
        dry: { code: dry.code, said: gone.map((t) => dry.stderr.includes(`:${t}: would delete`)) },
        between,
        real: { code: real.code, said: gone.map((t) => real.stderr.includes(`:${t}: deleted`)) },
        left: await listTags(repo),
      }).toEqual({
        dry: { code: 0, said: gone.map(() => true) },
        between: ['1.0', '1.0.1'],
        real: { code: 0, said: gone.map(() => true) },
        left: ['1.0', '1.0.1'].filter((t) => !gone.includes(t)),
      });
    },
    120_000,
  );
});
