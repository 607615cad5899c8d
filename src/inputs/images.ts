/** `images`: the repositories a build goes to, each with its visibility and the stage it gets. */
import { formatRepository, parseRepository, type Repository } from '../core/reference.js';
import type { Visibility } from '../core/release.js';
import { parseList, type InputScope } from './read.js';

export type { Visibility };

/** One `images` line: `REPOSITORY [visibility=public|private] [target=STAGE]`. */
export interface ImageSpec {
  repository: Repository;
  /** `visibility=public` marks a registry anyone can read; the default is private. */
  visibility: Visibility;
  /** `target=<stage>`: the build stage this image gets (default: the `target` input, else the last stage). */
  target?: string;
}

/**
 * `images`; when it is empty, the repositories that `tags` names in full references
 * (build-push-action's form, `tags: user/app:latest`), else an input error.
 */
export function parseImages(scope: InputScope, fromTags: readonly string[] = []): ImageSpec[] {
  const { issues } = scope;
  const images: ImageSpec[] = [];
  const given = parseList(scope.read('images'));
  const lines = given.length ? given : [...new Set(fromTags)];
  if (lines.length === 0)
    issues.push({ input: 'images', message: 'no image given: list at least one repository, e.g. ghcr.io/acme/app (or give full references in tags)' });
  for (const line of lines) {
    const [name = '', ...settings] = line.split(/\s+/);
    let visibility: Visibility = 'private';
    let target: string | undefined;
    for (const setting of settings) {
      const v = /^visibility=(public|private)$/.exec(setting);
      const t = /^target=([A-Za-z0-9_.-]+)$/.exec(setting);
      if (v) visibility = v[1] as Visibility;
      else if (t) target = t[1];
      else if (!setting.includes('=') && /[/.:]/.test(setting))
        // `images: ghcr.io/acme/app docker.io/acme/app` — a space-separated list, as a shell variable holds one
        issues.push({
          input: 'images',
          message: `'${shownReference(name)}' and '${shownReference(setting)}' are on one line: give one repository per line, or separate them with commas`,
        });
      else
        issues.push({ input: 'images', message: `'${shownReference(name)}': unknown setting '${setting}' (known: visibility=public|private, target=STAGE)` });
    }
    const alone = webPage(name) ?? registryAlone(name);
    if (alone) {
      issues.push({ input: 'images', message: alone });
      continue;
    }
    try {
      const repository = parseRepository(name);
      if (images.some((i) => formatRepository(i.repository) === formatRepository(repository)))
        issues.push({ input: 'images', message: `'${name}' is listed twice` });
      else images.push({ repository, visibility, ...(target ? { target } : {}) });
    } catch (e) {
      issues.push({ input: 'images', message: referenceError(name, e) });
    }
  }
  return images;
}

/**
 * A login written into a reference's first part (`https://bob:ghp_…@ghcr.io/acme/app`,
 * `bob:token@registry.acme/app` — a git remote's habit): the scheme and what follows the login.
 * The login runs to the last `@` before the name: a password may hold `/` or `@` (a base64 token,
 * `p@ss`), a user `@` (an Artifactory e-mail). A digest's `@` (`…/app@sha256:…`, after the last
 * `/`) is none.
 */
