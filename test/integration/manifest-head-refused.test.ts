// HEAD of a manifest is a shortcut, not a requirement: a registry (or the proxy or cache before it)
// that answers it 405 Method Not Allowed, or 200 without Docker-Content-Digest (the distribution
// spec's SHOULD), is asked by GET, and the digest is that of the bytes served. Before, a release push
// through such a registry failed at its floating tags ("HEAD … answered 405", "answered without
// Docker-Content-Digest"), with the release tag already written. The property held across the
// variants: the release's tags fan out and only move forward — 1.4.2 then 1.5.0 then 1.3.1 leaves
// 1 and latest on 1.5.0. Real-world variants: pull-through caches and API gateways that route only
// GET/PUT to the registry (405 to HEAD), registries fronted by a CDN that drops custom headers on
// HEAD. Here a fault proxy before the lab's plain registry answers every manifest HEAD itself (405),
// or passes the registry's answer on without its Docker-Content-Digest.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FaultProxy, type FaultPlan, type ProxiedRequest } from '../support/fault-proxy.js';
import { hoist, lab, localLayout, skopeoDigest, uniqueRepo } from './lab.js';

const manifestHead = (r: ProxiedRequest) => r.method === 'HEAD' && /\/manifests\//.test(r.path);

async function built(version: string): Promise<{ layout: string; digest: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-head-'));
  const { layout, built: r } = await localLayout(dir, `echo ${version}-${Math.random()} > /v`, ['--version', version, '--json']);
  return { layout, digest: (JSON.parse(r.stdout) as { outputs: { digest: string } }).outputs.digest, dir };
}

const refused: FaultPlan = { answer: (r) => (manifestHead(r) ? { status: 405, headers: { allow: 'GET, PUT, DELETE' } } : undefined) };
const undigested: FaultPlan = { tamper: (r) => (manifestHead(r) ? { response: () => ({ dropHeaders: ['docker-content-digest'] }) } : undefined) };

describe.each([
  ['405 Method Not Allowed', refused],
  ['without Docker-Content-Digest', undigested],
])('a registry answering manifest HEADs %s', (_what, plan) => {
  it('takes releases 1.4.2, 1.5.0 and 1.3.1 with their tags forward-only', async () => {
    await using proxy = await FaultProxy.start(lab().registries.plain.host, plan);
    const repo = `${proxy.host}/${uniqueRepo('head/refused')}`;
    const direct = repo.replace(proxy.host, lab().registries.plain.host);
    const releases: Record<string, string> = {};
    for (const version of ['1.4.2', '1.5.0', '1.3.1']) {
      const b = await built(version);
      const r = await hoist(['push', b.layout, '--images', repo, '--version', version, '--insecure-registries', proxy.host, '--retries', '0'], { cwd: b.dir });
      expect(r.code, r.stderr).toBe(0);
      releases[version] = b.digest;
    }
    expect(proxy.answered + proxy.tampered).toBeGreaterThan(0); // the HEADs were asked, and changed by the proxy
    const tags = Object.fromEntries(
      await Promise.all(['1.4.2', '1.4', '1.5.0', '1.5', '1.3.1', '1.3', '1', 'latest'].map(async (t) => [t, await skopeoDigest(`${direct}:${t}`)])),
    );
    expect(tags).toEqual({
      '1.4.2': releases['1.4.2'],
      '1.4': releases['1.4.2'],
      '1.5.0': releases['1.5.0'],
      '1.5': releases['1.5.0'],
      '1.3.1': releases['1.3.1'],
      '1.3': releases['1.3.1'],
      '1': releases['1.5.0'],
      latest: releases['1.5.0'],
    });
  }, 300_000);
});
