/**
 * The audit stage: every build's layout checked for every secret of the run (the catalog) and for
 * private keys, before anything is pushed. Logs what it found; the pipeline decides what follows.
 */
import type { Built } from '../builders/stage.js';
import { FindingError } from '../core/errors.js';
import { mib, progressInterval, startTicker } from '../platform/ticker.js';
import type { Effects } from '../effects/effects.js';
import type { AuditSettings } from '../inputs/audit.js';
import type { NamedSecret } from '../secrets/catalog.js';
import { looksLikePrivateKey } from '../secrets/private-key.js';
import { indexPlatforms } from '../oci/graph.js';
import { auditLayout, type Finding } from './audit.js';
import { keyIdentity } from './keys.js';
import { StreamedAudit } from './streamed.js';

export { streamedAudits } from './streamed.js';

export interface AuditSummary {
  mode: AuditSettings['mode'];
  leaks: number;
  findings: Finding[];
  skipped: string[];
  layers: number;
  bytes: number;
}

/** A finding as one line: what (never the value), its fingerprint, where. */
/**
 * What the audit reads of an image: its OCI layout, its graph, and the base layers adopted (the
 * layout holds their stand-ins). A build's `Built` is one; `maintain/audit.ts` gives a fetched or
 * given layout.
 */
export type AuditedImage = Pick<Built, 'layoutDir' | 'graph' | 'adopted'> & Partial<Pick<Built, 'streamedAudit'>>;

export const describeFinding = (f: Finding) => `${f.what}${f.fingerprint ? ` [sha256 ${f.fingerprint}…]` : ''} in ${f.where}`;

async function auditOne(
  fx: Pick<Effects, 'platform' | 'redactor'>,
  mode: AuditSettings['mode'],
  b: AuditedImage,
  secrets: readonly NamedSecret[],
  strictLimits: boolean,
): Promise<AuditSummary> {
  const { platform, redactor } = fx;
  const handedKeys = new Map<string, string>();
  for (const s of secrets) {
    const identity = looksLikePrivateKey(s.value) ? keyIdentity(s.value) : undefined;
    if (identity) handedKeys.set(s.name, identity);
  }
  const so = { bytes: 0, layers: 0 };
  const stop = startTicker(
    (line) => platform.info(line),
    'audit',
    () => `${so.layers} layers, ${mib(so.bytes)} decompressed so far`,
    progressInterval(platform.context.env),
  );
  // The docker path read its layers as docker save streamed them: only the rest is read here.
  const streamed = b.streamedAudit instanceof StreamedAudit && b.streamedAudit.covers(b.layoutDir, secrets) ? b.streamedAudit : undefined;
  const progress = (p: { bytes: number; layers: number }) => Object.assign(so, { bytes: p.bytes, layers: p.layers });
  const result = await platform
    .group('Audit', () =>
      streamed
        ? streamed.finish(b.graph, b.adopted, progress)
        : auditLayout(b.layoutDir, b.graph, {
            secrets,
            handedKeys,
            redact: (t) => redactor.redact(t),
            strictLimits,
            adopted: b.adopted,
            progress,
          }),
    )
    .finally(stop);
  for (const s of [...result.skipped, ...result.cut]) platform.warning(`audit: ${s}`);
  const leaks = result.findings.filter((f) => f.severity === 'leak');
  for (const f of result.findings.filter((x) => x.severity === 'limit'))
    platform.warning(`audit: ${describeFinding(f)} (set audit-limits: strict to fail on it)`);
  for (const f of result.findings.filter((x) => x.severity === 'key'))
    platform.warning(`audit: ${describeFinding(f)} (not a key of this run: reported, not failed)`);
  if (leaks.length && mode === 'warn') for (const f of leaks) platform.warning(`audit: ${describeFinding(f)}`);
  const checked = secrets.length - result.skipped.length;
  const platforms = indexPlatforms(b.graph);
  platform.info(
    `audit: ${platforms.length ? `${platforms.join(', ')}: ` : ''}${result.layers} layers (${(result.bytes / 1048576).toFixed(1)} MiB decompressed), config and annotations checked for ${checked} values: ${leaks.length ? `${leaks.length} found` : 'none found'}`,
  );
  return { mode, leaks: leaks.length, findings: result.findings, skipped: result.skipped, layers: result.layers, bytes: result.bytes };
}

/** Audits every build (unless `audit: off`) and adds up what was found. */
export async function auditBuilds(
  fx: Pick<Effects, 'platform' | 'redactor'>,
  mode: AuditSettings['mode'],
  built: readonly AuditedImage[],
  secrets: readonly NamedSecret[],
  strictLimits = false,
): Promise<AuditSummary> {
  if (mode === 'off') {
    fx.platform.info('audit: off — the image was not checked for secrets');
    return { mode, leaks: 0, findings: [], skipped: [], layers: 0, bytes: 0 };
  }
  const audits: AuditSummary[] = [];
  for (const b of built) audits.push(await auditOne(fx, mode, b, secrets, strictLimits));
  const sum = (f: (a: AuditSummary) => number) => audits.reduce((n, a) => n + f(a), 0);
  return {
    mode,
    leaks: sum((a) => a.leaks),
    findings: audits.flatMap((a) => a.findings),
    skipped: [...new Set(audits.flatMap((a) => a.skipped))],
    layers: sum((a) => a.layers),
    bytes: sum((a) => a.bytes),
  };
}

/** The error that stops the push when the audit found a secret under `audit: fail`. */
export function leakError(audit: AuditSummary): Error {
  const lines = audit.findings.filter((f) => f.severity === 'leak').map((f) => `  - ${describeFinding(f)}`);
  return new FindingError(
    `the audit found ${audit.leaks === 1 ? 'a secret' : `${audit.leaks} secrets`} in the image; nothing was pushed:\n${lines.join('\n')}\n` +
      'Fix the Dockerfile (a secret belongs in RUN --mount=type=secret, not in ARG, ENV, a label or a file), or set audit: warn to push anyway.',
  );
}
