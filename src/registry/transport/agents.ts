/**
 * Connection pools on Node's own http/https (its native HTTP parser: nothing to load or compile at
 * start), kept alive per host up to `connections`, TLS always verified — and through a proxy, each
 * connection a CONNECT tunnel to the registry, TLS to the registry inside it checked as for a
 * direct one.
 */
import type { Agent as HttpAgent, ClientRequest, ClientRequestArgs } from 'node:http';
import type { Duplex } from 'node:stream';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';

// The CommonJS modules themselves: `import` of node:http goes through its ESM facade, which reads
// every export — the lazy ones too, among them the fetch Node bundles (~30 ms at start).
const http = process.getBuiltinModule('node:http');
const https = process.getBuiltinModule('node:https');
const tls = process.getBuiltinModule('node:tls');
const net = process.getBuiltinModule('node:net');

export interface AgentOptions {
  /** Extra certificate authorities (PEM) to trust, besides the system roots. */
  ca?: string;
  connections: number;
  /** Milliseconds without a response header or body byte before a request is abandoned. */
  timeoutMs: number;
}

/** Where requests go: a pool per scheme, closed once the requests in flight have ended. */
export interface Dispatcher {
  /** The pool for a URL's protocol (`http:` or `https:`). */
  agent(protocol: string): HttpAgent;
  /** Counts a request until it ends (its answer read, or it failed), so that `close` waits for it. */
  track(done: Promise<unknown>): void;
  /**
   * Waits, when the pool cannot count its connections itself, until fewer than `connections`
   * requests to `origin` are in flight; the returned function says the request has ended.
   */
  slot?(origin: string, signal: AbortSignal | undefined): Promise<() => void>;
  readonly idleMs: number;
  close(): Promise<void>;
}

/**
 * A kept-alive connection unused this long is closed: a registry (or a load balancer in front of
 * it) closes idle ones on its own, and one reused just as the other end closes it fails the
 * request (undici's default too). A shorter `Keep-Alive: timeout=` from the server wins.
 */
const FREE_SOCKET_MS = 4_000;

/** TLS as Hoist checks it — explicit, so that NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment cannot turn it off. */
export function tlsOptions(ca: string | undefined): { rejectUnauthorized: true; secureContext?: SecureContext; ca?: string[] } {
  if (!ca) return { rejectUnauthorized: true };
  const secureContext = contextFor(ca);
  // A CA that does not parse keeps failing where it did: on connecting, with TLS's own message.
  return { rejectUnauthorized: true, ...(secureContext ? { secureContext } : { ca: [...defaultRoots(), ca] }) };
}

/**
 * The roots a connection trusts without a CA of its own: Node's bundled ones and NODE_EXTRA_CA_CERTS
 * (and the system's under --use-system-ca). `rootCertificates` alone holds only the bundled ones: a
 * registry-ca given for one registry dropped the NODE_EXTRA_CA_CERTS every other connection trusted.
 */
function defaultRoots(): readonly string[] {
  const all = (tls as { getCACertificates?: (type?: string) => string[] }).getCACertificates;
  return typeof all === 'function' ? all('default') : rootCertificates;
}

/**
 * The system roots plus an extra CA, as one TLS context made once per CA. Passed as `ca`, every
 * connection built its own and parsed the ~150 system roots again: ~30 ms of the event loop per
 * connection, which held up every request in flight (a re-push to a registry with registry-ca).
 */
const contexts = new Map<string, SecureContext | undefined>();
function contextFor(ca: string): SecureContext | undefined {
  if (!contexts.has(ca)) {
    try {
      contexts.set(ca, createSecureContext({ ca: [...defaultRoots(), ca] }));
    } catch {
      contexts.set(ca, undefined);
    }
  }
  return contexts.get(ca);
}

/** At most `size` holders at once; the others wait in turn (or until their signal aborts). */
class Slots {
  readonly #waiting: Array<() => void> = [];
  constructor(private free: number) {}

  async take(signal: AbortSignal | undefined): Promise<() => void> {
    if (this.free > 0) this.free--;
    else
      await new Promise<void>((resolve, reject) => {
        const go = () => {
          signal?.removeEventListener('abort', stop);
          resolve();
        };
        const stop = () => {
          this.#waiting.splice(this.#waiting.indexOf(go), 1);
          reject(signal?.reason);
        };
        this.#waiting.push(go);
        signal?.addEventListener('abort', stop, { once: true });
      });
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.free++;
    };
  }
}

class Pools implements Dispatcher {
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #slots = new Map<string, Slots>();
  constructor(
    readonly plain: HttpAgent,
    readonly secure: HttpAgent,
    readonly idleMs: number,
    /** Set for pools whose connections are made asynchronously (tunnels), which Node's Agent counts only once made. */
    readonly limit?: number,
  ) {
    if (limit === undefined) this.slot = undefined;
  }

  slot?(origin: string, signal: AbortSignal | undefined): Promise<() => void> {
    let s = this.#slots.get(origin);
    if (!s) this.#slots.set(origin, (s = new Slots(this.limit ?? Infinity)));
    return s.take(signal);
  }

