import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyIdentity } from './keys.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../test/fixtures/keys', name), 'utf8');

describe('keyIdentity', () => {
  // The fingerprints are what `ssh-keygen -lf` printed for the fixtures' public keys.
  it.each([
    ['ed25519.openssh', 'yPbtbYAlqjSJtHTJ4zhARu+fVWH2uKN+rs28FfzH3Nk'],
    ['rsa.openssh', 'yvPe+q3DZbxciB1qnSAjHGMy12dxJepktFgCrpEsNmA'],
    ['rsa.pkcs1.pem', 'yvPe+q3DZbxciB1qnSAjHGMy12dxJepktFgCrpEsNmA'],
    ['ec.openssh', '+xRciaEdJRX4LuI9bQZL+YxgigTprE5z5suNXtmyEVg'],
    ['ec.sec1.pem', '+xRciaEdJRX4LuI9bQZL+YxgigTprE5z5suNXtmyEVg'],
    ['enc.openssh', 'yd/3f49c7kD+OYfCPH6GCSZWH1qOGrkiHyJt8H+Apoc'], // encrypted: the public key is in the clear
  ])('%s is SHA256:%s, whatever format it was saved in', (file, fingerprint) => {
    expect(keyIdentity(fixture(file))).toBe(fingerprint);
  });

  it('finds the block inside other text, and says nothing for a damaged one', () => {
    expect(keyIdentity(`export KEY="\n${fixture('rsa.pkcs1.pem')}"\n`)).toBe('yvPe+q3DZbxciB1qnSAjHGMy12dxJepktFgCrpEsNmA');
    expect(keyIdentity('-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----')).toBeUndefined();
    expect(keyIdentity('no key here')).toBeUndefined();
  });
});
