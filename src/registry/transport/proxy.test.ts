import { describe, expect, it } from 'vitest';
import { describeProxy, proxyFor, proxySettings } from './proxy.js';

describe('proxy conventions', () => {
  it('reads lower case first, and https falls back to http_proxy', () => {
    expect(proxySettings({ HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:1', NO_PROXY: 'a' })).toEqual({ https: 'http://lower:1', no: 'a' });
    expect(proxySettings({ http_proxy: 'http://p:3128' })).toEqual({ http: 'http://p:3128', https: 'http://p:3128' });
  });

  it.each([
    ['https://ghcr.io/v2/', 'http://p:3128'],
    ['https://registry.acme.internal/v2/', undefined], // .acme.internal covers subdomains
    ['https://acme.internal/v2/', undefined],
    ['http://127.0.0.1:5100/v2/', undefined], // host:port
    ['http://127.0.0.1:5200/v2/', 'http://p:3128'], // another port of the same host
    ['https://notacme.internal/v2/', 'http://p:3128'],
  ])('%s → %s', (url, proxy) => {
    expect(proxyFor(url, { http: 'http://p:3128', https: 'http://p:3128', no: '.acme.internal, 127.0.0.1:5100' })).toBe(proxy);
  });

  it('goes direct for every host with NO_PROXY=*, and never prints the proxy password', () => {
    expect(proxyFor('https://ghcr.io/', { https: 'http://p:1', no: '*' })).toBeUndefined();
    expect(describeProxy('http://user:s3cret@proxy.acme:3128')).toBe('http://proxy.acme:3128');
  });
});
