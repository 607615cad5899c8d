// A tag listing that is no page of tags: a corporate proxy's HTML login page answered 200 in the
// registry's place, or JSON whose tags are no strings. The lab's plain registry behind a fault proxy
// that rewrites its tags/list answers. `hoist tags list`, `tags prune` and the floating tags of
// `hoist push` printed bare JavaScript errors ("Unexpected token '<' … is not valid JSON", "n.split
// is not a function", minified names) naming no registry. Through the shipped bundle (HOIST_TEST_CLI
// for a private one).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultProxy } from '../support/fault-proxy.js';
import { hoist, lab, localLayout, skopeoDigest, uniqueRepo } from './lab.js';

/** The body the proxy answers for tags/list instead of the registry's; undefined: the registry's own. */
let listing: string | undefined;
let proxy: FaultProxy;
/** An OCI layout from `hoist build --push=false`, pushed through the proxy by each test. */
let layout: string;

beforeAll(async () => {
  const ws = await mkdtemp(join(tmpdir(), 'hoist-listing-ws-'));
  ({ layout } = await localLayout(ws, `echo ${Math.random().toString(36).slice(2)} > /n`, ['--tags', 'local']));
  proxy = await FaultProxy.start(lab().registries.plain.host, {
    tamper: (req) =>
      req.path.includes('/tags/list') && listing !== undefined
        ? { response: () => ({ headers: { 'content-type': 'text/html' }, body: Buffer.from(listing!) }) }
        : undefined,
  });
});

afterAll(async () => {
  await proxy.close();
});

describe('a tag listing that is no page of tags', () => {
  /**
   * Property: a listing answer that is no {"tags": [strings]} fails naming the registry and what
   * answered (exit 3), never a bare JavaScript error; a push moves no tag on it. Nearest real-world
   * variant: the registry's own listing through the same proxy (exit 0, the tags listed).
   */
  it('tags list, tags prune and a push name the registry for an HTML login page and for tags that are no strings', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-listing-'));
    const repo = `${proxy.host}/${uniqueRepo('listing/app')}`;
    const ins = ['--insecure-registries', proxy.host];
    listing = undefined;
    for (const tag of ['sha-0000001', 'sha-0000002'])
      expect((await hoist(['push', layout, '--images', repo, '--tags', tag, ...ins], { cwd: dir })).code).toBe(0);
    const outcomes: Record<string, Record<string, { code: number; named: boolean; bare: boolean }>> = {};
    for (const [name, body] of Object.entries({
      registry: undefined,
      html: '<!DOCTYPE html><html><body><form action="/login">Sign in to the proxy</form></body></html>',
      numbers: '{"name":"app","tags":[1,null,{"a":1}]}',
    })) {
      listing = body;
      outcomes[name] = {};
      for (const [verb, args] of Object.entries({
        list: ['tags', 'list', repo, ...ins],
        prune: ['tags', 'prune', repo, '--keep', '1', '--dry-run', ...ins],
      })) {
        const r = await hoist(args, { cwd: dir });
        outcomes[name][verb] = {
          code: r.code,
          named: r.stderr.includes(`${repo}: the tag listing is not a page of tags`),
          bare: /Unexpected token|is not a function|Cannot read properties/.test(r.stderr),
        };
      }
    }
    listing = undefined;
    const clean = { code: 0, named: false, bare: false };
    const named = { code: 3, named: true, bare: false };
    expect(outcomes).toEqual({
      registry: { list: clean, prune: clean },
      html: { list: named, prune: named },
      numbers: { list: named, prune: named },
    });
  }, 60_000);

  /**
   * Property: a push whose tags cannot be chosen (the listing is a login page) moves no tag and
   * names the registry. Nearest real-world variant: the same push again with the registry's own
   * listing, which tags the release.
   */
  it('hoist push moves no tag when the listing is a login page, and names the registry', async () => {
    const { plain } = lab().registries;
    const dir = await mkdtemp(join(tmpdir(), 'hoist-listing-'));
    const name = uniqueRepo('listing/pushed');
    const push = (version: string) =>
      hoist(['push', layout, '--images', `${proxy.host}/${name}`, '--version', version, '--insecure-registries', proxy.host], { cwd: dir });
    expect((await push('3.0.0')).code).toBe(0);
    listing = '<html><body>Sign in to the proxy</body></html>';
    const refused = await push('4.0.0');
    listing = undefined;
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`${proxy.host}/${name}: the tag listing is not a page of tags`);
    expect(refused.stderr).not.toMatch(/Unexpected token|is not a function/);
    for (const t of ['4.0.0', '4']) expect(await skopeoDigest(`${plain.host}/${name}:${t}`)).toBeUndefined();
    expect((await push('4.0.0')).code).toBe(0);
    expect(await skopeoDigest(`${plain.host}/${name}:4`)).toMatch(/^sha256:/);
  }, 120_000);

  /**
   * Property: a push that fails after writing a tag says which tags point at the image, never "no
   * tag moved". Nearest real-world variant: a registry that turns unavailable (503) between the
   * listing that chose the tags and the floating tags' own listing, after the release tag was written.
   */
  it('a listing refused after the release tag was written: the error names that tag instead of saying no tag moved', async () => {
    const { plain } = lab().registries;
    const dir = await mkdtemp(join(tmpdir(), 'hoist-listing-'));
    const name = uniqueRepo('listing/midway');
    expect(
      (await hoist(['push', layout, '--images', `${plain.host}/${name}`, '--version', '1.0.0', '--insecure-registries', plain.host], { cwd: dir })).code,
    ).toBe(0);
    let listings = 0;
    const flaky = await FaultProxy.start(plain.host, {
      answer: (req) => (req.path.includes('/tags/list') && ++listings >= 2 ? { status: 503 } : undefined),
    });
    try {
      const ref = `${flaky.host}/${name}`;
      const r = await hoist(['push', layout, '--images', ref, '--version', '2.0.0', '--retries', '0', '--insecure-registries', flaky.host], { cwd: dir });
      expect(r.code).toBe(3);
      const moved = await skopeoDigest(`${plain.host}/${name}:2.0.0`);
      expect(moved).toMatch(/^sha256:/); // the release tag landed before the second listing
      expect(r.stderr).not.toMatch(/no tag moved on a failed one/);
      expect(r.stderr).toContain(`only ${ref}:2.0.0 points at the image`);
    } finally {
      await flaky.close();
    }
  }, 60_000);
});
