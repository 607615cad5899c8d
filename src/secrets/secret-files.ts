/**
 * The contents of `secret-files` are secrets too: added to the catalog (hidden, audited) as soon as
 * they are read, and a build argument carrying one is refused (build arguments are stored in the
 * image history). Files over 64 KiB (keystores, bundles) are handed to the builder unread: no log
 * line or build argument could hold them whole.
 */
import { ConfigError, type ConfigIssue } from '../core/errors.js';
import type { Files } from '../effects/files.js';
import type { SecretSource } from '../inputs/secrets.js';
import type { SecretCatalog } from './catalog.js';

const READ_LIMIT = 64 * 1024;

export async function catalogSecretFiles(
  files: Files,
  secrets: readonly SecretSource[],
  buildArgs: ReadonlyArray<readonly [string, string]>,
  catalog: SecretCatalog,
): Promise<void> {
  const issues: ConfigIssue[] = [];
  for (const s of secrets) {
    if (s.kind !== 'file') continue;
    const size = (await files.size(s.path)) ?? 0;
    if (size === 0) issues.push({ input: 'secret-files', message: `secret '${s.id}': ${s.path} is empty; the build would run without it` });
    if (size === 0 || size > READ_LIMIT) continue;
    const value = (await files.readText(s.path)).replace(/\r?\n$/, '');
    catalog.add(`secret '${s.id}' (secret-files)`, value); // a lone newline adds nothing
  }
  // The inputs stage refused the other secrets already: what is found now is a file's contents.
  issues.push(...catalog.refuseInBuildArgs(buildArgs));
  if (issues.length) throw new ConfigError(issues);
}
