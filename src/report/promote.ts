/**
 * What a promotion reports (promote/action.yml's outputs, its job summary): the digest copied, the
 * references the destinations now have, the bytes sent and the bytes the destinations had already
 * or mounted (shared with their bases); the summary adds each registry's copy, the signer verified
 * and the signatures carried along. Pure.
 */
import { formatFull, type Reference } from '../core/reference.js';
import { describeReport, type RegistryReport } from '../push/engine.js';
import type { Report } from './publish.js';
import { cell } from './summary.js';

export interface PromoteResult {
  source: Reference;
  destinations: number;
  /** The image copied: its digest and size. */
  digest: string;
  size: number;
  /** The image's copy per registry, and the bytes sent and shared over it and its signatures' copy. */
  reports: readonly RegistryReport[];
  sent: number;
  shared: number;
  /** Who signed it (`require-signature`), and the signature and attestation tags copied along. */
  signed?: string;
  copied: readonly string[];
}

const mib = (n: number) => (n / (1024 * 1024)).toFixed(1);

export function promoteReport(p: PromoteResult): Report {
  return {
    outputs: [
      ['digest', p.digest],
      ['tags', p.reports.flatMap((r) => r.references).join('\n')],
      ['bytes-sent', String(p.sent)],
      ['bytes-shared', String(p.shared)],
    ],
    summary: [
      `### Hoist promote: \`${formatFull(p.source)}\` → ${p.destinations} repositories`,
      '',
      `Digest \`${p.digest}\`; image ${mib(p.size)} MiB; blobs sent ${mib(p.sent)} MiB (the image's own); ${mib(p.shared)} MiB shared with what the destinations had (their bases), not sent.`,
      '',
      ...p.reports.map((r) => `- ${cell(describeReport(r))}`), // a registry's error message: Markdown-escaped
      '',
      ...(p.signed ? [`Signed: \`${p.digest}\` by ${cell(p.signed)}.`, ''] : []),
      ...(p.copied.length ? [`Copied along: ${p.copied.map((t) => `\`${t}\``).join(', ')}.`, ''] : []),
    ].join('\n'),
  };
}
