/**
 * The contents of `secret-files` are secrets too: added to the catalog (hidden, audited) as soon as
 * they are read, and a build argument carrying one is refused (build arguments are stored in the
 * image history). Files over 64 KiB (keystores, bundles) are handed to the builder unread: no log
 * line or build argument could hold them whole.
 */
import { ConfigError, type ConfigIssue } from '../core/errors.js';
import type { Files } from '../core/files.js';
import type { SecretCatalog } from './catalog.js';

const READ_LIMIT = 64 * 1024;

type Pairs = ReadonlyArray<readonly [string, string]>;

/** A secret as `inputs/secrets.ts` reads it (`SecretSource`): the `file` ones name a path. */
type Source = { kind: string; id: string; path?: string };

/** A part of a big secret file looked for in the image: long enough never to match by chance. */
const SAMPLE = 256;
/** Bigger secret files are handed to the builder and not looked for (said in the log). */
const SAMPLE_LIMIT = 256 * 1024 * 1024;

/**
 * A secret file too big for a pattern of its own (a keystore, a bundle): its first, middle and
 * last 256 bytes are looked for, each byte for byte — a copy of the file in the image holds them.
 */
async function catalogSamples(files: Files, s: { id: string; path: string }, size: number, catalog: SecretCatalog): Promise<void> {
  if (size > SAMPLE_LIMIT) return;
  const bytes = await files.readBytes(s.path);
  for (const at of [0, Math.floor((size - SAMPLE) / 2), size - SAMPLE]) {
    const part = bytes.subarray(at, at + SAMPLE);
    catalog.add(`secret '${s.id}' (secret-files, the ${SAMPLE} bytes at ${at})`, part.toString('latin1'), Buffer.from(part));
  }
}

export async function catalogSecretFiles(
  files: Files,
  secrets: readonly Source[],
  where: { buildArgs: Pairs; labels: Pairs; annotations: Pairs },
  catalog: SecretCatalog,
): Promise<void> {
  const { buildArgs, labels, annotations } = where;
  const issues: ConfigIssue[] = [];
  for (const s of secrets) {
    if (s.kind !== 'file' || s.path === undefined) continue;
    const path = s.path;
    const size = (await files.size(path)) ?? 0;
    if (size === 0) issues.push({ input: 'secret-files', message: `secret '${s.id}': ${path} is empty; the build would run without it` });
    if (size === 0) continue;
    if (size > READ_LIMIT) {
      await catalogSamples(files, { id: s.id, path }, size, catalog);
      continue;
    }
    const bytes = await files.readBytes(path);
    const text = bytes.toString('utf8');
    if (Buffer.from(text).equals(bytes))
      catalog.add(`secret '${s.id}' (secret-files)`, text.replace(/\r?\n$/, '')); // a lone newline adds nothing
    else catalog.add(`secret '${s.id}' (secret-files)`, bytes.toString('latin1'), bytes); // binary: looked for byte for byte
  }
  // The inputs stage refused the other secrets already: what is found now is a file's contents.
  issues.push(...catalog.refuseIn('build-args', buildArgs), ...catalog.refuseIn('labels', labels), ...catalog.refuseIn('annotations', annotations));
  if (issues.length) throw new ConfigError(issues);
}
