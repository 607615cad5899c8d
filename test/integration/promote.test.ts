// Promotion between lab registries, run as the promote sub-action (promote/action.yml): from the
// plain registry to the token registry, which already holds the base (lab/busybox). The copy sends
// exactly the private layers and the config — the base is mounted from the repository the image's
// base.name label names — and the destination's tags point at the same digest (skopeo).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lab, leaks, password, ROOT, run, runAction, skopeoDigest, uniqueRepo } from './lab.js';

describe('promote', () => {
  it('copies by digest to a registry that has the base, sending only the private layers and the config', async () => {
    const { plain, token } = lab().registries;
    const ws = await mkdtemp(join(tmpdir(), 'hoist-ws-'));
    await writeFile(
      join(ws, 'Dockerfile'),
      `FROM ${plain.host}/lab/busybox:1.36\nRUN head -c 300000 /dev/urandom > /private-a\nRUN head -c 200000 /dev/urandom > /private-b\n`,
    );
    const src = `${plain.host}/${uniqueRepo('staging/app')}`;
    const built = await runAction({ workspace: ws, inputs: { images: src, version: '2.0.0', 'insecure-registries': plain.host } });
    expect(built.errors).toEqual([]);

    // What the promotion should send: the image's layers except the base's, and its config.
    const manifest = JSON.parse(await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${src}@${built.outputs.digest}`])) as {
      config: { size: number };
      layers: Array<{ digest: string; size: number }>;
    };
    const baseLayers = (
      JSON.parse(await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${plain.host}/lab/busybox:1.36`])) as {
        layers: Array<{ digest: string }>;
      }
    ).layers.map((l) => l.digest);
    const privateBytes = manifest.layers.filter((l) => !baseLayers.includes(l.digest)).reduce((n, l) => n + l.size, 0) + manifest.config.size;
    expect(manifest.layers.length - baseLayers.length).toBe(2);

    const dest = `${token.host}/${uniqueRepo('production/app')}`;
    const r = await runAction({
      workspace: ws,
      actionFile: join(ROOT, 'promote/action.yml'),
      inputs: {
        source: `${src}@${built.outputs.digest}`,
        destinations: dest,
        tags: '2.0.0, stable',
        'registry-auth': `${token.host}=${token.username}:${password(token.passwordFile)}`,
        'insecure-registries': `${plain.host}, ${token.host}`,
      },
    });
    expect(r.errors).toEqual([]);
    expect(r.outputs.digest).toBe(built.outputs.digest);
    expect(Number(r.outputs['bytes-sent'])).toBe(privateBytes);
    expect(r.log).toContain('mounting from lab/busybox');
    expect(r.summary).toMatch(/blobs sent [\d.]+ MiB/);
    const access = { username: token.username, passwordFile: token.passwordFile };
    for (const tag of ['2.0.0', 'stable']) expect(await skopeoDigest(`${dest}:${tag}`, access), tag).toBe(built.outputs.digest);
    expect(leaks(r.log, password(token.passwordFile))).toBe(false);

    // Again: nothing left to send.
    const again = await runAction({
      workspace: ws,
      actionFile: join(ROOT, 'promote/action.yml'),
      inputs: {
        source: `${src}@${built.outputs.digest}`,
        destinations: dest,
        'registry-auth': `${token.host}=${token.username}:${password(token.passwordFile)}`,
        'insecure-registries': `${plain.host}, ${token.host}`,
      },
    });
    expect(again.errors).toEqual([]);
    expect(again.outputs['bytes-sent']).toBe('0');
  }, 120_000);

  it('refuses a source without a tag or digest, naming the input', async () => {
    const ws = await mkdtemp(join(tmpdir(), 'hoist-ws-'));
    const r = await runAction({
      workspace: ws,
      actionFile: join(ROOT, 'promote/action.yml'),
      inputs: { source: `${lab().registries.plain.host}/x/y`, destinations: `${lab().registries.plain.host}/x/z` },
    });
    expect(r.exitCode).toBe(1);
    expect(r.errors).toEqual([expect.stringMatching(/^Input 'source': '.*x\/y' names neither a tag nor a digest/)]);
  }, 60_000);
});
