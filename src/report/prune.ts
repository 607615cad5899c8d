/**
 * What a prune reports (prune/action.yml's outputs, its job summary): the tags pruned (or that a dry
 * run would prune) and the matched tags kept, one per line; the summary counts them. Pure.
 */
import { formatRepository, type Repository } from '../core/reference.js';
import type { PruneDecision } from '../maintain/prune.js';
import type { Report } from './publish.js';
import { code } from './summary.js';

export interface PruneResult {
  repository: Repository;
  dryRun: boolean;
  /** Every tag's decision (`planPrune`), and how many tags the repository had. */
  decisions: readonly PruneDecision[];
  tags: number;
}

export function pruneReport(p: PruneResult): Report {
  const going = p.decisions.filter((d) => d.prune).map((d) => d.tag);
  const kept = p.decisions.filter((d) => !d.prune && d.why !== 'not matched').map((d) => d.tag);
  return {
    outputs: [
      ['pruned', going.join('\n')],
      ['kept', kept.join('\n')],
    ],
    summary: `### Hoist prune: \`${formatRepository(p.repository)}\`\n\n${p.dryRun ? 'Would prune' : 'Pruned'} ${going.length} of ${p.tags} tags${going.length ? `: ${going.map((t) => `\`${code(t)}\``).join(', ')}` : ''}.\n`,
  };
}
