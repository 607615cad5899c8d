// Property: registry-auth written in another tool's form is named as that form, with the way to
// give it, and the text (passwords) is never quoted; lines aligned with spaces around '=' log in.
// Nearest real variants: `registry_auth: $DOCKER_AUTH_CONFIG` (a Docker config's JSON) in a GitLab
// job, docker/login-action's `with:` keys pasted as one mapping, `docker login -u bob -p … host`,
// `bob:…@registry.acme`, and `ghcr.io   = bob:…` aligned in a block.
import { describe, expect, it } from 'vitest';
import type { ConfigIssue } from '../core/errors.js';
import { parseRegistryAuth } from './registries.js';

const SECRET = 'pw-0123456789-secret';

function read(text: string) {
  const issues: ConfigIssue[] = [];
  const logins = parseRegistryAuth(text, issues);
  return { logins, issues: issues.map((i) => i.message) };
}

describe('registry-auth in other forms', () => {
  it.each([
    [
      `{"auths":{"ghcr.io":{"auth":"${Buffer.from(`bob:${SECRET}`).toString('base64')}"}}}`,
      'is a Docker config (JSON), which registry-auth does not take: give it as DOCKER_AUTH_CONFIG',
    ],
    [`{"auths":{}}\nregistry.gitlab.com=gitlab-ci-token:${SECRET}`, 'is a Docker config (JSON)'],
    [`registry: ghcr.io\nusername: bob\npassword: ${SECRET}`, "is one YAML mapping (docker/login-action's with: keys): make it a list entry"],
    [`docker login -u bob -p ${SECRET} registry.acme`, 'line 1 is a login command: write the registry, user and password as REGISTRY=USERNAME:PASSWORD'],
    [`bob:${SECRET}@registry.acme:5000`, 'line 1 is USERNAME:PASSWORD@REGISTRY: write REGISTRY=USERNAME:PASSWORD'],
  ])('%#: named, the password not shown', (text, said) => {
    const r = read(text);
    expect({ logins: r.logins, said: r.issues.some((m) => m.startsWith(said)), leaked: r.issues.join('\n').includes(SECRET) }).toEqual({
      logins: [],
      said: true,
      leaked: false,
    });
  });

  it('spaces around = are no part of the registry or the user', () => {
    expect(read(`ghcr.io   = bob:${SECRET}\nregistry.acme=\tci:${SECRET}`)).toEqual({
      logins: [
        { registry: 'ghcr.io', username: 'bob', password: SECRET },
        { registry: 'registry.acme', username: 'ci', password: SECRET },
      ],
      issues: [],
    });
  });

  it('the plain form is read as before', () => {
    expect(read(`registry:5000=u:${SECRET}\nhost=u:p:w`)).toEqual({
      logins: [
        { registry: 'registry:5000', username: 'u', password: SECRET },
        { registry: 'host', username: 'u', password: 'p:w' },
      ],
      issues: [],
    });
  });
});
