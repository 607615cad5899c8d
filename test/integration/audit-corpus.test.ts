// The audit on a corpus of real artifacts, made here by the real tools (git, dpkg-deb, cpio,
// rpmbuild, tar with xz/bzip2/zstd/lz4/lzma, zip, 7-Zip, brotli, esbuild, qpdf, python3's json/xml/email),
// each with a secret where a real pipeline puts it, run through the bundle that ships
// (`node dist/cli.js audit ./LAYOUT --audit-values-file F --json`) as a user runs it.
// Property: every artifact's value is found (a `leak` finding for its values line) and the finding
// names the path through the containers; every clean twin (the same artifact made with a value
// the audit is not told about) gives no leak finding and is read to its end (no 'limit'), and the clean image exits 0.
// Nearest real-world variant beside each artifact: see `realWorld` in test/support/corpus/*-artifacts.ts
// (e.g. `COPY . .` of a checkout whose gc'd history holds an .env; a vendor .deb left after dpkg -i).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeArtifact, type Artifact } from '../support/corpus/artifact.js';
import { binaryArtifacts } from '../support/corpus/binary-artifacts.js';
import { auditLayout, findingsFor, writeLayout, type AuditRun } from '../support/corpus/layout.js';
import { lzmaArtifacts } from '../support/corpus/lzma-artifacts.js';
import { secretOf } from '../support/corpus/secrets.js';
import { textArtifacts } from '../support/corpus/text-artifacts.js';

const artifacts: Artifact[] = [...binaryArtifacts, ...lzmaArtifacts, ...textArtifacts];
/** Each image's audit: a bound on crafted input must hold on ordinary artifacts too (a hang is a failure, not a wait). */
const AUDIT_TIMEOUT_MS = 90_000;
const secrets = artifacts.map((a) => secretOf(a.shape));
let work = '';
let leaky: AuditRun;
let clean: AuditRun;
const figures = { made: 0, leakyBytes: 0, cleanBytes: 0, makeMs: 0 };

/** Two layers per image (one gzip, one uncompressed), the artifacts dealt between them under srv/<id>/. */
async function image(name: string, values: (i: number) => string): Promise<number> {
  const layers = [join(work, `${name}-gz`), join(work, `${name}-tar`)];
  for (const [i, a] of artifacts.entries()) await makeArtifact(a, values(i), join(layers[i % 2]!, 'srv', a.id), join(work, 'scratch', `${name}-${a.id}`));
  return (
    await writeLayout(join(work, name), [
      { dir: layers[0]!, gzip: true },
      { dir: layers[1]!, gzip: false },
    ])
  ).bytes;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hoist-corpus-'));
  const started = performance.now();
  figures.leakyBytes = await image('leaky', (i) => secrets[i]!);
  figures.cleanBytes = await image('clean', (i) => secretOf(artifacts[i]!.shape));
  figures.makeMs = performance.now() - started;
  leaky = await auditLayout(work, 'leaky', secrets, AUDIT_TIMEOUT_MS);
  clean = await auditLayout(work, 'clean', secrets, AUDIT_TIMEOUT_MS);
}, 300_000);

afterAll(async () => {
  if (leaky && clean)
    console.log(
      `audit corpus: ${artifacts.length} artifacts (+ ${artifacts.length} clean twins), layers ${figures.leakyBytes} + ${figures.cleanBytes} bytes uncompressed, ` +
        `made in ${Math.round(figures.makeMs)} ms; audit ${Math.round(leaky.ms)} ms (leaky), ${Math.round(clean.ms)} ms (clean)`,
    );
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the shipped audit on a corpus of real artifacts', () => {
  it('finishes on both images', () => {
    expect({ leaky: leaky.timedOut, clean: clean.timedOut }).toEqual({ leaky: false, clean: false });
  });

  it.each(artifacts.map((a, i) => ({ ...a, i })))('$id — $name: found, the path named', ({ i, where }) => {
    const found = findingsFor(leaky, i);
    expect(
      found.length,
      `no leak finding for this artifact's value${leaky.timedOut ? ' (the audit did not finish)' : ''}; the audit said: ${JSON.stringify(leaky.findings.filter((f) => f.where.includes(`/srv/${artifacts[i]!.id}/`)))}`,
    ).toBeGreaterThan(0);
    expect(
      found.map((f) => f.where),
      `the findings name: ${JSON.stringify(found.map((f) => f.where.replace(/^layer \S+ \([^)]*\), /, '')))}`,
    ).toContainEqual(expect.stringMatching(where));
  });

  it.each(artifacts)('$id: the clean twin gives no leak finding', ({ id }) => {
    expect(clean.findings.filter((f) => f.severity === 'leak' && f.where.includes(`/srv/${id}/`))).toEqual([]);
  });

  // A valid, ordinary artifact is read to its end: a "not fully audited" on it would fail a clean image under audit-limits: strict.
  it.each(artifacts)('$id: the clean twin is fully audited (no limit finding)', ({ id }) => {
    expect(clean.findings.filter((f) => f.severity === 'limit' && f.where.includes(`/srv/${id}/`)).map((f) => f.what)).toEqual([]);
  });

  it('fails the leaky image (exit 1) and passes the clean one (exit 0, no leak finding anywhere)', () => {
    expect(leaky.code).toBe(1);
    expect(clean.findings.filter((f) => f.severity === 'leak')).toEqual([]);
    expect(clean.code).toBe(0);
  });

  it('never prints a value', () => {
    const printed = JSON.stringify(leaky.findings) + leaky.stderr + JSON.stringify(clean.findings) + clean.stderr;
    expect(secrets.filter((s) => printed.includes(s))).toEqual([]);
  });
});
