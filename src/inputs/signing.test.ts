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
      [
        { sign: 'keyless' },
        'sign',
        /keyless needs the CI's OIDC token and there is none: on GitHub give the job permissions: id-token: write; on GitLab declare id_tokens: SIGSTORE_ID_TOKEN/,
      ],
      [{ sign: 'yes please' }, 'sign', /is not one of false, key, keyless/],
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

  // sign: keyless — the OIDC token found at the inputs (GitLab's id_tokens: variable, else GitHub's
  // token request), hidden at once; none anywhere is one issue naming both places it comes from.
  // Nearest real-world variant: a GitLab job with id_tokens: SIGSTORE_ID_TOKEN: aud: sigstore, a
  // GitHub job with permissions: id-token: write, a private Sigstore deployment's URLs.
  it("sign: keyless takes the token from the named variable or GitHub's request, hidden; URLs and the variable name are checked", async () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4IiwiaXNzIjoieSJ9.c2ln';
    const gitlab = { ...ctx, env: { GITLAB_ID: token } };
    const inputs = await parseConfig(
      reader({ ...base, sign: 'keyless', 'oidc-token-variable': 'GITLAB_ID', 'fulcio-url': 'https://fulcio.internal/' }),
      gitlab,
    );
    expect(inputs.signing).toEqual({ mode: 'keyless', keyless: { fulcioUrl: 'https://fulcio.internal', rekorUrl: 'https://rekor.sigstore.dev', token } });
    expect(secretValues(inputs)).toContain(token);
    const github = {
      ...ctx,
      env: { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://runner.test/token?api-version=2.0', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'bearer-secret-0123' },
    };
    const gh = await parseConfig(reader({ ...base, sign: 'keyless' }), github);
    expect(gh.signing.keyless?.request).toEqual({ url: 'https://runner.test/token?api-version=2.0', bearer: 'bearer-secret-0123' });
    expect(secretValues(gh)).toContain('bearer-secret-0123');
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [{ 'fulcio-url': 'fulcio.internal' }, 'fulcio-url', /is not an http\(s\) URL of the service/],
      [{ 'rekor-url': 'https://user:pw@rekor.internal' }, 'rekor-url', /is not an http\(s\) URL of the service \(no credentials/],
      [{ 'oidc-token-variable': '$TOKEN' }, 'oidc-token-variable', /is not a variable name/],
      [{ 'signing-key': key }, 'signing-key', /is set with sign: keyless/],
    ];
    for (const [more, input, message] of cases)
      expect(await issuesOf({ ...base, sign: 'keyless', 'oidc-token-variable': 'GITLAB_ID', ...more }, gitlab)).toContainEqual({
        input,
        message: expect.stringMatching(message),
      });
    // Only the variable named is read: a token under another name is no token.
    expect(await issuesOf({ ...base, sign: 'keyless' }, gitlab)).toEqual([{ input: 'sign', message: expect.stringMatching(/id_tokens: SIGSTORE_ID_TOKEN/) }]);
  });
});
