/**
 * What a hierarchy reports: the whole family's `hierarchy` output (each entry's status, digest,
 * references, repositories) and its tree; the plan's `levels` and `hierarchy` and its tree; one
 * entry's job's `hierarchy` and `digest`, and its line. Pure.
 */
import { formatRepository } from '../core/reference.js';
import type { HierarchyEntry } from '../inputs/hierarchy.js';
import type { EntryResult, PlannedEntry } from '../plan/hierarchy.js';
import type { Report } from './publish.js';
import { cell, code } from './summary.js';

/** An entry's result as the `hierarchy` output lists it: repositories as references, last. */
const listed = ({ repositories, ...rest }: EntryResult) => ({ ...rest, repositories: repositories.map(formatRepository) });

function tree(entries: readonly HierarchyEntry[], results: ReadonlyMap<string, EntryResult>): string[] {
  const icon = { built: '🔨 built', unchanged: '✅ unchanged', failed: '❌ failed', skipped: '⏭️ skipped' } as const;
  return entries.map((e) => {
    const r = results.get(e.name)!;
    // An entry's error may quote a tool or a registry: escaped as Markdown text.
    const detail = r.digest ? ` \`${code(r.digest)}\`` : r.error ? ` — ${cell(r.error.split('\n')[0]!)}` : '';
    return `${'  '.repeat(e.ancestors.length)}- **${e.name}** ${icon[r.status]}${detail}`;
  });
}

/** The whole family built from one step (`entries` in build order, a result for each). */
export function familyReport(file: string, entries: readonly HierarchyEntry[], results: ReadonlyMap<string, EntryResult>): Report {
  return {
    outputs: [['hierarchy', JSON.stringify([...results.values()].map(listed))]],
    summary: [`### Hoist hierarchy: ${file}`, '', ...tree(entries, results), ''].join('\n'),
  };
}

/** `hierarchy-plan`: what to build, by level. */
export function planReport(file: string, plan: readonly PlannedEntry[], levels: readonly string[][]): Report {
  const lines = plan.map((p) => `${'  '.repeat(p.depth)}- **${p.name}** ${p.status === 'build' ? '🔨 to build' : '✅ unchanged'}`);
  return {
    outputs: [
      ['levels', JSON.stringify(levels)],
      ['hierarchy', JSON.stringify(plan)],
    ],
    summary: [`### Hoist hierarchy plan: ${file}`, '', ...lines, '', `levels: \`${JSON.stringify(levels)}\``, ''].join('\n'),
  };
}

/** `hierarchy-entry`: one entry built (or found unchanged) on its parent. */
export function entryReport(file: string, result: EntryResult, parent: EntryResult | undefined): Report {
  const on = parent ? ` on ${parent.name} \`${code(parent.digest!)}\`` : '';
  return {
    outputs: [['hierarchy', JSON.stringify([listed(result)])], ...(result.digest ? [['digest', result.digest] as const] : [])],
    summary: `### Hoist hierarchy: ${file}, ${result.name}\n\n- **${result.name}** ${result.status}${on}: \`${code(result.digest ?? '')}\`\n`,
  };
}
