/**
 * PEP 440 versions, as far as metadata-action's `type=pep440` reads them: valid or not, the
 * normalised form (`1.2.3rc2`, `1.0.dev4`, `1.2.post1`), the release's major, minor and patch,
 * and whether it is a pre-, post- or dev-release. The grammar is PEP 440's appendix regex. Pure.
 */
const PEP440 =
  /^\s*v?(?:(?:(\d+)!)?(\d+(?:\.\d+)*)([-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\d+)?)?((?:-(\d+))|(?:[-_.]?(post|rev|r)[-_.]?(\d+)?))?([-_.]?(dev)[-_.]?(\d+)?)?)(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$/i;

export interface Pep440 {
  /** The normalised version (PEP 440's canonical spelling). */
  clean: string;
  major: number;
  minor: number;
  patch: number;
  isPrerelease: boolean;
  isPostrelease: boolean;
  isDevrelease: boolean;
}

const PRE: Record<string, string> = { a: 'a', alpha: 'a', b: 'b', beta: 'b', c: 'rc', rc: 'rc', pre: 'rc', preview: 'rc' };

export function parsePep440(raw: string): Pep440 | undefined {
  const m = PEP440.exec(raw);
  if (!m) return undefined;
  const [, epoch, release, pre, preL, preN, post, postN1, , postN2, dev, , devN, local] = m;
  const parts = release!.split('.').map(Number);
  let clean = `${epoch && Number(epoch) ? `${Number(epoch)}!` : ''}${parts.join('.')}`;
  if (pre) clean += `${PRE[preL!.toLowerCase()]}${Number(preN ?? 0)}`;
  if (post) clean += `.post${Number(postN1 ?? postN2 ?? 0)}`;
  if (dev) clean += `.dev${Number(devN ?? 0)}`;
  if (local) clean += `+${local.toLowerCase().replace(/[-_]/g, '.')}`;
  return {
    clean,
    major: parts[0]!,
    minor: parts[1] ?? 0,
    patch: parts[2] ?? 0,
    // PEP 440: a dev release is a pre-release too.
    isPrerelease: !!pre || !!dev,
    isPostrelease: !!post,
    isDevrelease: !!dev,
  };
}
