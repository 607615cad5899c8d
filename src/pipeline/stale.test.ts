// Property: the stale report judges each image by the base it records as its own, and one image's
// unreadable record is that image's note, never the whole report's failure. Real-world variants:
// an unpinned child (FROM runtime:2) of a pinned parent (FROM os:1@sha256:…) — its config labels
// inherited from the parent name the grandparent; a base.name label someone wrote by hand
// ("Ubuntu 24.04"); a registry failing for one image; records that name each other as bases.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseReference } from '../core/reference.js';
import type { RegistryClient } from '../registry/client.js';
import { checkImage, recordedBase } from './stale.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const NAME = 'org.opencontainers.image.base.name';
const DIGEST = 'org.opencontainers.image.base.digest';

interface Stored {
  digest: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Hoist's registry client seam, answering from a table of tagged images (one config each). */
function registry(images: Record<string, Stored | 'fails'>): RegistryClient {
  const find = (path: string, ref: string) => {
    const full = `r.example/${path}`;
    return images[`${full}:${ref}`] ?? Object.entries(images).find(([k, v]) => k.startsWith(`${full}:`) && v !== 'fails' && v.digest === ref)?.[1];
  };
  const manifest = (s: Stored) =>
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `cfg-${s.digest}` },
        layers: [],
        annotations: s.annotations ?? {},
      }),
    );
  const fake = {
    getManifest: async (path: string, ref: string) => {
      const s = find(path, ref);
      if (s === 'fails') throw new Error(`GET ${path}:${ref} answered 500`);
      return s && { digest: s.digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', bytes: manifest(s) };
    },
    headManifest: async (path: string, ref: string) => {
      const s = find(path, ref);
      if (s === 'fails') throw new Error(`HEAD ${path}:${ref} answered 500`);
      return s && { digest: s.digest, mediaType: 'application/vnd.oci.image.manifest.v1+json' };
    },
    fetchBlob: async (path: string, digest: string) => {
      const s = Object.values(images).find((v) => v !== 'fails' && `cfg-${v.digest}` === digest) as Stored;
      return Readable.from([Buffer.from(JSON.stringify({ config: { Labels: s.labels ?? {} } }))]);
    },
  };
  return fake as unknown as RegistryClient;
}

const base = (name: string, digest: string) => ({ [NAME]: name, [DIGEST]: digest });

describe('stale', () => {
  const family = () => ({
    'r.example/os:1': { digest: d('b') }, // os:1 is at b now; the runtime was rebuilt on b, after it moved from a
    'r.example/runtime:2': { digest: d('c'), labels: base('r.example/os:1', d('b')), annotations: base('r.example/os:1', d('b')) },
    // Unpinned child: labels inherited from the runtime (os:1 at an OLD digest a), its own annotations name the runtime.
    'r.example/app:3': { digest: d('e'), labels: base('r.example/os:1', d('a')), annotations: base('r.example/runtime:2', d('c')) },
  });

  it('an unpinned child of a pinned parent is judged by its own base (annotations), not the labels it inherited', async () => {
    const client = registry(family());
    const v = await checkImage(async () => client, parseReference('r.example/app:3'));
    expect(v).toMatchObject({ stale: false, reason: expect.stringContaining('r.example/runtime:2') });
    expect(recordedBase({ labels: base('r.example/os:1', d('a')), annotations: base('r.example/runtime:2', d('c')) })).toEqual({
      name: 'r.example/runtime:2',
      digest: d('c'),
    });
    // A pinned build whose annotations name the same base as its labels, and an image with labels only, still count.
    expect(recordedBase({ labels: base('x/y:1', d('a')), annotations: { [NAME]: 'x/y:1' } })).toEqual({ name: 'x/y:1', digest: d('a') });
    expect(recordedBase({ labels: base('x/y:1', d('a')), annotations: {} })).toEqual({ name: 'x/y:1', digest: d('a') });
    expect(recordedBase({ labels: base('x/os:1', d('a')), annotations: { [NAME]: 'x/runtime:2' } })).toEqual({ name: 'x/runtime:2' });
  });

  it('an unreadable record is a note for that image: a hand-written base.name, a failing registry, a cycle — the others are judged', async () => {
    const client = registry({
      ...family(),
      'r.example/manual:1': { digest: d('f'), annotations: base('Ubuntu 24.04 LTS', d('a')) },
      'r.example/flaky:1': 'fails',
      'r.example/loop-a:1': { digest: d('1'), annotations: base('r.example/loop-b:1', d('2')) },
      'r.example/loop-b:1': { digest: d('2'), annotations: base('r.example/loop-a:1', d('1')) },
    });
    const seen = new Map();
    const verdicts = await Promise.all(
      ['r.example/manual:1', 'r.example/flaky:1', 'r.example/loop-a:1', 'r.example/app:3'].map((r) => checkImage(async () => client, parseReference(r), seen)),
    );
    expect(verdicts.map((v) => [v.image.split('/')[1], v.unknown ?? false, v.stale])).toEqual([
      ['manual:1', true, false],
      ['flaky:1', true, false],
      ['loop-a:1', false, false], // its base's base is itself: that one is the note
      ['app:3', false, false],
    ]);
    expect(verdicts[0]!.reason).toMatch(/base\.name 'Ubuntu 24\.04 LTS' is no image reference/);
    expect(verdicts[1]!.reason).toMatch(/cannot tell: .*500/);
  });
});
