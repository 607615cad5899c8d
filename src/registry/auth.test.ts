import { describe, expect, it } from 'vitest';
import { Credentials, parseChallenges, repositoryScope, scopeCovered, TokenCache } from './auth.js';

describe('parseChallenges', () => {
  it.each([
    ['Basic realm="registry"', [{ scheme: 'basic', params: { realm: 'registry' } }]],
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"',
      [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull' } }],
    ],
    [
      'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:a/b:pull,push",error="insufficient_scope"',
      [{ scheme: 'bearer', params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:a/b:pull,push', error: 'insufficient_scope' } }],
    ],
    ['Bearer realm=https://x/token, service=x', [{ scheme: 'bearer', params: { realm: 'https://x/token', service: 'x' } }]],
    [
      'Basic realm="a \\"quoted\\" realm", Bearer realm="t"',
      [
        { scheme: 'basic', params: { realm: 'a "quoted" realm' } },
        { scheme: 'bearer', params: { realm: 't' } },
      ],
    ],
    ['', []],
  ])('%s', (header, expected) => {
    expect(parseChallenges(header)).toEqual(expected);
  });
});

describe('TokenCache', () => {
  it('keeps a token until shortly before it expires', () => {
    let now = 1_000_000;
    const cache = new TokenCache(() => now);
    cache.set('repository:a:pull', { token: 't1', expires_in: 300 });
    expect(cache.get('repository:a:pull')).toBe('t1');
    now += 289_000;
    expect(cache.get('repository:a:pull')).toBe('t1');
    now += 2_000;
    expect(cache.get('repository:a:pull')).toBeUndefined();
  });

  // Property: a token issued for a repository's pull,push serves its pull requests too, and only
  // while it lives; a refusal drops every token that could have served the request. Nearest
  // real-world variant: a push to Docker Hub or GHCR reading its tags after uploading (one token
  // exchange per repository instead of one per action set).
  it('serves a request from a live token whose scopes cover it, and forgets all of those on a refusal', () => {
    let now = 0;
    const cache = new TokenCache(() => now);
    cache.set('repository:a:pull,push', { token: 'push-a', expires_in: 60 });
    cache.set('repository:b:pull repository:c:pull,push', { token: 'mount', expires_in: 60 });
    expect(cache.covering(['repository:a:pull'])).toBe('push-a');
    expect(cache.covering(['repository:b:pull'])).toBe('mount');
    expect(cache.covering(['repository:b:pull', 'repository:c:push'])).toBe('mount');
    expect(cache.covering(['repository:b:push'])).toBeUndefined();
    expect(cache.covering(['repository:d:pull'])).toBeUndefined();
    expect(cache.covering([])).toBeUndefined();
    cache.deleteCovering(['repository:c:pull']);
    expect(cache.covering(['repository:b:pull'])).toBeUndefined();
    expect(cache.covering(['repository:a:pull'])).toBe('push-a');
    now += 51_000;
    expect(cache.covering(['repository:a:pull'])).toBeUndefined();
  });

  it('accepts access_token and refuses an answer without a token', () => {
    const cache = new TokenCache(() => 0);
    expect(cache.set('s', { access_token: 'a' })).toBe('a');
    expect(() => cache.set('s', {})).toThrow(/without a token/);
  });
});

describe('Credentials', () => {
  it('builds a Basic header and never serialises the password', () => {
    const c = new Credentials('bot', 'hunter2-secret');
    expect(c.basic()).toBe(`Basic ${Buffer.from('bot:hunter2-secret').toString('base64')}`);
    expect(JSON.stringify({ c })).toBe('{"c":"Credentials(bot from registry-auth)"}');
  });

  it('scopes', () => {
    expect(repositoryScope('acme/app', ['pull', 'push'])).toBe('repository:acme/app:pull,push');
  });
});

describe('scopeCovered', () => {
  it.each([
    [['repository:a/b:pull,push'], 'repository:a/b:pull', true],
    [['repository:a/b:pull'], 'repository:a/b:pull,push', false],
    [['repository:a/b:pull,push'], 'repository:a/c:pull', false],
    [['registry:catalog:*'], 'registry:catalog:*', true],
    [[], 'repository:a/b:pull', false],
  ])('%j covers %s: %s', (scopes, wanted, expected) => {
    expect(scopeCovered(scopes, wanted)).toBe(expected);
  });
});
