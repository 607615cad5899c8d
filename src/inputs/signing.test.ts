// sign / signing-key / signing-key-password: every combination that cannot sign is one issue naming
// its input (keyless said to be unavailable), and the key and its password are hidden (catalogued)
// whatever else is wrong. Nearest real-world variant: a workflow passing
// `signing-key: ${{ secrets.COSIGN_PRIVATE_KEY }}` and `signing-key-password: ${{ secrets.COSIGN_PASSWORD }}`.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cosignKeyPair } from '../../test/support/cosign-key.js';
import { issuesOf, parseConfig, reader, secretValues, ctx } from '../../test/support/inputs.js';

const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const base = { images: 'registry.acme/team/app', version: '1.0.0' };

describe('signing inputs', () => {
  it('sign: key with a key (and a password) is read; both are hidden before any message', async () => {
    const cosign = cosignKeyPair('pw-0123456789').key;
    const inputs = await parseConfig(reader({ ...base, sign: 'key', 'signing-key': cosign, 'signing-key-password': 'pw-0123456789' }), ctx);
    expect(inputs.signing).toEqual({ mode: 'key', key: cosign.trim(), password: 'pw-0123456789' });
    const hidden = secretValues(inputs);
    expect(hidden).toContain(cosign.trim());
    expect(hidden).toContain('pw-0123456789');
    expect((await parseConfig(reader(base), ctx)).signing).toEqual({ mode: 'off' });
    // A password from a file (GitLab File-type variable, echo > file) loses its final line break only.
    const fromFile = await parseConfig(reader({ ...base, sign: 'key', 'signing-key': cosign, 'signing-key-password': 'pw-0123456789\n' }), ctx);
    expect(fromFile.signing.password).toBe('pw-0123456789');
  });

  it('refuses what cannot sign, one issue per input', async () => {
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [{ sign: 'keyless' }, 'sign', /keyless signing is not available in this version: use sign: key/],
      [{ sign: 'yes please' }, 'sign', /is not one of false, key/],
      [{ sign: 'key' }, 'signing-key', /is required with sign: key/],
      [{ 'signing-key': key }, 'sign', /signing-key is set but sign is not: set sign: key/],
      [{ sign: 'key', 'signing-key': 'my-token-value' }, 'signing-key', /does not hold a private key/],
      [{ 'signing-key-password': 'x' }, 'signing-key-password', /is set but signing-key is not/],
    ];
    for (const [inputs, input, message] of cases) {
      const issues = await issuesOf({ ...base, ...inputs });
      expect(issues).toEqual([{ input, message: expect.stringMatching(message) }]);
      const secret = [inputs['signing-key'], inputs['signing-key-password']].filter((v): v is string => !!v);
      expect(secret.filter((v) => issues[0]!.message.includes(v))).toEqual([]);
    }
  });
});
