/**
 * The base-image policy ("golden images"): every image the build pulls in — `FROM` after ARG
 * expansion, `COPY --from=<image>`, `RUN --mount=from=<image>`, named build contexts — must match
 * one of `allowed-base-images` (a repository, `*` for one path segment, `**` for any, optionally
 * `@sha256:…` to pin it), and with `require-pinned-base` be pinned by digest (a floating tag such as
 * `latest`, or none, is refused). Checked before the build starts, from the Dockerfile. Pure.
 */
import type { ImageUse } from './dockerfile.js';
import { parseReference } from '../core/reference.js';
import { parseAllowRule } from '../inputs/allow-rule.js';

export interface PolicyOptions {
  allowed: readonly string[];
  requirePinned: boolean;
  buildContexts: ReadonlyArray<readonly [string, string]>;
}

export interface Violation {
  /** Dockerfile line, when the Dockerfile shows it (a named build context does not). */
  line?: number;
  message: string;
}

export function checkBaseImages(uses: readonly ImageUse[], o: PolicyOptions): Violation[] {
  const rules = o.allowed.map(parseAllowRule);
  const contexts = new Map(o.buildContexts.map(([name, source]) => [name.toLowerCase(), source]));
  const violations: Violation[] = [];
  const check = (ref: string, what: string, line?: number) => {
    let parsed;
    try {
      parsed = parseReference(ref);
    } catch (e) {
      violations.push({ line, message: `${what} ${ref}: ${(e as Error).message}` });
      return;
    }
    const repository = `${parsed.registry}/${parsed.path}`;
    if (rules.length) {
      const matching = rules.filter((r) => r.repository.test(repository));
      if (!matching.length) {
        violations.push({ line, message: `${what} ${ref} is not an allowed base image (allowed-base-images: ${o.allowed.join(', ')})` });
        return;
      }
      const pins = matching.filter((r) => r.digest);
      if (pins.length === matching.length && !pins.some((r) => r.digest === parsed.digest)) {
        violations.push({ line, message: `${what} ${ref} must be pinned to ${pins.map((r) => r.digest).join(' or ')} (allowed-base-images pins it)` });
        return;
      }
    }
    if (o.requirePinned && !parsed.digest) {
      const floating = !parsed.tag || parsed.tag === 'latest';
      violations.push({
        line,
        message: `${what} ${ref} is ${floating ? `a floating tag (${parsed.tag ?? 'no tag: latest'})` : 'not pinned to a digest'}: write it as ${repository}${parsed.tag ? `:${parsed.tag}` : ''}@sha256:… (require-pinned-base)`,
      });
    }
  };
  for (const use of uses) {
    const context = contexts.get(use.ref.toLowerCase());
    if (context === undefined) check(use.ref, use.via, use.line);
    else if (!context.startsWith('docker-image://'))
      violations.push({ line: use.line, message: `${use.via} ${use.ref} is the build context ${use.ref}=${context}, not an image the policy can check` });
  }
  for (const [name, source] of o.buildContexts) {
    if (source.startsWith('docker-image://')) check(source.slice('docker-image://'.length), `build context ${name}:`);
  }
  return violations;
}
