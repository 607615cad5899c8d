/**
 * What the build is handed without keeping it: `secrets`, `secret-envs`, `secret-files`, `ssh`,
 * `ssh-key` (+ passphrase) and `ssh-known-hosts`. Values are never echoed in messages.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import type { SshForward } from '../core/builder.js';
import type { ConfigIssue } from '../core/errors.js';
import { looksLikePrivateKey, mentionsPrivateKey } from '../secrets/private-key.js';
import { ENV_KEY, parseLines, parsePairs, SECRET_ID, type InputScope } from './read.js';

/** A secret handed to the build through `RUN --mount=type=secret,id=…`. */
export type SecretSource =
  | { kind: 'value'; id: string; value: string; input: 'secrets' | 'secret-envs' }
  /** `unshown`: a path with spaces, which may be a secret's text given in its place — never printed. */
  | { kind: 'file'; id: string; path: string; input: 'secret-files'; unshown?: true };

export interface SecretSettings {
  secrets: SecretSource[];
  ssh: SshForward[];
  /** `ssh-key`: private key material for Hoist's own agent, forwarded as `default`. */
  sshKey: string | undefined;
  sshKeyPassphrase: string | undefined;
  /** `ssh-known-hosts`: pinned host keys, handed to the build as the secret `known_hosts`. */
  knownHosts: string | undefined;
}

/**
 * `secrets` entries, as docker/build-push-action reads them: one `ID=VALUE` per line, or a whole
 * entry in double quotes so its value can span lines (PEM keys) or hold commas and quotes (JSON;
 * `""` is a literal quote inside a quoted entry).
 */
export function parseSecretEntries(raw: string, issues: ConfigIssue[]): Array<[string, string]> {
  let records: string[][];
  try {
    records = parseCsv(raw, { relax_quotes: true, relax_column_count: true, skip_empty_lines: true, comment: '#', comment_no_infix: true }) as string[][];
  } catch (e) {
    // csv-parse's messages quote the offending text; only its code and line are safe to show.
    const { code, lines } = e as { code?: string; lines?: number };
    const where = `${code ?? 'parse error'}${lines ? ` near line ${lines}` : ''}`;
    issues.push({ input: 'secrets', message: `cannot be read (${where}): put an entry holding newlines in double quotes, and double any quote inside it` });
    return [];
  }
  const pairs: Array<[string, string]> = [];
  records.forEach((cells, i) => {
    const entry = cells.join(',');
    const eq = entry.indexOf('=');
    const id = eq > 0 ? entry.slice(0, eq).trim() : '';
    if (eq <= 0 || !SECRET_ID.test(id)) {
      issues.push({ input: 'secrets', message: `entry ${i + 1} is not ID=VALUE (expected an id of letters, digits, _ . - before '=')` });
      return;
    }
    // Kept as given, final newline included (build-push-action reads secrets untrimmed): a pasted key needs it.
    pairs.push([id, entry.slice(eq + 1)]);
  });
  return pairs;
}

/** `secrets`, `secret-envs` and `secret-files`, each id once. */
/** `without`: what a secret that has no value means (for the build, that it would run without it). */
function parseSecretSources(scope: InputScope, without: string): SecretSource[] {
  const { issues } = scope;
  const secrets: SecretSource[] = [];
  const add = (s: SecretSource) => {
    if (secrets.some((x) => x.id === s.id)) issues.push({ input: s.input, message: `secret id '${s.id}' is given more than once` });
    secrets.push(s);
  };
  for (const [id, value] of parseSecretEntries(scope.read('secrets'), issues)) {
    if (!value) issues.push({ input: 'secrets', message: `secret '${id}' has an empty value; ${without}` });
    else add({ kind: 'value', id, value, input: 'secrets' });
  }
  for (const [id, name] of parsePairs(scope, 'secret-envs', SECRET_ID, 'ID=ENV_VAR', true)) {
    const variable = name.trim();
    const value = scope.env[variable];
    if (!ENV_KEY.test(variable)) {
      // Most likely the variable's value was given ($TOKEN for TOKEN): never printed, and hidden.
      misplaced(
        scope,
        'secret-envs',
        `secret '${id}': the value given is not an environment variable name (give its name, NPM_TOKEN, not $NPM_TOKEN); it is not printed`,
      );
    } else if (!value && !/^[A-Z_][A-Z0-9_]*$/.test(variable)) {
      // Not set, and not named as variables are: it may be a token given in place of a name.
      misplaced(
        scope,
        'secret-envs',
        `secret '${id}': no environment variable has the name given (give the variable's name, NPM_TOKEN, not its value); it is not printed`,
      );
    } else if (!value) {
      issues.push({
        input: 'secret-envs',
        message: `secret '${id}': the environment variable ${variable} is ${value === undefined ? 'not set' : 'empty'}; ${without}`,
      });
    } else add({ kind: 'value', id, value, input: 'secret-envs' });
  }
  for (const [id, path] of parsePairs(scope, 'secret-files', SECRET_ID, 'ID=PATH')) {
    if (!path.trim()) issues.push({ input: 'secret-files', message: `secret '${id}' has no file path` });
    else if (!looksLikePath(path.trim())) {
      // A secret's contents where its path belongs (on GitLab: a variable that is not of type File).
      misplaced(
        scope,
        'secret-files',
        `secret '${id}': the value given is not a file path (on GitLab, make the variable a File-type variable); it is not printed`,
      );
    } else add({ kind: 'file', id, path: scope.abs(path.trim()), input: 'secret-files', ...(/\s/.test(path.trim()) ? { unshown: true as const } : {}) });
  }
  return secrets;
}

