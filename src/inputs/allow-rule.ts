/**
 * One `allowed-base-images` line read: a repository pattern (`*` for one path segment, `**` for
 * any), optionally pinned `@sha256:…`. The inputs stage checks each line with it; the plan's
 * base-image policy (`plan/policy.ts`) matches every image the build pulls in against the rules.
 */
import { DIGEST_PATTERN, DOCKER_HUB } from '../core/reference.js';

export interface AllowRule {
  text: string;
  repository: RegExp;
  digest?: string;
}

/** `debian` → `docker.io/library/debian`, `acme/app` → `docker.io/acme/app`, `ghcr.io/x` unchanged. */
function qualify(path: string): string {
  const parts = path.split('/');
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) return path;
  return parts.length === 1 ? `${DOCKER_HUB.name}/library/${path}` : `${DOCKER_HUB.name}/${path}`;
}

export function parseAllowRule(text: string): AllowRule {
  const [repo = '', digest] = text.trim().split('@');
  if (digest !== undefined && !DIGEST_PATTERN.test(digest)) throw new Error(`'${text}': '${digest}' is not a sha256 digest`);
  if (!/^[a-z0-9._\-/:*]+$/.test(repo) || (repo.includes(':') && !/^[^/]+:\d+\//.test(repo))) {
    throw new Error(`'${text}' is not a repository pattern: registry/path, with * for one path segment and ** for any (e.g. registry.acme/golden/*)`);
  }
  const source = qualify(repo)
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*'),
    )
    .join('.*');
  return { text, repository: new RegExp(`^${source}$`), digest };
}
