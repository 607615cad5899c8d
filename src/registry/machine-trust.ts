/**
 * The certificate authorities the machine names through OpenSSL's variables: `SSL_CERT_FILE` (a PEM
 * bundle) and `SSL_CERT_DIR` (directories of PEM files, `:`-separated) — what Go's crypto/x509 (so
 * Docker, BuildKit, crane, skopeo), curl, git and Python's ssl read, and what a company's runner image
 * sets for its private CA. Node reads neither: a registry behind that CA failed TLS for Hoist alone,
 * and only registry-ca helped. They are added to Hoist's trust (beside Node's roots and
 * NODE_EXTRA_CA_CERTS), never in place of a check. An SSL_CERT_FILE that cannot be read is an input
 * error naming it, not a trust silently smaller than the user set. An SSL_CERT_DIR entry that is no
 * directory is passed over with a warning, as OpenSSL (by_dir) and Go (an absent directory) pass over
 * it: runner images set SSL_CERT_DIR=/etc/ssl/certs:/usr/local/share/ca-certificates whether or not the
 * second exists, and every other tool of the job runs.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../core/errors.js';

const CERTIFICATE = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g;

interface Found {
  pems: string | undefined;
  /** The SSL_CERT_DIR entries that are no directory. */
  passedOver: string[];
}

/** Made once per process and setting: a run makes a client per registry host. */
const memo = new Map<string, Promise<Found>>();
/** What was said already: a run makes a client per registry host, the warning comes once. */
const warned = new Set<string>();

/**
 * The PEM certificates SSL_CERT_FILE and SSL_CERT_DIR name (each once), or undefined when neither is set;
 * `warn` hears, once a run, of an SSL_CERT_DIR entry passed over.
 */
export async function machineTrust(env: Readonly<Record<string, string | undefined>>, warn?: (message: string) => void): Promise<string | undefined> {
  const found = await machineFound(env);
  for (const dir of found.passedOver) {
    const message = `SSL_CERT_DIR: ${dir} is not a directory: passed over, as OpenSSL and Go pass it over (no CA of it trusted); correct the path or take it out of SSL_CERT_DIR`;
    if (!warn || warned.has(message)) continue;
    warned.add(message);
    warn(message);
  }
  return found.pems;
}

function machineFound(env: Readonly<Record<string, string | undefined>>): Promise<Found> {
  const file = env.SSL_CERT_FILE?.trim() || undefined;
  const dirs = (env.SSL_CERT_DIR ?? '')
    .split(':')
    .map((d) => d.trim())
    .filter(Boolean);
  if (!file && dirs.length === 0) return Promise.resolve({ pems: undefined, passedOver: [] });
  const key = JSON.stringify([file, dirs]);
  let found = memo.get(key);
  if (!found) {
    found = read(file, dirs);
    memo.set(key, found);
    found.catch(() => memo.delete(key));
  }
  return found;
}

async function read(file: string | undefined, dirs: string[]): Promise<Found> {
  const passedOver: string[] = [];
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
    if (!(await stat(dir).catch(() => undefined))?.isDirectory()) {
      passedOver.push(dir);
      continue;
    }
    // OpenSSL's hashed names are links to the same certificates: each is taken once (the Set); what
    // is no certificate (a README, a CRL, a subdirectory) is passed over, as OpenSSL does.
    const names = await readdir(dir).catch(() => []);
    for (const name of names.sort()) take(await readFile(join(dir, name), 'utf8').catch(() => ''));
  }
  return { pems: pems.size ? [...pems].join('\n') + '\n' : undefined, passedOver };
}

function unreadable(variable: string, path: string, why: string, give: string): ConfigError {
  return new ConfigError([{ input: variable, message: `${path}: ${why} — give ${give}, or unset ${variable}` }]);
}
