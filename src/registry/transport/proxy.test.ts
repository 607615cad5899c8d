import { describe, expect, it } from 'vitest';
import { describeProxy, noProxyIssues, proxyFor, proxySchemeIssues, proxySettings } from './proxy.js';

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

// What Go's httpproxy and curl 7.86+ honour, and CI runners set: Kubernetes runners' NO_PROXY lists
// the cluster's CIDR ranges (`10.0.0.0/8,172.16.0.0/12,.svc`) and `::1` beside `localhost`. A
// registry at an address inside a listed range went through the proxy, and `::1` was read as a
// host `:` with port 1; an IP entry matched other addresses ending in it.
describe('NO_PROXY with CIDR ranges and IP literals', () => {
  const p = { http: 'http://p:3128', https: 'http://p:3128', no: '10.0.0.0/8, 172.16.0.0/12 fd00::/8,::1,[::2]:5000,0.0.1,192.168.1.1' };
  it.each([
    ['http://10.1.2.3:5000/v2/', undefined], // in 10.0.0.0/8
    ['https://172.31.255.255/v2/', undefined], // last of 172.16.0.0/12
    ['https://172.32.0.1/v2/', 'http://p:3128'], // just past it
    ['https://11.0.0.1/v2/', 'http://p:3128'],
    ['http://[fd12:3456::1]:5000/v2/', undefined], // in fd00::/8
    ['http://[::1]:5000/v2/', undefined], // ::1, any port
    ['http://[::2]:5000/v2/', undefined], // [::2]:5000 names that port
    ['http://[::2]:5001/v2/', 'http://p:3128'],
    ['http://127.0.0.1:5000/v2/', 'http://p:3128'], // 0.0.1 is no suffix of 127.0.0.1
    ['http://192.168.1.1/v2/', undefined],
    ['http://192.168.1.10/v2/', 'http://p:3128'],
    ['https://10.example/v2/', 'http://p:3128'], // a name is not an address in a range
  ])('%s → %s', (url, proxy) => {
    expect(proxyFor(url, p)).toBe(proxy);
  });
});

// curl, Go's httpproxy, Docker and pip take a proxy without a scheme as an HTTP proxy; corporate
// images set `HTTPS_PROXY=proxy.acme:3128`. It was an invalid URL (every request failed), and with
// credentials (`user:pass@proxy.acme:3128`) `user:` was taken for the scheme.
describe('a proxy given without a scheme', () => {
  it.each([
    ['proxy.acme:3128', 'http://proxy.acme:3128'],
    ['user:pass@proxy.acme:3128', 'http://user:pass@proxy.acme:3128'],
    ['10.0.0.1:8080', 'http://10.0.0.1:8080'],
    ['https://proxy.acme:3129', 'https://proxy.acme:3129'],
    ['HTTP://proxy.acme', 'HTTP://proxy.acme'],
  ])('%s → %s', (given, used) => {
    expect(proxySettings({ HTTPS_PROXY: given })).toEqual({ https: used });
    expect(describeProxy(proxySettings({ HTTPS_PROXY: given }).https!)).not.toContain('pass');
  });
});

// Property: a NO_PROXY entry no reader can match is named with its fix, never taken as a host name
// that matches nothing (Go's httpproxy and curl do that: the registry meant to go direct went
// through the proxy, unsaid). Nearest real variants: a prefix past the family's (`/33`, `/129`), a
// range missing an octet, IPv6 in brackets, a URL pasted for a host; valid entries are no issue.
describe('NO_PROXY entries that cannot match', () => {
  it.each([
    ['10.0.0.0/33', /"10\.0\.0\.0\/33": an IPv4 prefix length is 0 to 32/],
    ['fd00::/129', /"fd00::\/129": an IPv6 prefix length is 0 to 128/],
    ['10.0.0/8', /"10\.0\.0\/8" is not a CIDR range/],
    ['[fd00::]/8', /is not a CIDR range: .*without brackets/],
    ['https://registry.acme:5000', /"https:\/\/registry\.acme:5000" is a URL: give the host alone \(registry\.acme:5000/],
  ])('%s is named', (entry, message) => {
    expect(noProxyIssues({ NO_PROXY: `localhost,${entry},.svc` })).toEqual([{ variable: 'NO_PROXY', message: expect.stringMatching(message) }]);
  });

  it('valid entries are none, and a login in a URL entry is never echoed', () => {
    expect(noProxyIssues({ no_proxy: '10.0.0.0/8, fd00::/8, ::1, [::1]:5000, *.acme, .svc, 127.0.0.1:5100, *' })).toEqual([]);
    expect(JSON.stringify(noProxyIssues({ NO_PROXY: 'https://user:s3cret@registry.acme' }))).not.toContain('s3cret');
  });
});

describe('ALL_PROXY, and proxies Hoist cannot speak to', () => {
  /**
   * Property: ALL_PROXY is the fallback of both schemes, below their own variables, as curl reads it.
   * Nearest real variant: a runner whose /etc/environment sets only ALL_PROXY=http://proxy.corp:3128.
   */
  it.each([
    [{ ALL_PROXY: 'http://all:3128' }, { http: 'http://all:3128', https: 'http://all:3128' }],
    [
      { all_proxy: 'all:3128', ALL_PROXY: 'http://upper:1' },
      { http: 'http://all:3128', https: 'http://all:3128' },
    ],
    [
      { ALL_PROXY: 'http://all:1', HTTPS_PROXY: 'http://s:1' },
      { http: 'http://all:1', https: 'http://s:1' },
    ],
    [
      { ALL_PROXY: 'http://all:1', HTTP_PROXY: 'http://h:1' },
      { http: 'http://h:1', https: 'http://h:1' },
    ],
  ])('%j → %j', (env, expected) => {
    expect(proxySettings(env)).toEqual(expected);
  });

  /**
   * Property: a SOCKS (or any non-HTTP) proxy in use is an input error naming its variable and the way
   * out; its password never shown. Nearest real variant: ALL_PROXY=socks5h://user:pw@bastion:1080 set for curl.
   */
  it.each([
    [{ ALL_PROXY: 'socks5h://u:pw-s3cret@bastion:1080' }, [['ALL_PROXY', /^socks5h:\/\/bastion:1080 is a SOCKS proxy: Hoist speaks to HTTP proxies only/]]],
    [{ HTTPS_PROXY: 'socks5://b:1080' }, [['HTTPS_PROXY', /SOCKS proxy/]]],
    [{ HTTP_PROXY: 'ftp://p:21', HTTPS_PROXY: 'http://p:3128' }, [['HTTP_PROXY', /^ftp:\/\/p is no HTTP proxy \(ftp:\/\/\)/]]],
  ])('%j is named', (env, expected) => {
    const issues = proxySchemeIssues(env);
    expect(issues.map((i) => [i.variable, i.message])).toEqual(expected.map(([v, m]) => [v, expect.stringMatching(m as RegExp)]));
    expect(JSON.stringify(issues)).not.toContain('s3cret');
  });

  it('an HTTP ALL_PROXY, or a SOCKS one that HTTP(S)_PROXY both override, is no issue', () => {
    expect([...proxySchemeIssues({ ALL_PROXY: 'http://p:1' }), ...proxySchemeIssues({ ALL_PROXY: 'socks5://b:1', HTTP_PROXY: 'http://p:1' })]).toEqual([]);
  });
});
