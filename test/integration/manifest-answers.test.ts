// A manifest served for a tag that is no manifest: a corporate proxy's HTML login page answered 200
// in the registry's place, or `null`. The lab's plain registry behind a fault proxy rewriting its
// answers to GET /manifests/<tag>. `hoist inspect`, `hoist audit` and `hoist promote` printed bare
// JavaScript errors ("Unexpected token '<' … is not valid JSON", "Cannot read properties of null
// (reading 'config')") naming no registry. Through the shipped bundle (HOIST_TEST_CLI for a private
// one).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultProxy } from '../support/fault-proxy.js';
import { hoist, lab, skopeoDigest, uniqueRepo } from './lab.js';

/** The body the proxy serves for a manifest asked by tag instead of the registry's; undefined: the registry's own. */
let served: string | undefined;
let proxy: FaultProxy;
let name: string;

beforeAll(async () => {
  const { plain } = lab().registries;
  const ws = await mkdtemp(join(tmpdir(), 'hoist-manifest-ws-'));
  await writeFile(join(ws, 'Dockerfile'), `FROM ${plain.host}/lab/busybox:1.36\nRUN echo ${Math.random().toString(36).slice(2)} > /n\n`);
  name = uniqueRepo('manifest/app');
  const built = await hoist(['build', '--images', `${plain.host}/${name}`, '--version', '1.0.0', '--insecure-registries', plain.host], { cwd: ws });
  if (built.code !== 0) throw new Error(`build failed (${built.code}): ${built.stderr}`);
  proxy = await FaultProxy.start(plain.host, {
    tamper: (req) =>
      req.method === 'GET' && /\/manifests\/[^/]+$/.test(req.path) && !req.path.includes('sha256:') && served !== undefined
        ? { response: () => ({ headers: { 'content-type': 'text/html' }, body: Buffer.from(served!) }) }
        : undefined,
  });
});

afterAll(async () => {
  await proxy.close();
});

describe('a manifest served for a tag that is no manifest', () => {
  /**
   * Property: a tag's manifest that is no manifest or index fails naming the registry, the tag and
   * a preview of what answered (exit 3), never a bare JavaScript error, and promote copies nothing.
   * Nearest real-world variant: the registry's own manifest through the same proxy (exit 0).
   */
  it('inspect, audit and promote name the registry for an HTML login page and for null; the real manifest works', async () => {
    const { plain } = lab().registries;
    const dir = await mkdtemp(join(tmpdir(), 'hoist-manifest-'));
    const ref = `${proxy.host}/${name}:1.0.0`;
    const ins = ['--insecure-registries', `${proxy.host},${plain.host}`];
    const outcomes: Record<string, Record<string, { code: number; named: boolean; bare: boolean }>> = {};
    const destinations: string[] = [];
    for (const [what, body] of Object.entries({
      registry: undefined,
      html: '<!DOCTYPE html><html><body><form action="/login">Sign in to the proxy</form></body></html>',
      null: 'null',
    })) {
      served = body;
      const dest = `${plain.host}/${uniqueRepo('manifest/promoted')}`;
      destinations.push(dest);
      outcomes[what] = {};
      for (const [verb, args] of Object.entries({
        inspect: ['inspect', ref],
        audit: ['audit', ref],
        promote: ['promote', '--source', ref, '--destinations', dest, '--tags', 'stable'],
      })) {
        const r = await hoist([...args, ...ins], { cwd: dir, env: { HOIST_AUDIT_VALUES: 'a-value-in-no-image-0123456789' } });
        outcomes[what][verb] = {
          code: r.code,
          named: r.stderr.includes(`${proxy.host}/${name}: the manifest served for 1.0.0 is no image manifest or index`),
          bare: /Unexpected token|Cannot read properties|is not a function/.test(r.stderr),
        };
      }
    }
    served = undefined;
    const clean = { code: 0, named: false, bare: false };
    const named = { code: 3, named: true, bare: false };
    expect(outcomes).toEqual({
      registry: { inspect: clean, audit: clean, promote: clean },
      html: { inspect: named, audit: named, promote: named },
      null: { inspect: named, audit: named, promote: named },
    });
    expect(await skopeoDigest(`${destinations[0]}:stable`)).toMatch(/^sha256:/);
    for (const dest of destinations.slice(1)) expect(await skopeoDigest(`${dest}:stable`)).toBeUndefined();
  }, 120_000);
});
