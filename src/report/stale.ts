/**
 * What a stale check reports (stale/action.yml's `stale` output, its job summary): the images on an
 * outdated base, one per line; the summary every image checked with why — stale, fresh, or not
 * known (its record unreadable). Pure.
 */
import type { Report } from './publish.js';
import { cell, code } from './summary.js';

/** One image judged by the base it records (`pipeline/stale.ts#checkImage`). */
export interface Verdict {
  image: string;
  stale: boolean;
  /** Why: the base that moved (recorded and current digest), or the chain to it; or why it cannot tell. */
  reason: string;
  /** From the image to the ancestor that changed. */
  chain: string[];
  /** The image's record could not be read (a base.name that is no reference, a registry that failed): said, not counted. */
  unknown?: boolean;
  /** The image is not in its registry (not built yet, or a mistyped name): nothing to check, said as a warning (and an input error once the report is out, when the `images` input named it). */
  absent?: boolean;
}

export function staleReport(verdicts: readonly Verdict[]): Report {
  const staleOnes = verdicts.filter((v) => v.stale);
  return {
    outputs: [['stale', staleOnes.map((v) => v.image).join('\n')]],
    summary: [
      `### Hoist stale: ${staleOnes.length} of ${verdicts.length} images on an outdated base`,
      '',
      ...verdicts.map(
        (v) =>
          // A reason quotes the registry's records (a base.name label): escaped as Markdown text.
          `- ${v.stale ? '❌' : v.unknown ? '❔' : v.absent ? '⚠️' : '✅'} \`${code(v.image)}\` — ${cell(v.reason)}${v.chain.length > 1 ? ` (${cell([v.image, ...v.chain].join(' on '))})` : ''}`,
      ),
      '',
    ].join('\n'),
  };
}
