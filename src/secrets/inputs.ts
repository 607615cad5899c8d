/**
 * The one declaration of the inputs that carry secret material, read by every front door: the CLI
 * (never a plain flag: `--NAME-file PATH` or `HOIST_NAME`, hidden before anything prints, kept out of
 * child environments), its dialect, the GitLab components (File-type variables; the hierarchy's child
 * pipeline withholds them), the generated input reference (scripts/input-docs.mjs reads this table's
 * text) and the inputs stage's catalog (src/inputs/index.ts, tested against this table).
 * An input added here is secret everywhere at once. Pure data, no imports.
 */

/**
 * Which front doors have the input: `all` (the Action, the `hoist` command and the GitLab
 * components), `github` (the Action and the `hoist` command, whose flags are action.yml's), `gitlab`
 * (the GitLab components only).
 */
export type SecretDoors = 'all' | 'github' | 'gitlab';

export interface SecretInput {
  /** The input's name as action.yml and the GitLab spec write it. */
  readonly name: string;
  /**
   * How the value carries its secret: `entries` (ID=VALUE lines, each value a secret), `credentials`
   * (REGISTRY=USERNAME:PASSWORD lines or a YAML list, each password a secret), `values` (each line a
   * secret), `key` (a whole private key file), `password` (the passphrase of that key), `token`.
   */
  readonly carries: 'entries' | 'credentials' | 'values' | 'key' | 'password' | 'token';
  /** On GitLab the value may be a File-type variable: the path of a file holding the secret, read in its place. */
  readonly gitlabFile: boolean;
  readonly doors: SecretDoors;
}

// One entry a line: scripts/input-docs.mjs reads the names and doors from this text.
export const SECRET_INPUT_TABLE: readonly SecretInput[] = [
  { name: 'secrets', carries: 'entries', gitlabFile: true, doors: 'all' },
  { name: 'ssh-key', carries: 'key', gitlabFile: true, doors: 'all' },
  { name: 'ssh-key-passphrase', carries: 'password', gitlabFile: true, doors: 'all' },
  { name: 'registry-auth', carries: 'credentials', gitlabFile: true, doors: 'all' },
  { name: 'audit-values', carries: 'values', gitlabFile: true, doors: 'all' },
  { name: 'github-token', carries: 'token', gitlabFile: false, doors: 'github' },
  { name: 'gitlab-token', carries: 'token', gitlabFile: true, doors: 'gitlab' },
  { name: 'signing-key', carries: 'key', gitlabFile: true, doors: 'all' },
  { name: 'signing-key-password', carries: 'password', gitlabFile: true, doors: 'all' },
];

const names = (keep: (i: SecretInput) => boolean) => new Set(SECRET_INPUT_TABLE.filter(keep).map((i) => i.name));

/** The secret inputs of the Action and so of the `hoist` command: never a plain flag. */
export const SECRET_INPUTS: ReadonlySet<string> = names((i) => i.doors !== 'gitlab');

/** The secret inputs of the GitLab components, as their spec writes them (`signing_key`). */
export const GITLAB_SECRET_KEYS: ReadonlySet<string> = new Set([...names((i) => i.doors !== 'github')].map((n) => n.replaceAll('-', '_')));

/** The secret inputs a GitLab File-type variable may carry. */
export const GITLAB_FILE_SECRETS: ReadonlySet<string> = names((i) => i.gitlabFile);
