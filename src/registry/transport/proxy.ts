/**
 * Which proxy a request goes through, by the conventions curl, Go and undici share: `https_proxy`
 * / `HTTPS_PROXY` for https URLs, `http_proxy` / `HTTP_PROXY` for http ones (lower case first),
 * `all_proxy` / `ALL_PROXY` for either when its own is not set (curl's fallback),
 * `no_proxy` / `NO_PROXY` a list of hosts (a domain also covers its subdomains; a leading `.` or
 * `*.` is the same; an IP address only itself; a CIDR range every address in it; `host:port` only
 * that port; `*` every host) that go direct.
 */
import { BlockList, isIP } from 'node:net';

export interface ProxySettings {
  http?: string;
  https?: string;
  no?: string;
}

/**
 * A proxy given without a scheme (`proxy.acme:3128`, `user:pass@proxy.acme:3128`) is an HTTP proxy,
 * as curl, Go's httpproxy, Docker and pip take it; it was an invalid URL (every request failed), or
 * `user:` read as the scheme and the proxy's own port lost.
 */
function withScheme(proxy: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}

/** The variable that sets each scheme's proxy (lower case first; ALL_PROXY the last fallback, as curl reads it), and its value. */
function proxySources(env: Readonly<Record<string, string | undefined>>): { http?: [string, string]; https?: [string, string] } {
  const pick = (...names: string[]): [string, string] | undefined => {
    const name = names.find((n) => env[n]?.trim());
    return name === undefined ? undefined : [name, env[name]!.trim()];
  };
  const all = pick('all_proxy', 'ALL_PROXY');
  const http = pick('http_proxy', 'HTTP_PROXY') ?? all;
  const https = pick('https_proxy', 'HTTPS_PROXY') ?? pick('http_proxy', 'HTTP_PROXY') ?? all;
  return { ...(http ? { http } : {}), ...(https ? { https } : {}) };
}

/**
 * The step's proxies. ALL_PROXY (all_proxy) is the fallback for both schemes, as curl reads it: a runner
 * whose only proxy setting is ALL_PROXY=http://proxy:3128 reached its registries with curl and Docker's
 * client, and Hoist went direct (a firewall's timeout).
 */
export function proxySettings(env: Readonly<Record<string, string | undefined>>): ProxySettings {
  const { http, https } = proxySources(env);
  const no = ['no_proxy', 'NO_PROXY'].map((n) => env[n]?.trim()).find(Boolean);
  return { ...(http ? { http: withScheme(http[1]) } : {}), ...(https ? { https: withScheme(https[1]) } : {}), ...(no ? { no } : {}) };
}

/**
 * The proxies Hoist cannot speak to: a SOCKS proxy (`socks5h://` in ALL_PROXY, curl's habit) or any scheme
 * but http(s). Each was taken as an HTTP proxy and failed with a bare protocol error (or, as ALL_PROXY,
 * went unread); now an input error naming the variable and the way out, before anything is built.
 */
export function proxySchemeIssues(
  env: Readonly<Record<string, string | undefined>>,
  /** The URLs the run asks (`https://HOST/v2/`): a proxy none of them goes through (NO_PROXY, another scheme's) is no issue; unset: every proxy set. */
  urls?: readonly string[],
): Array<{ variable: string; message: string }> {
  const issues = new Map<string, string>();
  const sources = proxySources(env);
  const settings = proxySettings(env);
  const used = (scheme: 'http' | 'https') => urls === undefined || urls.some((u) => u.startsWith(`${scheme}:`) && proxyFor(u, settings) !== undefined);
  for (const [variable, value] of [...(sources.http && used('http') ? [sources.http] : []), ...(sources.https && used('https') ? [sources.https] : [])]) {
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase();
    if (scheme === undefined || scheme === 'http' || scheme === 'https' || issues.has(variable)) continue;
    const kind = scheme.startsWith('socks') ? 'a SOCKS proxy' : `no HTTP proxy (${scheme}://)`;
    issues.set(
      variable,
      `${describeProxy(withScheme(value))} is ${kind}: Hoist speaks to HTTP proxies only (http:// or https://): give an HTTP proxy in HTTPS_PROXY/HTTP_PROXY, or name the registries in NO_PROXY to go direct`,
    );
  }
  return [...issues].map(([variable, message]) => ({ variable, message }));
}

const DEFAULT_PORT: Record<string, number> = { 'http:': 80, 'https:': 443 };

/**
 * One NO_PROXY entry read as Go's httpproxy and curl (7.86+) read it: a CIDR range (`10.0.0.0/8`,
 * `fd00::/8`: every address in it), an IP literal (`10.1.2.3`, `::1`, `[::1]:5000`: that address
 * only — never a suffix of another), or a domain (`acme.internal`, `.acme.internal`,
 * `*.acme.internal`: it and its subdomains), each with an optional `:port`.
 */
