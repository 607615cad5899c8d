// Forward-only floating tags and OCI labels, run as a GitHub runner runs the action, in the lab:
// releases pushed out of order end with every floating tag on the highest version of its line
// (checked with skopeo), and a public target gets no label that reveals a private repository.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lab, runAction, skopeoDigest, skopeoMetadata, uniqueRepo, type ActionRun } from './lab.js';

async function workspace(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-ws-'));
  // The nonce makes every build its own image, so each release has its own digest.
  await writeFile(join(dir, 'Dockerfile'), `FROM ${lab().registries.plain.host}/lab/busybox:1.36\nARG NONCE\nRUN echo "$NONCE" > /nonce\n`);
  return dir;
}

interface Metadata {
  labels: Record<string, string>;
  withheldLabels: string[];
  images: Array<{ repository: string; tags: Array<{ tag: string; push: boolean; reason?: string }> }>;
}

describe('releases pushed as 2.0.0, 2.1.0, 1.9.5, 2.1.1-rc.1, 2.1.1', () => {
  const releases = ['2.0.0', '2.1.0', '1.9.5', '2.1.1-rc.1', '2.1.1'];
  let repo: string;
  const runs = new Map<string, ActionRun>();

  beforeAll(async () => {
    const plain = lab().registries.plain.host;
    repo = `${plain}/${uniqueRepo('releases/app')}`;
    const ws = await workspace();
    for (const v of releases) {
      runs.set(
        v,
        await runAction({
          workspace: ws,
          env: { GITHUB_REF: `refs/tags/v${v}` },
          inputs: { images: repo, 'insecure-registries': plain, 'auto-tags': 'version', 'tag-channel': 'true', 'build-args': `NONCE=${v}-${Math.random()}` },
        }),
      );
    }
  }, 180_000);

  it('every release succeeded with its own digest', () => {
    for (const [v, r] of runs) {
      expect(r.errors, v).toEqual([]);
      expect(r.exitCode, v).toBe(0);
    }
    expect(new Set([...runs.values()].map((r) => r.outputs.digest)).size).toBe(releases.length);
  });

  it('left every tag on the highest version of its line (skopeo)', async () => {
    const digest = (v: string) => runs.get(v)!.outputs.digest;
    const expected: Record<string, string> = {
      '2.0.0': '2.0.0',
      '2.1.0': '2.1.0',
      '1.9.5': '1.9.5',
      '2.1.1-rc.1': '2.1.1-rc.1',
      '2.1.1': '2.1.1',
      '2.0': '2.0.0',
      '2.1': '2.1.1',
      '1.9': '1.9.5',
      '2': '2.1.1',
      '1': '1.9.5',
      latest: '2.1.1',
      rc: '2.1.1-rc.1',
    };
    for (const [tag, v] of Object.entries(expected)) expect(await skopeoDigest(`${repo}:${tag}`), tag).toBe(digest(v));
  });

  it('said why the backport left latest alone, in the log and the metadata output', () => {
    const r = runs.get('1.9.5')!;
    expect(r.outputs.tags?.split('\n')).toEqual(['1.9.5', '1.9', '1'].map((t) => `${repo}:${t}`));
    const meta = JSON.parse(r.outputs.metadata ?? '{}') as Metadata;
    const skipped = meta.images[0]!.tags.filter((t) => !t.push);
    // 2 is not even planned for a 1.x release; latest is, and stays.
    expect(skipped).toEqual([{ tag: 'latest', rule: 'latest', push: false, reason: '2.1.0 is there, higher than 1.9.5: latest stays on it' }]);
    expect(r.log).toContain('latest not moved — 2.1.0 is there, higher than 1.9.5');
  });
});

describe('labels', () => {
  it('labels the image from the run, and leaves out what reveals a private repository on a public target', async () => {
    const plain = lab().registries.plain.host;
    const ws = await workspace();
    const event = join(ws, 'event.json');
    await writeFile(
      event,
      JSON.stringify({
        head_commit: { timestamp: '2026-11-20T09:30:00+01:00' },
        repository: { name: 'app', html_url: 'https://github.com/acme/app', description: 'Internal app', private: true, license: { spdx_id: 'MIT' } },
      }),
    );
    const pub = `${plain}/${uniqueRepo('public/app')}`;
    const r = await runAction({
      workspace: ws,
      env: { GITHUB_REF: 'refs/tags/v3.0.0', GITHUB_EVENT_PATH: event },
      inputs: {
        images: `${pub} visibility=public`,
        'insecure-registries': plain,
        labels: 'team=core',
        annotations: 'team=core',
        'build-args': `NONCE=${Math.random()}`,
      },
    });
    expect(r.errors).toEqual([]);
    const { labels, annotations } = await skopeoMetadata(`${pub}:3.0.0`);
    expect(labels).toMatchObject({
      'org.opencontainers.image.title': 'app',
      'org.opencontainers.image.version': '3.0.0',
      'org.opencontainers.image.revision': '0123456789abcdef0123456789abcdef01234567',
      'org.opencontainers.image.created': '2026-11-20T08:30:00Z',
      'org.opencontainers.image.licenses': 'MIT',
      'org.opencontainers.image.base.name': `${plain}/lab/busybox:1.36`,
      team: 'core',
    });
    for (const revealing of ['source', 'url', 'description']) expect(labels[`org.opencontainers.image.${revealing}`], revealing).toBeUndefined();
    expect(annotations).toMatchObject({ 'org.opencontainers.image.version': '3.0.0', team: 'core' });
    expect(annotations['org.opencontainers.image.source']).toBeUndefined();
    const meta = JSON.parse(r.outputs.metadata ?? '{}') as Metadata;
    expect(meta.withheldLabels).toEqual(['org.opencontainers.image.description', 'org.opencontainers.image.url', 'org.opencontainers.image.source']);
    expect(r.outputs.labels?.split('\n')).toContain('team=core');
  }, 60_000);
});
