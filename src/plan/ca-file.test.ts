// registry-ca files read for real: a PEM certificate passes; anything else is the input's error
// before the build, never quoting the file's text.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeFiles } from '../effects/files.js';
import { checkCaFile } from './stage.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hoist-ca-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      '/CN=ca',
      '-days',
      '1',
      '-keyout',
      join(dir, 'ca.key'),
      '-out',
      join(dir, 'ca.pem'),
    ],
    { stdio: 'ignore' },
  );
  execFileSync('openssl', ['x509', '-in', join(dir, 'ca.pem'), '-outform', 'DER', '-out', join(dir, 'ca.der')]);
  await writeFile(join(dir, 'secrets.env'), 'npm_token=a-secret-value-123\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

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