function noProxyEntry(raw: string): { port?: number; matches: (host: string) => boolean } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(raw);
  // A bare IPv6 literal has colons of its own: only `[v6]:port` names a port.
  const withPort = bracketed ? undefined : isIP(raw) === 6 ? undefined : /^(.+):(\d+)$/.exec(raw);
  const name = (bracketed?.[1] ?? withPort?.[1] ?? raw).toLowerCase();
  const portText = bracketed?.[2] ?? withPort?.[2];
  const port = portText === undefined ? undefined : Number(portText);
  const cidr = /^([^/]+)\/(\d{1,3})$/.exec(name);
  if (cidr && isIP(cidr[1]!)) {
    const family = isIP(cidr[1]!) === 4 ? 'ipv4' : 'ipv6';
    const bits = Number(cidr[2]);
    const range = new BlockList();
    if (bits <= (family === 'ipv4' ? 32 : 128)) range.addSubnet(cidr[1]!, bits, family);
    return { ...(port === undefined ? {} : { port }), matches: (host) => isIP(host) === (family === 'ipv4' ? 4 : 6) && range.check(host, family) };
  }
  if (isIP(name)) {
    const family = isIP(name) === 4 ? 'ipv4' : 'ipv6';
    const one = new BlockList();
    one.addAddress(name, family);
    return { ...(port === undefined ? {} : { port }), matches: (host) => isIP(host) === isIP(name) && one.check(host, family) };
  }
  const domain = name.replace(/^\*?\./, '');
  return { ...(port === undefined ? {} : { port }), matches: (host) => !isIP(host) && (host === domain || host.endsWith(`.${domain}`)) };
}

const hostOf = (url: string): string | undefined => {
  try {
    return new URL(url).host || undefined;
  } catch {
    return undefined;
  }
};

/**
 * The NO_PROXY entries no reader can match, each with its fix: a CIDR range whose prefix is longer
 * than its family's (`10.0.0.0/33`), an address/bits that is no range (`10.0.0/8`), a URL where a
 * host belongs (`https://registry.acme`). Go's httpproxy and curl take such an entry as a host name
 * that matches nothing: the registry it was meant to exempt went through the proxy, unsaid.
 */
export function noProxyIssues(env: Readonly<Record<string, string | undefined>>): Array<{ variable: string; message: string }> {
  const variable = ['no_proxy', 'NO_PROXY'].find((n) => env[n]?.trim());
  if (!variable) return [];
  const issues: Array<{ variable: string; message: string }> = [];
  for (const raw of env[variable]!.split(/[,\s]+/).filter(Boolean)) {
    // A login written into an entry (a URL's habit) is never echoed: up to its last `@`, a password's `/` and `@` too.
    const entry = JSON.stringify(raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/is, '$1***@').slice(0, 80));
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
      issues.push({ variable, message: `${entry} is a URL: give the host alone (${hostOf(raw) ?? 'registry.acme'}, or host:port)` });
      continue;
    }
    if (!raw.includes('/')) continue;
    const cidr = /^([^/]+)\/(\d{1,3})$/.exec(raw);
    const family = cidr ? isIP(cidr[1]!) : 0;
    const max = family === 4 ? 32 : 128;
    if (family === 0)
      issues.push({ variable, message: `${entry} is not a CIDR range: write an address and its prefix length, without brackets (10.0.0.0/8, fd00::/8)` });
    else if (Number(cidr![2]) > max)
      issues.push({ variable, message: `${entry}: an IPv${family} prefix length is 0 to ${max} (e.g. ${cidr![1]}/${family === 4 ? 8 : 64})` });
  }
  return issues;
}

/** The proxy URL for a request, or undefined to go direct. */
export function proxyFor(url: string, p: ProxySettings): string | undefined {
  const u = new URL(url);
  const proxy = u.protocol === 'https:' ? p.https : p.http;
  if (!proxy) return undefined;
  const host = u.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = Number(u.port) || DEFAULT_PORT[u.protocol] || 0;
  for (const raw of (p.no ?? '').split(/[,\s]+/).filter(Boolean)) {
    if (raw === '*') return undefined;
    const entry = noProxyEntry(raw);
    if (entry.port !== undefined && entry.port !== port) continue;
    if (entry.matches(host)) return undefined;
  }
  return proxy;
}

/** A proxy URL fit for a message: its user and password left out. */
export function describeProxy(proxy: string): string {
  try {
    const u = new URL(proxy);
    return `${u.protocol}//${u.host}`;
  } catch {
    return 'the proxy set in HTTPS_PROXY/HTTP_PROXY/ALL_PROXY (not a URL)';
  }
}
