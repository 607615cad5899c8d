/**
 * A self-signed certificate for tests, made by the real openssl (an EC P-256 key, valid one day) in
 * a temporary directory of its own: for a TLS server nothing trusts (`https.createServer({ key,
 * cert })`) or a CA file to give `registry-ca`. The directory holds only what is made here and what
 * a test adds; `remove()` (or `await using`) deletes it, the private key with it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SelfSigned {
  /** The directory the files are in (a test may write its own files there too). */
  dir: string;
  keyFile: string;
  /** The certificate, PEM. */
  certFile: string;
  key: Buffer;
  cert: Buffer;
  remove(): void;
  [Symbol.dispose](): void;
}

export interface SelfSignedOptions {
  /** The subject's CN (default `127.0.0.1`). */
  commonName?: string;
  /** A subjectAltName (`IP:127.0.0.1`, `DNS:localhost`), which Node's hostname check reads. */
  altName?: string;
  /** Names of the key and certificate files (default `key.pem`, `cert.pem`). */
  keyName?: string;
  certName?: string;
}

export function selfSignedCertificate(o: SelfSignedOptions = {}): SelfSigned {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-cert-'));
  const keyFile = join(dir, o.keyName ?? 'key.pem');
  const certFile = join(dir, o.certName ?? 'cert.pem');
  const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1'];
  args.push('-subj', `/CN=${o.commonName ?? '127.0.0.1'}`, ...(o.altName ? ['-addext', `subjectAltName=${o.altName}`] : []));
  execFileSync('openssl', [...args, '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  const remove = () => rmSync(dir, { recursive: true, force: true });
  return { dir, keyFile, certFile, key: readFileSync(keyFile), cert: readFileSync(certFile), remove, [Symbol.dispose]: remove };
}
