/**
 * Loopback registries that answer in plain HTTP, for the builders that do not reach them so by
 * themselves: the Docker daemon treats 127.0.0.0/8 as insecure (HTTP when no TLS answers) and Hoist's
 * own client does the same (registry/transport), but buildah's containers/image insists on HTTPS
 * unless registries.conf says otherwise — so a base on `127.0.0.1:5000` built with buildah failed
 * (`http: server gave HTTP response to HTTPS client`) unless insecure-registries named it. Only a
 * host that does not speak TLS is listed: one that does keeps TLS and its certificate checks.
 */
import { connect } from 'node:tls';
import { parseReference } from '../core/reference.js';
import { isLoopback } from '../registry/transport/transport.js';

/** What OpenSSL says when the other end answered a ClientHello in plain HTTP. */
const PLAIN = /WRONG_VERSION_NUMBER|wrong version number|packet length too long|http request/i;

/** True when `host` (`127.0.0.1:5000`, `localhost`, `[::1]:5000`) answers a TLS handshake in plain HTTP. */
export function answersPlainHttp(host: string, timeoutMs = 3000): Promise<boolean> {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(host);
  const [name, port] = bracketed ? [bracketed[1]!, bracketed[2]] : [host.replace(/:\d+$/, ''), /:(\d+)$/.exec(host)?.[1]];
  return new Promise((done) => {
    // rejectUnauthorized off: this only asks whether TLS is spoken at all; the pulls check certificates.
    const socket = connect({ host: name, port: Number(port ?? 443), rejectUnauthorized: false, timeout: timeoutMs });
    const end = (plain: boolean) => {
      socket.destroy();
      done(plain);
    };
    socket.once('secureConnect', () => end(false));
    socket.once('timeout', () => end(false));
    socket.once('error', (e: NodeJS.ErrnoException) => end(PLAIN.test(`${e.code ?? ''} ${e.message}`)));
  });
}

/** The loopback registries among `refs` (image references) that speak plain HTTP, each probed once. */
export async function plainLoopbackRegistries(refs: readonly string[], known: readonly string[] = []): Promise<string[]> {
  const hosts = new Set<string>();
  for (const ref of refs) {
    try {
      const registry = parseReference(ref).registry;
      if (isLoopback(registry) && !known.includes(registry)) hosts.add(registry);
    } catch {
      // Not a reference (a scratch or a stage's name): nothing to pull.
    }
  }
  const plain = await Promise.all([...hosts].map(async (h) => ((await answersPlainHttp(h)) ? h : undefined)));
  return plain.filter((h): h is string => h !== undefined);
}
