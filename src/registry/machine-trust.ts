/**
 * The certificate authorities the machine names through OpenSSL's variables: `SSL_CERT_FILE` (a PEM
 * bundle) and `SSL_CERT_DIR` (directories of PEM files, `:`-separated) — what Go's crypto/x509 (so
 * Docker, BuildKit, crane, skopeo), curl, git and Python's ssl read, and what a company's runner image
 * sets for its private CA. Node reads neither: a registry behind that CA failed TLS for Hoist alone,
 * and only registry-ca helped. They are added to Hoist's trust (beside Node's roots and
 * NODE_EXTRA_CA_CERTS), never in place of a check. A variable naming what cannot be read is an input
 * error naming it, not a trust silently smaller than the user set.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../core/errors.js';

const CERTIFICATE = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g;

/** Made once per process and setting: a run makes a client per registry host. */
const memo = new Map<string, Promise<string | undefined>>();

/** The PEM certificates SSL_CERT_FILE and SSL_CERT_DIR name (each once), or undefined when neither is set. */
export function machineTrust(env: Readonly<Record<string, string | undefined>>): Promise<string | undefined> {
  const file = env.SSL_CERT_FILE?.trim() || undefined;
  const dirs = (env.SSL_CERT_DIR ?? '')
    .split(':')
    .map((d) => d.trim())
    .filter(Boolean);
  if (!file && dirs.length === 0) return Promise.resolve(undefined);
  const key = JSON.stringify([file, dirs]);
  let found = memo.get(key);
  if (!found) {
    found = read(file, dirs);
    memo.set(key, found);
    found.catch(() => memo.delete(key));
  }
  return found;
}

async function read(file: string | undefined, dirs: string[]): Promise<string | undefined> {
  const pems = new Set<string>();
  const take = (text: string) => {
    for (const m of text.matchAll(CERTIFICATE)) pems.add(m[0].replace(/\r\n/g, '\n'));
  };
  if (file) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw unreadable('SSL_CERT_FILE', file, (e as NodeJS.ErrnoException).code ?? 'unreadable', 'the path of a PEM bundle of CA certificates');
    }
    take(text);
    if (pems.size === 0) throw unreadable('SSL_CERT_FILE', file, 'no PEM certificate in it', 'the path of a PEM bundle of CA certificates');
  }
  for (const dir of dirs) {
    if (!(await stat(dir).catch(() => undefined))?.isDirectory())
      throw unreadable('SSL_CERT_DIR', dir, 'not a directory', 'directories of PEM files, separated by ":"');
    // OpenSSL's hashed names are links to the same certificates: each is taken once (the Set); what
    // is no certificate (a README, a CRL, a subdirectory) is passed over, as OpenSSL does.
    for (const name of (await readdir(dir)).sort()) take(await readFile(join(dir, name), 'utf8').catch(() => ''));
  }
  return pems.size ? [...pems].join('\n') + '\n' : undefined;
}

function unreadable(variable: string, path: string, why: string, give: string): ConfigError {
  return new ConfigError([{ input: variable, message: `${path}: ${why} — give ${give}, or unset ${variable}` }]);
}
