/**
 * The inputs stage catalogs (masks, audits, refuses as a build argument) the secret of every input the
 * one table declares (src/secrets/inputs.ts): catalogSecrets picks the values out of typed settings,
 * so this is what ties it to the table. Nearest real-world variant: signing-key added to action.yml
 * and the CLI's set, but not to the catalog, so the audit never looked for the key in the image.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SECRET_INPUT_TABLE, type SecretInput } from '../secrets/inputs.js';
import { ctx, parseConfig, reader, secretValues } from '../../test/support/inputs.js';

/** A value of the input's form, and the secret inside it that must be hidden. */
function given(input: SecretInput): { text: string; secret: string } {
  const secret = `s3cr3t-${input.name}-${randomBytes(6).toString('hex')}`;
  switch (input.carries) {
    case 'entries':
      return { text: `token=${secret}`, secret };
    case 'credentials':
      return { text: `ghcr.io=bot:${secret}`, secret };
    case 'key': {
      const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().trim();
      return { text: key, secret: key };
    }
    default:
      return { text: secret, secret };
  }
}

describe('the catalog and the secret input table', () => {
  it("property: with every secret input of the table set, each one's secret is hidden by the inputs stage (5 runs, fresh values)", async () => {
    for (let run = 0; run < 5; run++) {
      const values = SECRET_INPUT_TABLE.map((i) => [i.name, given(i)] as const);
      const raw: Record<string, string> = { images: 'ghcr.io/acme/app', sign: 'key', ...Object.fromEntries(values.map(([n, v]) => [n, v.text])) };
      const hidden = secretValues(await parseConfig(reader(raw), ctx));
      for (const [name, { secret }] of values)
        expect(
          hidden.some((h) => h.includes(secret)),
          name,
        ).toBe(true);
    }
  });
});
