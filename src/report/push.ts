/**
 * What the push of an artefact reports (push/action.yml's outputs; no job summary): the image's
 * digest and platforms, the version, every reference the registries now have; after the signing,
 * the signatures written. Pure.
 */
import type { RegistryReport } from '../push/engine.js';
import type { Report } from './publish.js';

export interface PushResult {
  digest: string;
  platforms: readonly string[];
  version: string | undefined;
  reports: readonly RegistryReport[];
}

export function pushReport(p: PushResult): Report {
  return {
    outputs: [
      ['digest', p.digest],
      ['platforms', p.platforms.join(',')],
      ['version', p.version ?? ''],
      ['tags', p.reports.flatMap((r) => r.references).join('\n')],
    ],
  };
}

/** `sign`: each `.sig` written, one per line. */
export function signaturesReport(references: readonly string[]): Report {
  return { outputs: [['signatures', references.join('\n')]] };
}
