// RFC 4514 hex-pair escapes (`\C3\A9`: one byte each; `\"` `\+` `\<` for punctuation) as OpenSSL prints a subject —
// `openssl req -subject` with its default name options and with `-nameopt RFC2253` — are read through: the secret is
// found in the printed subject, and another value of its length is not (round 12 of the variant corpus, issue 28).
// The nearest real-world variant: a CSR's subject line in a provisioning log, its O or OU holding a passphrase.
// The subject is given to openssl in a config file, never in argv.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findIn } from './escape-find.testing.js';

/** What the scan finds of `value` in `text`: each finding's encoding and escapes. */

/** `openssl req -noout -subject` of a new CSR whose `field` is `value` (UTF-8), with `nameopt` when given. */
function subject(field: string, value: string, nameopt?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-dn-'));
  try {
    const cnf = join(dir, 'req.cnf');
    writeFileSync(cnf, `[req]\nprompt = no\nutf8 = yes\nstring_mask = utf8only\ndistinguished_name = dn\n[dn]\nCN = svc\n${field} = ${value}\n`);
    const csr = execFileSync(
      'openssl',
      ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k.pem'), '-config', cnf],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    return execFileSync('openssl', ['req', '-noout', '-subject', ...(nameopt ? ['-nameopt', nameopt] : [])], { input: csr, encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('hex-pair escapes (RFC 4514) as OpenSSL prints a subject', { timeout: 60_000 }, () => {
  const cases: Array<[string, string, string, string | undefined, RegExp]> = [
    ['default name options, a value beyond ASCII (é ß £ as \\C3\\A9 …)', 'O', 'GkD79Bé yGVguß uHbFZp£NZlQq', undefined, /\\C3\\A9/],
    ['-nameopt RFC2253, punctuation and beyond ASCII (\\+ \\< \\> \\; and \\C3\\A9)', 'OU', 'q8+<WJBnqck>rZ5;t0sé&en5mv7saW', 'RFC2253', /\\\+/],
  ];
  it.each(cases)('%s: found, and another value of its length is not', (_name, field, value, nameopt, shape) => {
    const printed = subject(field, value, nameopt);
    expect(printed).toMatch(shape);
    expect(printed).not.toContain(value);
    expect(findIn(value, printed)).toContainEqual(expect.stringContaining('hex-pair escaped'));
    expect(findIn(value, subject(field, value.replace(/[A-Za-z]/g, 'x'), nameopt))).toEqual([]);
  });

  it('an LDAP filter (RFC 4515: \\2a \\28 \\5c in lower case) is read alike', () => {
    const value = 'p(ss)*w\\rd-é-0123456789';
    const filter = `(&(objectClass=user)(userPassword=${[...Buffer.from(value)].map((b) => (b > 0x7e || '*()\\'.includes(String.fromCharCode(b)) ? `\\${b.toString(16).padStart(2, '0')}` : String.fromCharCode(b))).join('')}))`;
    expect(findIn(value, filter)).toContainEqual(expect.stringContaining('hex-pair escaped'));
  });
});