/** `host:port/path…`: a registry with its port and a repository path, as no `user:password` reads. */
const REPOSITORY_WITH_PORT = /^[a-z0-9.-]+:\d{1,5}(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+$/;

function loginIn(name: string): { scheme: string; rest: string } | undefined {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(name)?.[0] ?? '';
  const digestAt = /@[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-f0-9]{32,}$/i.exec(name);
  const digest = digestAt && digestAt.index > name.lastIndexOf('/') ? digestAt[0] : '';
  const body = name.slice(scheme.length, name.length - digest.length);
  const at = body.lastIndexOf('@');
  if (at < 0) return undefined;
  const rest = body.slice(at + 1) + digest;
  // `app@sha256:abc` (a digest cut short) is a name and a digest, not a login; so is
  // `127.0.0.1:5000/team/app@sha256:abc` — a registry's port is no password, its path no user.
  const before = body.slice(0, at);
  // A digest mistyped (`@sha256:zz`, a stray character after its hex) is a digest still: the parser names it.
  const digestLike = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[^/@:]*$/i.test(rest);
  if (digestLike && (!before.includes(':') || REPOSITORY_WITH_PORT.test(before))) return undefined;
  return { scheme, rest };
}

/**
 * The message for a reference that does not parse: as it was written (a login in it replaced by
 * `***`), the parser's reason and the reference to write. With a login in it, the reason is the
 * login alone — the parser's words may quote the login's parts.
 */
export function referenceError(name: string, e: unknown): string {
  const page = webPage(name);
  if (page) return page;
  const login = loginIn(name);
  if (login) return `'${shownReference(name)}': a reference holds no login (give it in registry-auth) — write ${login.rest}`;
  return `'${name}': ${(e as Error).message}${referenceHint(name)}`;
}

/** A reference as messages show it: a login written into it replaced by `***` (a token never echoed). */
export function shownReference(name: string): string {
  const login = loginIn(name);
  return login ? `${login.scheme}***@${login.rest}` : name;
}

/**
 * The fix for a reference written as people paste it, after the parser's reason: a URL
 * (`https://ghcr.io/acme/app`), an owner in capitals (`ghcr.io/${{ github.repository }}` keeps
 * GitHub's `Octo-Org`; docker/metadata-action lowercases it), a trailing or doubled `/`. Empty when
 * none of these is the trouble.
 */
export function referenceHint(name: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(name);
  if (scheme) return `: a reference has no ${scheme[0]} — write ${name.slice(scheme[0].length).replace(/\/+$/, '')}`;
  if (/\/\/|\/$/.test(name)) return ` (${name.endsWith('/') ? 'a trailing /' : 'a doubled /'}): write ${name.replace(/\/{2,}/g, '/').replace(/\/+$/, '')}`;
  const slash = name.lastIndexOf('/');
  const colon = name.indexOf(':', slash + 1);
  const path = colon >= 0 ? name.slice(0, colon) : name;
  if (path !== path.toLowerCase()) return `: write ${path.toLowerCase()}${colon >= 0 ? name.slice(colon) : ''}`;
  return '';
}

/**
 * The message for a registry given alone where a repository belongs (`127.0.0.1:5100`,
 * `registry.acme`, `localhost:5000`): read as a Docker Hub name it was "'127.0.0.1:5100' names a
 * tag". A first part with a dot, or localhost, is a registry as Docker reads it; `app:1` stays a
 * name and a tag.
 */
export function registryAlone(name: string): string | undefined {
  if (name.includes('/') || name.includes('@')) return undefined;
  const host = name.split(':')[0]!;
  if (!host.includes('.') && host !== 'localhost') return undefined;
  return `'${name}' is a registry, not a repository: give REGISTRY/REPOSITORY, e.g. ${name}/team/app`;
}

/** A registry's web page and the repository it shows: [page pattern, the reference it stands for]. */
const WEB_PAGES: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  [/^hub\.docker\.com\/(?:r|repository\/docker|layers)\/([^/]+)\/([^/]+)/, (m) => `docker.io/${m[1]}/${m[2]}`],
  [/^hub\.docker\.com\/_\/([^/]+)/, (m) => `docker.io/library/${m[1]}`],
  [/^github\.com\/([^/]+)\/[^/]+\/pkgs\/container\/([^/]+)/, (m) => `ghcr.io/${m[1]}/${m[2]}`],
  [/^github\.com\/(?:orgs|users)\/([^/]+)\/packages\/container\/(?:package\/)?([^/]+)/, (m) => `ghcr.io/${m[1]}/${m[2]}`],
  [/^gitlab\.com\/(.+?)\/(?:-\/)?container_registry(?:\/|$)/, (m) => `registry.gitlab.com/${m[1]}`],
  [/^quay\.io\/repository\/([^/]+)\/([^/]+)/, (m) => `quay.io/${m[1]}/${m[2]}`],
];

/**
 * The message for a registry's web page given as a repository, as people copy it from the browser
 * (`https://hub.docker.com/r/acme/app`, `github.com/acme/app/pkgs/container/app`, Quay's and GitLab's
 * pages): read as a reference it named a registry at the web site's host, and the push or lookup
 * failed far from the cause. Undefined for anything else.
 */
export function webPage(name: string): string | undefined {
  const page = name
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/^www\./i, '')
    .replace(/[?#].*$/, '');
  for (const [pattern, reference] of WEB_PAGES) {
    const m = pattern.exec(page);
    if (m) return `'${shownReference(name)}' is the registry's web page, not an image reference: write ${reference(m).toLowerCase()}`;
  }
  if (/^hub\.docker\.com(\/|$)/i.test(page))
    return `'${shownReference(name)}' is Docker Hub's web site, not its registry: write docker.io/NAMESPACE/REPOSITORY`;
  return undefined;
}