/**
 * A path as a user writes one: no line breaks or tabs, no `:` or `=` (which a token or a key line
 * holds). Spaces are a path's (`My Project/certs/ca.pem`, a macOS runner's work directory): such a
 * path was refused as "not a file path"; it is taken, and never printed (a passphrase has spaces too).
 */
const looksLikePath = (value: string) => value.length <= 4096 && !/[\t\n\r\v\f:=]/.test(value);

/**
 * An input that holds secret material where it should name a path or a variable: the whole input
 * is hidden (and so looked for by the audit) and the message never shows it.
 */
function misplaced(scope: InputScope, input: string, message: string): void {
  scope.issues.push({ input, message });
  scope.sensitive.push({ name: `the ${input} input (a secret given in place of a name)`, value: scope.read(input) });
}

function parseSsh(scope: InputScope): SshForward[] {
  const ssh: SshForward[] = [];
  if (mentionsPrivateKey(scope.read('ssh'))) {
    misplaced(
      scope,
      'ssh',
      'holds a private key: give the key in ssh-key (Hoist loads it into its own agent), or a path to the key file here; it is not printed',
    );
    return ssh;
  }
  for (const line of parseLines(scope.read('ssh'))) {
    const eq = line.indexOf('=');
    const id = (eq < 0 ? line : line.slice(0, eq)).trim();
    const paths =
      eq < 0
        ? []
        : line
            .slice(eq + 1)
            .split(',')
            .map((p) => p.trim())
            .filter(Boolean)
            .map(scope.abs);
    if (!SECRET_ID.test(id))
      scope.issues.push({
        input: 'ssh',
        message: `'${id.length > 40 ? `${id.slice(0, 8)}…` : id}' is not an ssh id: use 'default' or id=/path/to/socket-or-key`,
      });
    else if (paths.some((p) => !looksLikePath(p)))
      misplaced(scope, 'ssh', `'${id}': a value given is not a path to an agent socket or key file; it is not printed`);
    else ssh.push({ id, paths });
  }
  return ssh;
}

/** `without`: what a secret that has no value means, for messages (`hoist audit` has no build). */
export function parseSecretInputs(scope: InputScope, without = 'the build would run without it'): SecretSettings {
  const { issues } = scope;
  const secrets = parseSecretSources(scope, without);
  const ssh = parseSsh(scope);
  const sshKey = scope.read('ssh-key').trim() || undefined;
  // A File-type variable or a file written by echo ends with a line break the passphrase never has.
  const sshKeyPassphrase = scope.read('ssh-key-passphrase').replace(/\r?\n$/, '') || undefined;
  if (sshKey && !looksLikePrivateKey(sshKey))
    issues.push({ input: 'ssh-key', message: 'does not hold a private key: give the whole key file, from -----BEGIN … PRIVATE KEY----- to its END line' });
  if (sshKeyPassphrase && !sshKey) issues.push({ input: 'ssh-key-passphrase', message: 'is set but ssh-key is not' });
  if (sshKey && ssh.some((f) => f.id === 'default'))
    issues.push({ input: 'ssh', message: "'default' is taken by ssh-key (Hoist's own agent is forwarded as default): remove it from ssh" });
  const knownHosts = scope.read('ssh-known-hosts').trim() || undefined;
  parseLines(knownHosts ?? '').forEach((line, i) => {
    if (line.split(/\s+/).length < (line.startsWith('@') ? 4 : 3))
      issues.push({ input: 'ssh-known-hosts', message: `line ${i + 1} is not a known_hosts line (HOST KEYTYPE KEY, e.g. the output of ssh-keyscan)` });
  });
  if (knownHosts && secrets.some((s) => s.id === 'known_hosts'))
    issues.push({ input: 'secrets', message: "the secret id 'known_hosts' is taken by ssh-known-hosts: rename the secret" });
  return { secrets, ssh, sshKey, sshKeyPassphrase, knownHosts };
}
