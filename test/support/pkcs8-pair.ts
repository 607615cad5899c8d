/**
 * An EC P-256 key pair as `openssl genpkey` writes it (PKCS#8 PEM) and its public key (SPKI PEM):
 * the form `hoist sign --key` and `hoist verify --key` are given by a user who made their key with
 * openssl rather than cosign. The sign tests make a signer and a stranger with it.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function pkcs8Pair(dir: string, name: string): Promise<{ key: string; pub: string }> {
  const key = join(dir, `${name}.pem`);
  const pub = join(dir, `${name}.pub`);
  await run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
  await run('openssl', ['pkey', '-in', key, '-pubout', '-out', pub]);
  return { key, pub };
}