  agent(protocol: string): HttpAgent {
    return protocol === 'https:' ? this.secure : this.plain;
  }

  track(done: Promise<unknown>): void {
    const settled: Promise<void> = done.then(
      () => void this.#inFlight.delete(settled),
      () => void this.#inFlight.delete(settled),
    );
    this.#inFlight.add(settled);
  }

  /** As undici's close: the requests in flight end first (a cancelled one at once), then every connection is closed. */
  async close(): Promise<void> {
    while (this.#inFlight.size) await Promise.all(this.#inFlight);
    this.plain.destroy();
    this.secure.destroy();
  }
}

const poolOptions = (o: AgentOptions) => ({ keepAlive: true, maxSockets: o.connections, timeout: FREE_SOCKET_MS });

export function createAgent(o: AgentOptions): Dispatcher {
  return new Pools(new http.Agent(poolOptions(o)), new https.Agent({ ...poolOptions(o), ...tlsOptions(o.ca) }), o.timeoutMs);
}

/**
 * Requests through a proxy: to an https registry through a CONNECT tunnel, TLS to the registry checked as
 * for a direct one; to a plain-HTTP registry (or token service) as curl, Go (so Docker) and pip send them —
 * the request itself to the proxy, its URL whole (absolute form, `GET http://registry:5000/v2/ HTTP/1.1`).
 * A CONNECT to a port other than 443 is what a proxy's default rules refuse (squid's `deny CONNECT
 * !SSL_ports`, tinyproxy's `ConnectPort 443`): a plain-HTTP registry on :5000 failed through the proxy
 * that served every other tool of the job.
 */
export function createProxyAgent(proxy: string, o: AgentOptions): Dispatcher {
  const via = new URL(proxy);
  const tunnel = (options: ClientRequestArgs, done: (e: Error | null, s?: Duplex) => void, secure: boolean) =>
    openTunnel(via, options, secure ? tlsOptions(o.ca) : undefined, done, tlsOptions(o.ca));
  const login = proxyLogin(via);
  const proxyHost = via.hostname.replace(/^\[|\]$/g, '');
  const proxyPort = Number(via.port) || (via.protocol === 'https:' ? 443 : 80);
  class Plain extends http.Agent {
    /** The request goes to the proxy, its path the whole URL and the proxy's login beside it (Node's Agent routes by these options). */
    addRequest(req: ClientRequest, options: ClientRequestArgs): void {
      const host = String(options.host ?? 'localhost');
      req.path = `http://${host.includes(':') ? `[${host}]` : host}:${options.port ?? 80}${req.path}`;
      if (typeof login === 'string') req.setHeader('proxy-authorization', login);
      (http.Agent.prototype as unknown as { addRequest(r: ClientRequest, o: ClientRequestArgs): void }).addRequest.call(this, req, {
        ...options,
        host: proxyHost,
        hostname: proxyHost,
        port: proxyPort,
      });
    }

    /** To the proxy: over TLS for an https:// proxy, checked against the same trust as the registries. */
    override createConnection(_options: ClientRequestArgs, done: (e: Error | null, s: Duplex) => void): Duplex | undefined {
      // A login that cannot be read fails the request, as a tunnel's does (a request never given a socket would never settle).
      if (login instanceof Error) return void process.nextTick(() => done(login, undefined as unknown as Duplex));
      if (via.protocol !== 'https:') return net.connect({ host: proxyHost, port: proxyPort });
      const servername = net.isIP(proxyHost) ? undefined : proxyHost;
      return tls.connect({ ...tlsOptions(o.ca), host: proxyHost, port: proxyPort, ...(servername ? { servername } : {}), ALPNProtocols: ['http/1.1'] });
    }
  }
  class Secure extends http.Agent {
    override createConnection(options: ClientRequestArgs, done: (e: Error | null, s: Duplex) => void): undefined {
      tunnel(options, done as (e: Error | null, s?: Duplex) => void, true);
      return undefined;
    }
  }
  // The pools name their connections by the registry's host and port: each is a tunnel to it.
  // A tunnel is counted by Node's Agent only once it is made: a burst of requests would each open one.
  // A plain request's connection to the proxy is not kept: a proxy may serve one request a connection
  // (tinyproxy does, while its answer passes the registry's keep-alive on), and the next request sent on
  // it met a closed socket ("socket hang up").
  const plain = new Plain({ ...poolOptions(o), keepAlive: false });
  return new Pools(plain, new Secure({ ...poolOptions(o), defaultPort: 443, protocol: 'https:' }), o.timeoutMs, o.connections);
}

/** Said of a proxy's 407 (transport.ts reads it as final): what the proxy asks for, and the fix. */
export const PROXY_LOGIN = 'the proxy asks for a login';

/**
 * A proxy's 407 (Proxy Authentication Required) as the user fixes it: no login given — where to give
 * one; a login given — that the proxy refused it; a proxy that offers only NTLM or Negotiate (a
 * Windows domain's) — that Hoist speaks Basic only. It was "the proxy refused: check its rules".
 */
function proxyLoginMessage(challenge: string | string[] | undefined, given: boolean): string {
  const schemes = [...new Set([challenge ?? []].flat().flatMap((c) => [...c.matchAll(/(?:^|,)\s*([A-Za-z][\w-]*)(?=\s|,|$)/g)].map((m) => m[1]!)))];
  const offered = schemes.length ? `; it offers ${schemes.join(', ')}` : '';
  if (schemes.length && !schemes.some((s) => /^basic$/i.test(s)))
    return `${PROXY_LOGIN} (407${offered}), and Hoist logs in to a proxy with Basic only: run a local proxy that speaks the proxy's scheme (cntlm, px) and point HTTPS_PROXY at it`;
  if (given)
    return `${PROXY_LOGIN} (407${offered}) and refused the one in HTTPS_PROXY/HTTP_PROXY: check the user and password there (each % @ : / in them percent-encoded)`;
  return `${PROXY_LOGIN} (407${offered}): give it in HTTPS_PROXY/HTTP_PROXY as http://USER:PASSWORD@proxy:port (each % @ : / in them percent-encoded)`;
}

/** The Proxy-Authorization the proxy URL's login makes (Basic), none, or the error naming a login that is not percent-encoded. */
function proxyLogin(proxy: URL): string | Error | undefined {
  if (!proxy.username && !proxy.password) return undefined;
  try {
    return `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
  } catch {
    // A bare "URI malformed" named neither the setting nor the fix; the login itself is never printed.
    return new Error('the user or password in HTTPS_PROXY/HTTP_PROXY is not percent-encoded: write each % in it as %25 (and @ : / as %40 %3A %2F)');
  }
}

/**
 * A plain-HTTP request's answer from the proxy itself, not the registry, as the error a tunnel's refusal
 * gives (the transport names the proxy): its 407, or a refusal (403) as a web page — a registry answers
 * in JSON. Undefined for every other answer.
 */
export function proxyOwnAnswer(status: number, headers: Record<string, string | string[] | undefined>, loginGiven: boolean): Error | undefined {
  if (status === 407) return new Error(proxyLoginMessage(headers['proxy-authenticate'], loginGiven));
  if (status === 403 && /text\/html/i.test(String(headers['content-type'] ?? '')))
    return new Error(`Proxy response (${status}): the proxy refused the request`);
  return undefined;
}

/**
 * A connection to `options.host:port` through the proxy: CONNECT, then — for an https URL — TLS to
 * the registry over the tunnel. A proxy that answers other than 200 fails the request with its
 * status (`Proxy response (403)`, which the transport reads as the proxy's refusal).
 */
function openTunnel(
  proxy: URL,
  options: ClientRequestArgs,
  secure: ReturnType<typeof tlsOptions> | undefined,
  done: (e: Error | null, s?: Duplex) => void,
  /** TLS to an https:// proxy: checked against the same trust (a company proxy's CA in SSL_CERT_FILE or registry-ca). */
  toProxyTls: ReturnType<typeof tlsOptions> = { rejectUnauthorized: true },
): void {
  const host = String(options.host ?? 'localhost');
  const target = `${host.includes(':') ? `[${host}]` : host}:${options.port ?? (secure ? 443 : 80)}`;
  const headers: Record<string, string> = { host: target };
  const login = proxyLogin(proxy);
  if (login instanceof Error) return done(login);
  if (login) headers['proxy-authorization'] = login;
  const toProxy = {
    host: proxy.hostname.replace(/^\[|\]$/g, ''),
    port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
    method: 'CONNECT',
    path: target,
    headers,
    agent: false,
    ...(options.timeout ? { timeout: options.timeout } : {}),
  } as const;
  const req = proxy.protocol === 'https:' ? https.request({ ...toProxy, ...toProxyTls }) : http.request(toProxy);
  let answered = false;
  req.once('connect', (res, socket, head) => {
    answered = true;
    if (res.statusCode !== 200) {
      socket.destroy();
      done(
        new Error(
          res.statusCode === 407
            ? proxyLoginMessage(res.headers['proxy-authenticate'], Boolean(headers['proxy-authorization']))
            : `Proxy response (${res.statusCode}) !== 200 when HTTP Tunneling`,
        ),
      );
      return;
    }
    if (head.length) socket.unshift(head);
    if (!secure) return done(null, socket);
    const servername = net.isIP(host) ? undefined : host;
    // `host`: the name the certificate is checked against (tls.connect's default is localhost).
    done(null, tls.connect({ ...secure, socket, host, ...(servername ? { servername } : {}), ALPNProtocols: ['http/1.1'] }));
  });
  req.once('timeout', () => req.destroy(new Error(`the proxy did not answer CONNECT ${target} within ${Number(options.timeout) / 1000} s`)));
  req.once('error', (e) => {
    if (!answered) done(e);
  });
  req.end();
}
