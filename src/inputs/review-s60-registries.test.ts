// Property: a registry-auth line in another tool's form is named as that form whatever its password holds — never
// read as a REGISTRY=USERNAME:PASSWORD line whose "registry" is the user and half the password (no login, no word:
// the push later fails with a 401 that names no line). A base64 token ends in '=' (its padding), and a login command
// may give --password=…; both put an '=' before a ':' and passed the form checks of 36addef.
// Nearest real-world variants: `bob:c2VjcmV0dG9rZW4=@registry.acme:5000` (a base64 token as the password),
// `docker login -u bob --password=… registry.acme:5000` pasted from a job's script.
import { describe, expect, it } from 'vitest';
import type { ConfigIssue } from '../core/errors.js';
import { parseRegistryAuth } from './registries.js';

const SECRET = 'c2VjcmV0LXRva2VuLTAxMjM0NQ==';

function read(text: string) {
  const issues: ConfigIssue[] = [];
  const logins = parseRegistryAuth(text, issues);
  return { logins, issues: issues.map((i) => i.message) };
}

describe('registry-auth in other forms, an = in the password', () => {
  it.each([
    [`bob:${SECRET}@registry.acme:5000`, 'line 1 is USERNAME:PASSWORD@REGISTRY'],
    [`https://bob:${SECRET}@registry.acme:5000`, 'line 1 is USERNAME:PASSWORD@REGISTRY'],
    [`docker login -u bob --password=${SECRET}:x registry.acme:5000`, 'line 1 is a login command'],
  ])('%#: named, no login made of its pieces, the password not shown', (text, said) => {
    const r = read(text);
    expect({ logins: r.logins, said: r.issues.some((m) => m.startsWith(said)), leaked: r.issues.join('\n').includes(SECRET) }).toEqual({
      logins: [],
      said: true,
      leaked: false,
    });
  });

  it('lines that are REGISTRY=USERNAME:PASSWORD still log in: a port, a scheme, a path, an = or @ in the password', () => {
    const r = read(['registry.acme:5000=bob:a=b@c', 'https://index.docker.io/v1/=bob:pw', '[::1]:5000=bob:pw', 'ghcr.io  =  bob:pw=='].join('\n'));
    expect(r).toEqual({
      logins: [
        { registry: 'registry.acme:5000', username: 'bob', password: 'a=b@c' },
        { registry: 'https://index.docker.io/v1/', username: 'bob', password: 'pw' },
        { registry: '[::1]:5000', username: 'bob', password: 'pw' },
        { registry: 'ghcr.io', username: 'bob', password: 'pw==' },
      ],
      issues: [],
    });
  });
});
