/**
 * The one table of secret-carrying inputs names real inputs of the front doors it says have them,
 * and what derives from it (the CLI's set, the GitLab keys withheld from a child pipeline, the
 * File-type variables) says the same as the table. Nearest real-world variant: an input added to
 * action.yml and the GitLab spec as `signing-key` was, declared secret in one place only.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GITLAB_FILE_SECRETS, GITLAB_SECRET_KEYS, SECRET_INPUT_TABLE, SECRET_INPUTS } from './inputs.js';

const actionInputs = (file: string) => Object.keys((parse(readFileSync(file, 'utf8')) as { inputs: object }).inputs);
const gitlabInputs = (name: string) =>
  Object.keys((parse(readFileSync(`gitlab/templates/${name}.yml`, 'utf8').split('\n---\n')[0]!) as { spec: { inputs: object } }).spec.inputs);

describe('the secret input table', () => {
  it('property: an entry names an input of every front door it claims, and only of those (build and push)', () => {
    const action = new Set([...actionInputs('action.yml'), ...actionInputs('push/action.yml')]);
    const gitlab = new Set([...gitlabInputs('build'), ...gitlabInputs('push')]);
    for (const { name, doors } of SECRET_INPUT_TABLE) {
      expect(action.has(name), `${name} in action.yml`).toBe(doors !== 'gitlab');
      expect(gitlab.has(name.replaceAll('-', '_')), `${name} in the GitLab build spec`).toBe(doors !== 'github');
    }
  });

  it('the CLI set is every entry the Action has; the GitLab keys every entry the components have, spelled as their spec', () => {
    expect([...SECRET_INPUTS]).toEqual(SECRET_INPUT_TABLE.filter((i) => i.doors !== 'gitlab').map((i) => i.name));
    expect([...GITLAB_SECRET_KEYS].sort()).toEqual(
      ['audit_values', 'gitlab_token', 'registry_auth', 'secrets', 'signing_key', 'signing_key_password', 'ssh_key', 'ssh_key_passphrase'].sort(),
    );
    expect([...GITLAB_FILE_SECRETS].sort()).toEqual([
      'audit-values',
      'gitlab-token',
      'registry-auth',
      'secrets',
      'signing-key',
      'signing-key-password',
      'ssh-key',
      'ssh-key-passphrase',
    ]);
  });

  it('property: every input of every action.yml and GitLab spec named as a credential is in the table, but the public ones named here', () => {
    // A public key and public host keys: named like secrets, carrying none.
    const PUBLIC = new Set(['verify-key', 'ssh-known-hosts']);
    const files = ['action.yml', 'push/action.yml', 'promote/action.yml', 'merge/action.yml', 'stale/action.yml', 'prune/action.yml'];
    const names = new Set([
      ...files.flatMap(actionInputs),
      ...['build', 'push', 'promote', 'merge', 'stale', 'prune'].flatMap(gitlabInputs).map((n) => n.replaceAll('_', '-')),
    ]);
    const table = new Set(SECRET_INPUT_TABLE.map((i) => i.name));
    const credentials = [...names].filter((n) => /(^|-)(auth|key|token|password|passphrase|secrets|values)$/.test(n) && !PUBLIC.has(n));
    expect(credentials.length).toBeGreaterThanOrEqual(SECRET_INPUT_TABLE.length);
    for (const name of credentials) expect(table.has(name), name).toBe(true);
  });
});
