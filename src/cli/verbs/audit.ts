/**
 * `hoist audit REF|--layout DIR`: the pre-push audit on a pushed image or a layout directory.
 * Loaded only when the verb runs: the audit's decoders are the bundle's heaviest code, and
 * `hoist tags list` (scripted, timed against skopeo) must not pay for them.
 */
import { describeFinding } from '../../audit/stage.js';
import type { Reference } from '../../core/reference.js';
import type { Effects } from '../../effects/effects.js';
import { inputScope } from '../../inputs/read.js';
import { parseSecretInputs } from '../../inputs/secrets.js';
import { auditLayoutDir, auditRegistryImage } from '../../maintain/audit.js';
import { withWorkdir } from '../../pipeline/workdir.js';
import type { RegistryClient } from '../../registry/client.js';
import { newCatalog } from '../../secrets/hide.js';
import { UsageError } from '../args.js';
import type { MaintainLine } from '../maintain.js';

/** A registry client for the image's host, for the time `use` runs (maintain-run.ts connects and closes it). */
export type WithClient = <T>(ref: Reference, use: (client: RegistryClient) => Promise<T>) => Promise<T>;

/** Exit 1 when a value was found, 0 when none; a usage error when there is nothing to look for. */
export async function runAudit(fx: Effects, line: MaintainLine, print: (text: string) => void, withClient: WithClient): Promise<number> {
  const c = line.command;
  if (c.verb !== 'audit') return 2;
  const catalog = newCatalog(fx);
  if (c.valuesFile)
    (
      await fx.files.readText(c.valuesFile).catch((e: NodeJS.ErrnoException) => {
        throw new UsageError(`--audit-values-file: cannot read ${c.valuesFile} (${e.code ?? 'error'})`);
      })
    )
      .split(/\r?\n/)
      .map((v) => v.trim())
      .filter(Boolean)
      .forEach((v, i) => catalog.add(`audit-values line ${i + 1}`, v));
  const env = fx.platform.context.env;
  if (line.auditValues)
    line.auditValues
      .split(/\r?\n/)
      .map((v) => v.trim())
      .filter(Boolean)
      .forEach((v, i) => catalog.add(`HOIST_AUDIT_VALUES line ${i + 1}`, v));
  const scope = inputScope((name) => (name === 'secret-envs' ? c.secretEnvs.join('\n') : ''), fx.platform.context.workspace, env);
  for (const s of parseSecretInputs(scope).secrets) if (s.kind === 'value') catalog.add(`secret '${s.id}' (secret-envs)`, s.value);
  if (scope.issues.length) throw new UsageError(scope.issues.map((i) => `--${i.input}: ${i.message}`).join('\n'));
  if (!catalog.all.length) throw new UsageError('audit: no values to look for: give --audit-values-file, HOIST_AUDIT_VALUES or --secret-envs');
  const source = c.source;
  const audit =
    'layout' in source
      ? await auditLayoutDir(fx, source.layout, catalog.all)
      : await withWorkdir(fx, (work) => withClient(source.ref, (client) => auditRegistryImage(fx, client, source.ref, work.dir, catalog.all)));
  const leaks = audit.findings.filter((f) => f.severity === 'leak');
  if (line.json) print(JSON.stringify(audit, null, 2));
  else for (const f of leaks) print(describeFinding(f));
  return leaks.length ? 1 : 0;
}
