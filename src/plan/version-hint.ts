/**
 * Why a release version is not semantic, and the version that would be, for the message that
 * refuses it: `2024.12.06` (a calendar version's zero-padded month or day), `2.1` (two numbers),
 * `1.2.3.4` (four), `release-2.1.0` (a prefix), `v 2.1.0` (a space), `2.1.0-rc.01`, `2.1.0-rc_1`.
 * Each was refused with the same "expected major.minor.patch", which did not say what to change.
 */

const CORE = /^(\d+(?:\.\d+)*)(-.*)?$/;

/** Numbers without their leading zeros (`06` → `6`, `007` → `7`, `0` stays). */
const unpadded = (n: string) => n.replace(/^0+(?=\d)/, '');

/** A pre-release (after its `-`) as semver takes it: other characters as dots, no empty part, numbers unpadded. */
function fixedPre(pre: string): string {
  if (!pre) return '';
  const parts = pre
    .slice(1)
    .replace(/[^0-9A-Za-z.-]+/g, '.')
    .split('.')
    .filter(Boolean);
  return parts.length ? `-${parts.map((p) => (/^\d+$/.test(p) ? unpadded(p) : p)).join('.')}` : '';
}

/** The fault in a pre-release part (after the `-`), or undefined. */
function preReleaseFault(pre: string): string | undefined {
  const body = pre.slice(1);
  const bad = /[^0-9A-Za-z.-]/.exec(body)?.[0];
  if (bad !== undefined) return `'${bad}' cannot be in a pre-release (letters, digits, '.' and '-' only)`;
  if (body.split('.').some((p) => p === '')) return 'a pre-release part is empty (two dots, or a dot at an end)';
  if (body.split('.').some((p) => /^0\d+$/.test(p))) return 'a number in the pre-release has a leading zero';
  return undefined;
}

/**
 * What is wrong with `text` (the version, its `v` taken off) and how to write it; undefined when
 * nothing specific is found. `fromTag`: it is the run's git tag (no version input was given), so
 * the fix is a version input or another tag, never "leave version empty".
 */
export function versionHint(text: string, fromTag = false): string | undefined {
  if (!/\d/.test(text))
    return fromTag
      ? // a git tag that is no release (`deploy-prod`, `stable`) on the commit
        'it holds no version number: give version, or set auto-tags: sha,branch (no version tags: the run gets its sha- tag and tags lines)'
      : // `version: ${{ github.ref_name }}` (or $CI_COMMIT_REF_NAME) on a branch run: `main`, `feature/x`
        'it holds no version number (a branch name?): leave version empty — a tag run gets its version from the git tag, a branch run its sha- and branch tags';
  const hint = shapeHint(text);
  // The git tag cannot be rewritten by the run: the version it meant goes in the version input.
  return fromTag && hint ? hint.replace(/: (?:write|give) (\S+)$/, ': give version $1 (or tag the release $1)') : hint;
}

/** `text` with its three numbers unpadded and its pre-release as semver takes it (`2024.12.06` → `2024.12.6`): the version a hint names is one the check accepts. */
function repaired(text: string): string {
  const v = /^v?/i.exec(text)![0];
  const m = CORE.exec(text.slice(v.length));
  return m && m[1]!.split('.').length === 3 ? `${v}${m[1]!.split('.').map(unpadded).join('.')}${fixedPre(m[2] ?? '')}` : text;
}

function shapeHint(text: string): string | undefined {
  // Two versions, a line each or side by side: `$(git tag --points-at HEAD)` when two tags name the commit.
  const words = text.trim().split(/\s+/);
  if (words.length > 1 && words.every((w) => CORE.test(w.replace(/^v/i, ''))))
    return `it holds ${words.length} versions (${words.join(', ')}; two git tags on one commit?): give one`;
  if (/\s/.test(text.trim())) return `it holds a space: write ${repaired(text.replace(/\s+/g, ''))}`;
  const prefixed = /^(.*?[^0-9.])(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/.exec(text);
  if (prefixed && !/\d/.test(prefixed[1]!))
    return `'${prefixed[1]}' comes before the version (a git tag's prefix is read by version-pattern): give ${repaired(prefixed[2]!)}`;
  const m = CORE.exec(text);
  if (!m) return undefined;
  const numbers = m[1]!.split('.');
  const pre = fixedPre(m[2] ?? '');
  if (numbers.length < 3) {
    const full = [...numbers.map(unpadded), '0', '0'].slice(0, 3).join('.');
    return `it has ${numbers.length === 1 ? 'one number' : 'two numbers'}; a release version has three (major.minor.patch): write ${full}${pre}`;
  }
  if (numbers.length > 3)
    return `it has ${numbers.length} numbers; a semantic version has three (major.minor.patch): give ${numbers.slice(0, 3).map(unpadded).join('.')}${pre}`;
  const core = numbers.map(unpadded).join('.');
  if (numbers.some((n) => /^0\d/.test(n))) return `a number has a leading zero (a calendar version's month or day): write ${core}${pre}`;
  const fault = m[2] ? preReleaseFault(m[2]) : undefined;
  return fault ? `${fault}: write ${core}${pre}` : undefined;
}
