/**
 * The Docker daemon asked over its Engine API on the unix socket, where a CLI start is most of a call's cost: the run
 * tag's removal after docker save (`docker image rm` took 0.35–0.45 s at load 14, the same DELETE on the socket
 * 0.008–0.034 s; bench/run.sh base counts it on the docker path's critical path). Only where the socket the CLI would
 * use is certain: DOCKER_HOST `unix://…`, or no DOCKER_HOST, no DOCKER_CONTEXT and no current context in the CLI's
 * config, and the default socket there. Anything else (tcp://, ssh://, a context, TLS) stays with the CLI.
 */
import { request } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const DEFAULT_SOCKET = '/var/run/docker.sock';

/** The docker CLI's current context from its config.json, if one is set (`docker context use`). */
function currentContext(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const dir = env.DOCKER_CONFIG ?? join(env.HOME ?? homedir(), '.docker');
  try {
    return (JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { currentContext?: string }).currentContext || undefined;
  } catch {
    return undefined; // no config: the default context
  }
}

/** The unix socket the docker CLI would talk to under `env`, when it is certain; otherwise undefined (use the CLI). */
export function dockerEngineSocket(env: Readonly<Record<string, string | undefined>>, exists: (path: string) => boolean = existsSync): string | undefined {
  const host = env.DOCKER_HOST;
  if (host !== undefined && host !== '') return host.startsWith('unix://') && host.length > 'unix://'.length ? host.slice('unix://'.length) : undefined;
  const context = env.DOCKER_CONTEXT || currentContext(env);
  if (context && context !== 'default') return undefined;
  return exists(DEFAULT_SOCKET) ? DEFAULT_SOCKET : undefined;
}

/** The daemon could not be reached on the socket (not there, refused, not allowed): the CLI may still reach it. */
export class EngineUnreachable extends Error {}

/**
 * `docker image rm NAME` on the socket: resolves once the daemon removed the name (and the image, if it was its last);
 * rejects with the daemon's own message (`No such image: …`), or with `EngineUnreachable`.
 */
export function removeImage(socket: string, name: string, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method: 'DELETE', path: `/images/${name}`, headers: { Host: 'docker' }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        if (res.statusCode === 200) return resolve();
        const body = Buffer.concat(chunks).toString('utf8');
        let message = body.trim();
        try {
          message = (JSON.parse(body) as { message?: string }).message ?? message;
        } catch {
          /* not JSON: the body as it came */
        }
        reject(new Error(`Error response from daemon: ${message || `HTTP ${res.statusCode}`}`));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`the Docker daemon did not answer on ${socket} within ${timeoutMs / 1000} s`)));
    req.on('error', (e: NodeJS.ErrnoException) =>
      reject(e.code && ['ENOENT', 'ECONNREFUSED', 'EACCES', 'ENOTSOCK', 'EPERM'].includes(e.code) ? new EngineUnreachable(`${socket}: ${e.code}`) : e),
    );
    req.end();
  });
}

/**
 * `docker push NAME:TAG` on the socket, without credentials (X-Registry-Auth of none: the sink on loopback asks for
 * none). Resolves once the daemon said the push is done; rejects with the daemon's own error from its progress stream,
 * or with `EngineUnreachable`.
 */
export function pushImage(socket: string, name: string, tag: string, timeoutMs = 600_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const path = `/images/${name}/push?tag=${encodeURIComponent(tag)}`;
    const auth = Buffer.from('{}').toString('base64url');
    const req = request({ socketPath: socket, method: 'POST', path, headers: { Host: 'docker', 'X-Registry-Auth': auth }, timeout: timeoutMs }, (res) => {
      let rest = '';
      let error: string | undefined;
      let message: string | undefined; // a refusal before the push started: {"message": …}
      const lines = (text: string) => {
        for (const line of text.split('\n')) {
          if (!line.trim()) continue;
          try {
            const event = JSON.parse(line) as { error?: string; errorDetail?: { message?: string }; message?: string };
            error ??= event.errorDetail?.message ?? event.error;
            message ??= event.message;
          } catch {
            /* a progress line cut short: the next chunk holds its end */
          }
        }
      };
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        const text = rest + c;
        const cut = text.lastIndexOf('\n');
        rest = cut < 0 ? text : text.slice(cut + 1);
        if (cut >= 0) lines(text.slice(0, cut));
      });
      res.on('error', reject);
      res.on('end', () => {
        lines(rest);
        if (res.statusCode !== 200) return reject(new Error(`Error response from daemon: ${error ?? message ?? `HTTP ${res.statusCode}`}`));
        return error === undefined ? resolve() : reject(new Error(error));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`the Docker daemon did not finish pushing ${name}:${tag} within ${timeoutMs / 1000} s`)));
    req.on('error', (e: NodeJS.ErrnoException) =>
      reject(e.code && ['ENOENT', 'ECONNREFUSED', 'EACCES', 'ENOTSOCK', 'EPERM'].includes(e.code) ? new EngineUnreachable(`${socket}: ${e.code}`) : e),
    );
    req.end();
  });
}

/**
 * `docker pull NAME:TAG` on the socket, to see where the daemon's requests go, not to get an image: resolves once the
 * daemon answered, whatever it said (the sink answers the probe's manifest with 404); rejects only with
 * `EngineUnreachable` or a timeout.
 */
export function pullProbe(socket: string, name: string, tag: string, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const path = `/images/create?fromImage=${encodeURIComponent(name)}&tag=${encodeURIComponent(tag)}`;
    const auth = Buffer.from('{}').toString('base64url');
    const req = request({ socketPath: socket, method: 'POST', path, headers: { Host: 'docker', 'X-Registry-Auth': auth }, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('error', () => resolve());
      res.on('end', () => resolve());
    });
    req.on('timeout', () => req.destroy(new Error(`the Docker daemon did not answer a pull of ${name}:${tag} within ${timeoutMs / 1000} s`)));
    req.on('error', (e: NodeJS.ErrnoException) =>
      reject(e.code && ['ENOENT', 'ECONNREFUSED', 'EACCES', 'ENOTSOCK', 'EPERM'].includes(e.code) ? new EngineUnreachable(`${socket}: ${e.code}`) : e),
    );
    req.end();
  });
}
