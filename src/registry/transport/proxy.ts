/**
 * Which proxy a request goes through, by the conventions curl, Go and undici share: `https_proxy`
 * / `HTTPS_PROXY` for https URLs, `http_proxy` / `HTTP_PROXY` for http ones (lower case first),
 * `no_proxy` / `NO_PROXY` a list of hosts (a domain also covers its subdomains; a leading `.` or
 * `*.` is the same; `host:port` only that port; `*` every host) that go direct.
 */

export interface ProxySettings {
  http?: string;
  https?: string;
  no?: string;
}

export function proxySettings(env: Readonly<Record<string, string | undefined>>): ProxySettings {
  const pick = (...names: string[]) => names.map((n) => env[n]?.trim()).find(Boolean);
  const http = pick('http_proxy', 'HTTP_PROXY');
  const https = pick('https_proxy', 'HTTPS_PROXY') ?? http;
  const no = pick('no_proxy', 'NO_PROXY');
  return { ...(http ? { http } : {}), ...(https ? { https } : {}), ...(no ? { no } : {}) };
}

const DEFAULT_PORT: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** The proxy URL for a request, or undefined to go direct. */
export function proxyFor(url: string, p: ProxySettings): string | undefined {
  const u = new URL(url);
  const proxy = u.protocol === 'https:' ? p.https : p.http;
  if (!proxy) return undefined;
  const host = u.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = Number(u.port) || DEFAULT_PORT[u.protocol] || 0;
  for (const raw of (p.no ?? '').split(/[,\s]+/).filter(Boolean)) {
    if (raw === '*') return undefined;
    const m = /^(.+):(\d+)$/.exec(raw);
    const entry = (m ? m[1]! : raw)
      .replace(/^\*?\./, '')
      .toLowerCase()
      .replace(/^\[|\]$/g, '');
    if (m && Number(m[2]) !== port) continue;
    if (host === entry || host.endsWith(`.${entry}`)) return undefined;
  }
  return proxy;
}

/** A proxy URL fit for a message: its user and password left out. */
export function describeProxy(proxy: string): string {
  try {
    const u = new URL(proxy);
    return `${u.protocol}//${u.host}`;
  } catch {
    return 'the proxy set in HTTPS_PROXY/HTTP_PROXY (not a URL)';
  }
}
