/**
 * `hoist audit REF|LAYOUT_DIR`: the pre-push audit on a pushed image or a layout directory.
 * The audit loads only when the verb runs: its decoders are the bundle's heaviest code, and
 * `hoist tags list` (scripted, timed against skopeo) must not pay for them.
 */
import { parseReference, type Reference } from '../../core/reference.js';
import { referenceError, webPage } from '../../inputs/images.js';
import { UsageError } from '../usage.js';
import { registryVerb, type RegistryJob } from './registry.js';
import type { Values } from './verb.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The shortest value the audit looks for (audit/audit.ts's MIN_SECRET_LENGTH, not imported: the audit loads only when the verb runs). */
const MIN_VALUE = 8;
import { jsonText } from '../../platform/log-safe.js';

export interface AuditTask {
  source: { ref: Reference } | { layout: string };
  valuesFile?: string;
  secretEnvs: string[];
  /** `--audit-limits strict`: a part not fully audited fails the audit (exit 1) as a leak does; `report` (default) warns. */
  strictLimits: boolean;
}

const LIMITS = ['report', 'strict'] as const;

function parse(values: Values, positionals: string[]): AuditTask {
  if (positionals.length !== 1) throw new UsageError('audit takes one image reference or OCI layout directory');
  const target = positionals[0]!;
  let source: AuditTask['source'];
  // A directory holding a layout is one, also written without ./ (out/layout would otherwise be docker.io/out/layout).
  if (target.startsWith('.') || target.startsWith('/') || existsSync(join(target, 'oci-layout')) || existsSync(join(target, 'index.json')))
    source = { layout: target };
  else {
    const page = webPage(target);
    if (page) throw new UsageError(`audit: ${page}`);
    try {
      source = { ref: parseReference(target) };
    } catch (e) {
      throw new UsageError(`audit: ${referenceError(target, e)} (an OCI layout directory starts with ./ or /)`);
    }
  }
  const limits = values['audit-limits'] as string | undefined;
  if (limits !== undefined && !(LIMITS as readonly string[]).includes(limits.trim().toLowerCase()))
    throw new UsageError(`--audit-limits: '${limits}' is not one of ${LIMITS.join(', ')}`);
  return {
    source,
    strictLimits: limits?.trim().toLowerCase() === 'strict',
    ...(values['audit-values-file'] ? { valuesFile: values['audit-values-file'] as string } : {}),
    secretEnvs: (values['secret-envs'] as string[] | undefined) ?? [],
  };
}

/** Exit 1 when a value was found, 0 when none; a usage error when there is nothing to look for. */
async function runAudit({ fx, task: c, json, auditValues, out, connect }: RegistryJob<AuditTask>): Promise<number> {
  const [
    { describeFinding },
    { inputScope },
    { parseSecretInputs },
    { auditLayoutDir, auditRegistryImage },
    { withWorkdir },
    { newCatalog },
    { readLayoutRoot },
  ] = await Promise.all([
    import('../../audit/stage.js'),
    import('../../inputs/read.js'),
    import('../../inputs/secrets.js'),
    import('../../maintain/audit.js'),
    import('../../pipeline/workdir.js'),
    import('../../secrets/hide.js'),
    import('../../oci/layout.js'),
  ]);
  const catalog = newCatalog(fx);
  const lines = (text: string, name: string, from: string) =>
    text
      .split(/\r?\n/)
      .map((v) => v.trim())
      .filter(Boolean)
      .forEach((v, i) => {
        // As the build's audit-values: a short value would match by chance, and the audit skips it.
        if (v.length < MIN_VALUE)
          throw new UsageError(`${from} line ${i + 1} is shorter than ${MIN_VALUE} characters: too short to look for without false alarms`);
        catalog.add(`${name} line ${i + 1}`, v);
      });
  if (c.valuesFile)
    lines(
      await fx.files.readText(c.valuesFile).catch((e: NodeJS.ErrnoException) => {
        throw new UsageError(`--audit-values-file: cannot read ${c.valuesFile} (${e.code ?? 'error'})`);
      }),
      'audit-values',
      '--audit-values-file',
    );
  if (auditValues) lines(auditValues, 'HOIST_AUDIT_VALUES', 'HOIST_AUDIT_VALUES');
  const scope = inputScope((name) => (name === 'secret-envs' ? c.secretEnvs.join('\n') : ''), fx.platform.context.workspace, fx.platform.context.env);
  for (const s of parseSecretInputs(scope, 'the audit could not look for its value').secrets)
    if (s.kind === 'value') catalog.add(`secret '${s.id}' (secret-envs)`, s.value);
  if (scope.issues.length) throw new UsageError(scope.issues.map((i) => `--${i.input}: ${i.message}`).join('\n'));
  // Values the audit would skip as too short are not something to look for: "none found" would be a false clean.
  if (!catalog.all.some((v) => v.value.length >= MIN_VALUE))
    throw new UsageError(
      `audit: no values to look for${catalog.all.length ? ` (every value given is shorter than ${MIN_VALUE} characters)` : ''}: give --audit-values-file, HOIST_AUDIT_VALUES or --secret-envs`,
    );
  if ('layout' in c.source && (await fx.files.size(join(c.source.layout, 'index.json'))) === undefined)
    throw new UsageError(
      `audit: ${c.source.layout} is no OCI layout directory (it has no index.json): give a layout (skopeo copy … oci:DIR, outputs type=oci) or an image reference`,
    );
  // A layout of several images, or an index.json that does not parse, is what was given (as hoist push says), not a failure to read.
  if ('layout' in c.source)
    await readLayoutRoot(c.source.layout).catch((e: unknown) => {
      throw new UsageError(`audit: ${e instanceof Error ? e.message : String(e)}`);
    });
  const source = c.source;
  const audit =
    'layout' in source
      ? await auditLayoutDir(fx, source.layout, catalog.all, c.strictLimits)
      : await withWorkdir(fx, (work) =>
          connect([source.ref], (client) => auditRegistryImage(fx, client(source.ref), source.ref, work.dir, catalog.all, undefined, c.strictLimits)),
        );
  const leaks = audit.findings.filter((f) => f.severity === 'leak');
  if (json) out.print(jsonText(audit));
  else for (const f of leaks) out.print(describeFinding(f));
  return leaks.length ? 1 : 0;
}

export const audit = registryVerb<AuditTask>({
  name: 'audit',
  summary: 'the pre-push audit on an image already in a registry, or an OCI layout',
  usage: `  hoist audit REF|LAYOUT_DIR [--audit-values-file F] [--secret-envs ID=VAR]... [--audit-limits report|strict] [--json]
                                                      the pre-push audit on an image already pushed (exit 1 on a leak;
                                                      --audit-limits strict: also on a part not fully audited)`,
  examples: ['HOIST_AUDIT_VALUES="$DEPLOY_TOKEN" hoist audit registry.acme/team/app:1.4.2', 'hoist audit ./layout --audit-values-file values.txt --json'],
  options: () => ({ 'audit-values-file': { type: 'string' }, 'secret-envs': { type: 'string', multiple: true }, 'audit-limits': { type: 'string' } }),
  parse,
  run: runAudit,
});
