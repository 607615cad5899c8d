/**
 * What a merge reports (merge/action.yml's outputs, its job summary), from what it did: the index's
 * digest and platforms, the version, every reference the targets now have; the summary names the
 * sources, each registry's push and every floating tag left where it was. Pure.
 */
import { formatFull, formatRepository, type Reference, type Repository } from '../core/reference.js';
import type { TagDecision } from '../plan/tags.js';
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
}

export function mergeReport(m: MergeResult): Report {
  const sent = m.reports.reduce((n, r) => n + r.bytesSent, 0);
  return {
    outputs: [
      ['digest', m.digest],
      ['platforms', m.platforms.join(',')],
      ['version', m.version ?? ''],
      ['tags', m.reports.flatMap((r) => r.references).join('\n')],
    ],
    summary: [
      `### Hoist merge: ${m.platforms.join(', ')} → ${m.repositories.map((r) => `\`${formatRepository(r)}\``).join(', ')}`,
      '',
      `Index \`${m.digest}\` of ${m.sources.map((s) => `\`${formatFull(s)}\``).join(', ')}; ${(sent / 1048576).toFixed(1)} MiB sent.`,
      '',
      ...m.reports.map((r) => `- ${cell(describeReport(r))}`), // a registry's error message: Markdown-escaped
      ...[...m.decisions].flatMap(([repository, ds]) => ds.filter((d) => !d.push).map((d) => `- ${repository}: \`${d.tag}\` not moved — ${d.reason}`)),
      '',
    ].join('\n'),
  };
}
