// Property: every cache entry buildx takes is read as buildx reads it (bare references are registry
// caches; attributes need a type BuildKit has), and every other entry is refused by name when the
// inputs are read — before a builder runs, which with docker build (no buildx) took a misspelt type
// for an image name and built without a cache, saying nothing. Nearest real-world variants: the
// cache lines of build-push-action's README (gha, registry with mode=max, a local directory moved
// after the build), and the typos of them (`type=registery`, `type=local` with no src).
import { describe, expect, it } from 'vitest';
import { issuesOf } from '../../test/support/inputs.js';
import { basePlan } from '../../test/support/plan.js';
import { renderBuildahArgs } from '../builders/buildah.js';
import { renderDockerBuildArgs } from '../builders/docker.js';
import { cacheFromRefs, unsupported } from '../builders/plan.js';
import { cacheImageRefs, parseCacheEntry } from './cache-entry.js';

describe('cache entries buildx takes', () => {
  it.each([
    ['cache-from', 'type=gha', 'gha', {}],
    ['cache-to', 'type=gha,mode=max', 'gha', { mode: 'max' }],
    ['cache-from', 'type=gha,scope=build-arm64', 'gha', { scope: 'build-arm64' }],
    ['cache-from', 'type=registry,ref=user/app:buildcache', 'registry', { ref: 'user/app:buildcache' }],
    [
      'cache-to',
      'type=registry,ref=ghcr.io/acme/app:cache,mode=max,image-manifest=true',
      'registry',
      { ref: 'ghcr.io/acme/app:cache', mode: 'max', 'image-manifest': 'true' },
    ],
    ['cache-from', 'type=local,src=/tmp/.buildx-cache', 'local', { src: '/tmp/.buildx-cache' }],
    ['cache-to', 'type=local,dest=/tmp/.buildx-cache-new,mode=max', 'local', { dest: '/tmp/.buildx-cache-new', mode: 'max' }],
    ['cache-to', 'type=inline', 'inline', {}],
    ['cache-from', 'type=s3,region=eu-west-1,bucket=ci-cache,name=app', 's3', { region: 'eu-west-1', bucket: 'ci-cache', name: 'app' }],
    ['cache-from', 'Type=registry,Ref=user/app:cache', 'registry', { ref: 'user/app:cache' }],
    ['cache-from', 'user/app:cache', 'registry', { ref: 'user/app:cache' }],
    ['cache-from', '127.0.0.1:5100/acme/app@sha256:' + 'a'.repeat(64), 'registry', { ref: '127.0.0.1:5100/acme/app@sha256:' + 'a'.repeat(64) }],
  ] as const)('%s %s', (input, spec, type, attrs) => {
    expect(parseCacheEntry(spec, input)).toEqual([{ type, attrs: new Map(Object.entries(attrs)) }]);
  });

  it('several bare references on one line are several registry caches, as buildx reads them', () => {
    expect(parseCacheEntry('user/app:cache, user/app:main', 'cache-from')).toEqual([
      { type: 'registry', attrs: new Map([['ref', 'user/app:cache']]) },
      { type: 'registry', attrs: new Map([['ref', 'user/app:main']]) },
    ]);
  });
});

describe('entries refused when the inputs are read, each named with its fix', () => {
  it.each([
    ['cache-from', 'type=nope', /'nope' is not a cache type BuildKit has: registry, local, inline, gha, s3, azblob/],
    ['cache-from', 'type=registery,ref=user/app:cache', /'registery' is not a cache type/],
    ['cache-from', 'ref=user/app:cache', /has no type= — one of registry, .* \(a bare image reference is a registry cache\)/],
    ['cache-from', 'type=registry', /a registry cache needs ref=/],
    ['cache-from', 'type=registry,ref=', /a registry cache needs ref=/],
    ['cache-from', 'type=local,dest=/tmp/c', /a local cache needs src=/],
    ['cache-to', 'type=local,src=/tmp/c', /a local cache needs dest=/],
    ['cache-from', 'type=inline', /an inline cache is read from the image that holds it — give that image as type=registry,ref=IMAGE/],
    ['cache-to', 'type=gha,mode=all', /mode=all is neither min nor max/],
    ['cache-from', 'type=gha,scope', /'scope' is not key=value/],
    ['cache-from', 'user/app cache', /'user\/app cache' is not an image reference/],
  ] as const)('%s %s', async (input, spec, message) => {
    expect(await issuesOf({ images: 'a/b', tags: 't', [input]: spec })).toEqual([{ input, message: expect.stringMatching(message) }]);
  });
});

describe('docker build and buildah: image references only', () => {
  const plan = (cacheFrom: string[]) => ({ ...basePlan, cacheFrom });

  it('a registry cache is given to them as its reference; any other is refused naming the builders that take it', () => {
    expect(cacheImageRefs('type=registry,ref=user/app:cache,mode=max')).toEqual(['user/app:cache']);
    expect(cacheImageRefs('type=gha')).toBeUndefined();
    const p = plan(['type=registry,ref=user/app:cache', 'user/app:main']);
    expect(cacheFromRefs(p)).toEqual(['user/app:cache', 'user/app:main']);
    for (const argv of [renderDockerBuildArgs(p), renderBuildahArgs(p)])
      expect(argv.join(' ')).toContain('--cache-from user/app:cache --cache-from user/app:main');
    for (const builder of ['docker', 'buildah'] as const) {
      expect(unsupported(builder, p, false)).toEqual([]);
      expect(unsupported(builder, plan(['type=local,src=/tmp/c', 'user/app:cache']), false)).toEqual([
        {
          input: 'cache-from',
          message: expect.stringMatching(/^a cache other than an image reference \('type=local,src=\/tmp\/c'\) needs buildx or buildctl/),
        },
      ]);
    }
    expect(unsupported('buildx', plan(['type=local,src=/tmp/c']), false)).toEqual([]);
  });
});
