/**
 * What a run did, as Markdown for the job summary and the pull request comment: per registry the
 * references, digest, what was uploaded, mounted or already there, bytes sent and time; the tag
 * decisions with their reasons; the audit. Pure; the caller redacts what it hands in.
 */
import type { Finding } from '../audit/audit.js';
import type { TagDecision } from '../plan/tags.js';
import type { RegistryReport } from '../push/engine.js';

export interface RunSummary {
  digest: string;
  version: string | null;
  registries: readonly RegistryReport[];
  decisions: ReadonlyMap<string, readonly TagDecision[]>;
  audit: { mode: string; leaks: number; findings: readonly Finding[]; skipped: readonly string[]; layers: number; bytes: number };
  /** Steps mounting a secret that came from the build cache (secret-cache: warn). */
  cachedSecretSteps?: readonly string[];
}

const MiB = 1024 * 1024;
const size = (n: number) => (n >= MiB ? `${(n / MiB).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`);
/** A code span's text (in a table cell too): no pipe, backtick or line break from the data may end it or the table. */
export const code = (s: string) =>
  s
    .replace(/`/g, "'")
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ');
/**
 * Free text in a table cell (a registry's error, a finding's file name): every Markdown and HTML
 * character escaped, so the data cannot add links, images, emphasis or a fake verdict of its own.
 */
export const cell = (s: string) => s.replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');

export function renderSummary(s: RunSummary): string {
  const lines = [`### Hoist: \`${s.digest}\`${s.version ? ` (version ${s.version})` : ''}`, ''];
  if (s.registries.length) {
    lines.push('| registry | references | uploaded | mounted | already there | sent | time | result |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const r of s.registries) {
      lines.push(
        `| ${cell(r.registry)} | ${r.references.map((x) => `\`${code(x)}\``).join('<br>') || '—'} | ${r.blobsUploaded} (${size(r.bytesUploaded)}) | ${r.blobsMounted} (${size(r.bytesMounted)}) | ${r.blobsSkipped} (${size(r.bytesSkipped)}) | ${size(r.bytesSent)} | ${(r.durationMs / 1000).toFixed(1)} s | ${r.error ? `❌ ${cell(r.error.message)}` : '✅'} |`,
      );
    }
    lines.push('');
  }
  const decided = [...s.decisions].flatMap(([repo, ds]) => ds.filter((d) => d.reason).map((d) => ({ repo, d })));
  if (decided.length) {
    lines.push('**Floating tags**', '', '| repository | tag | moved | why |', '| --- | --- | --- | --- |');
    for (const { repo, d } of decided) lines.push(`| ${cell(repo)} | \`${code(d.tag)}\` | ${d.push ? 'yes' : 'no'} | ${cell(d.reason ?? '')} |`);
    lines.push('');
  }
  if (s.cachedSecretSteps?.length) {
    lines.push('**From the build cache, with an earlier value of a secret** (secret-cache: rebuild runs them again):', '');
    for (const step of s.cachedSecretSteps) lines.push(`- \`${code(step)}\``);
    lines.push('');
  }
  const a = s.audit;
  if (a.mode === 'off') {
    lines.push('**Audit**: off — the image was not checked for secrets.');
  } else {
    const leaks = a.findings.filter((f) => f.severity === 'leak');
    lines.push(
      `**Audit** (${a.mode}): ${a.layers} layers, ${size(a.bytes)} decompressed — ${leaks.length ? `❌ ${leaks.length} secret${leaks.length > 1 ? 's' : ''} found` : '✅ no secret found'}`,
    );
    if (a.findings.length) {
      lines.push('', '| found | where |', '| --- | --- |');
      for (const f of a.findings)
        lines.push(
          `| ${cell(f.what)}${f.fingerprint ? ` (sha256 ${f.fingerprint}…)` : ''}${f.severity === 'key' ? ' — reported only' : ''} | ${cell(f.where)} |`,
        );
    }
    for (const skipped of a.skipped) lines.push('', `_${cell(skipped)}_`);
  }
  return `${lines.join('\n')}\n`;
}

/** The marker that finds Hoist's own comment on a pull request again. */
export const COMMENT_MARKER = '<!-- hoist:image -->';

export function renderComment(s: RunSummary): string {
  const refs = s.registries.flatMap((r) => r.references);
  return [
    COMMENT_MARKER,
    `**Hoist** built \`${s.digest}\`${s.version ? ` (version ${s.version})` : ''}.`,
    '',
    refs.length ? refs.map((r) => `- \`${r}\``).join('\n') : '_Nothing was pushed._',
    '',
  ].join('\n');
}
