/**
 * What a merge reports (merge/action.yml's outputs, its job summary), from what it did: the index's
 * digest and platforms, the version, every reference the targets now have and, when it signs, each
 * signature; the summary names the sources, each registry's push, every floating tag left where it
 * was and who signed. Pure.
 */
import { formatFull, formatRepository, type Reference, type Repository } from '../core/reference.js';
import type { TagDecision } from '../plan/tags.js';
import type { SignatureRecord } from '../sign/stage.js';
import { describeReport, type RegistryReport } from '../push/engine.js';
import type { Report } from './publish.js';
import { cell } from './summary.js';

export interface MergeResult {
  /** The joined index's digest and its platforms (`os/arch[/variant]`), in the order of the sources. */
  digest: string;
  platforms: readonly string[];
  sources: readonly Reference[];
  repositories: readonly Repository[];
  version: string | undefined;
  reports: readonly RegistryReport[];
  decisions: ReadonlyMap<string, readonly TagDecision[]>;
  /** sign: key|keyless — each signature of the index and its platform images, in every target. */
  signatures?: readonly SignatureRecord[];
}

/** One line a repository: how many manifests its signatures cover, how many were new, by whom. */
function signedLines(records: readonly SignatureRecord[]): string[] {
  const by = new Map<string, SignatureRecord[]>();
  for (const r of records) by.set(r.repository, [...(by.get(r.repository) ?? []), r]);
  return [...by].map(([repository, rs]) => {
    const added = rs.filter((r) => r.added).length;
    return `- ${cell(repository)}: the index and ${rs.length - 1} platform image${rs.length === 2 ? '' : 's'} signed by ${cell(rs[0]!.keyId)} (${added} new, ${rs.length - added} already there)`;
  });
}

export function mergeReport(m: MergeResult): Report {
  const sent = m.reports.reduce((n, r) => n + r.bytesSent, 0);
  return {
    outputs: [
      ['digest', m.digest],
      ['platforms', m.platforms.join(',')],
      ['version', m.version ?? ''],
      ['tags', m.reports.flatMap((r) => r.references).join('\n')],
      ...(m.signatures ? [['signatures', m.signatures.map((s) => s.reference).join('\n')] as [string, string]] : []),
    ],
    summary: [
      `### Hoist merge: ${m.platforms.join(', ')} → ${m.repositories.map((r) => `\`${formatRepository(r)}\``).join(', ')}`,
      '',
      `Index \`${m.digest}\` of ${m.sources.map((s) => `\`${formatFull(s)}\``).join(', ')}; ${(sent / 1048576).toFixed(1)} MiB sent.`,
      '',
      ...m.reports.map((r) => `- ${cell(describeReport(r))}`), // a registry's error message: Markdown-escaped
      ...[...m.decisions].flatMap(([repository, ds]) => ds.filter((d) => !d.push).map((d) => `- ${repository}: \`${d.tag}\` not moved — ${d.reason}`)),
      ...signedLines(m.signatures ?? []),
      '',
    ].join('\n'),
  };
}
