// registry-ca files read for real: a PEM certificate passes; anything else is the input's error
// before the build, never quoting the file's text.
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate, type SelfSigned } from '../../test/support/self-signed.js';
import { nodeFiles } from '../effects/files.js';
import { checkCaFile } from './stage.js';

let certificate: SelfSigned;
let dir: string;
beforeAll(async () => {
  certificate = selfSignedCertificate({ commonName: 'ca', keyName: 'ca.key', certName: 'ca.pem' });
  dir = certificate.dir;
  execFileSync('openssl', ['x509', '-in', join(dir, 'ca.pem'), '-outform', 'DER', '-out', join(dir, 'ca.der')]);
  await writeFile(join(dir, 'secrets.env'), 'npm_token=a-secret-value-123\n');
});
afterAll(() => certificate.remove());

describe('checkCaFile', () => {
  it('passes a PEM certificate', async () => {
    expect(await checkCaFile(nodeFiles, 'r.acme:5443', join(dir, 'ca.pem'))).toBeUndefined();
  });

  it.each(['ca.key', 'ca.der', 'secrets.env'])('refuses %s, naming the file and not its text', async (name) => {
    const issue = await checkCaFile(nodeFiles, 'r.acme:5443', join(dir, name));
    expect(issue).toEqual({
      input: 'registry-ca',
      message: `r.acme:5443: ${join(dir, name)} holds no PEM certificate (-----BEGIN CERTIFICATE-----): give the CA's certificate in PEM`,
    });
    expect(issue!.message).not.toContain('a-secret-value');
  });

  it('a file that is not there cannot be read', async () => {
    expect(await checkCaFile(nodeFiles, 'r.acme:5443', join(dir, 'none.pem'))).toEqual({
      input: 'registry-ca',
      message: `r.acme:5443: cannot read ${join(dir, 'none.pem')}`,
    });
  });
});
