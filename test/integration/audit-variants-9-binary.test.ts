// The audit on the ninth round's binary variants (issue 28; rounds 1–8 are audit-variants*.test.ts),
// as an independent red team makes them: raw LZ4 blocks (Firefox's mozLz40), version-control stores
// (Mercurial revlogs, Subversion FSFS in svndiff1/svndiff2), an OSTree archive repo, an MSI, media and
// document metadata (EXIF and ID3 in UTF-16, an Ogg page cutting a Vorbis comment, a PDF string in
// UTF-16BE with octal escapes), HDF5 with the shuffle filter, numpy .npz in UTF-32LE, 7z PPMd and BCJ2,
// zip PPMd, xz --arm64 — each made by the real tool (test/support/corpus/variant9-binary.ts). All run
// through the bundle that ships (`node dist/cli.js audit ./LAYOUT --audit-values-file F --json`), the
// image made and its cases asserted by test/support/corpus/variant-round.ts.
// Property: every variant's value is found, the path named; every clean twin gives no finding; the
// known gaps (variant9BinaryGaps) are asserted still missed, so that the fix that reads one moves it
// over. Streams no image alone can read (variant9Named) are named as not fully audited, leaky or
// clean — never a silent pass.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeArtifact } from '../support/corpus/artifact.js';
import { auditLayout, findingsFor, writeLayout, type AuditRun } from '../support/corpus/layout.js';
import { strip, variantRound } from '../support/corpus/variant-round.js';
import { valueOf } from '../support/corpus/variant-values.js';
import { variant9BinaryFound, variant9BinaryGaps, variant9Named } from '../support/corpus/variant9-binary.js';

const round = variantRound({
  prefix: 'hoist-variants9b-',
  label: 'audit variants 9 (binary)',
  artifacts: variant9BinaryFound,
  gaps: variant9BinaryGaps,
  gapsList: 'variant9BinaryFound',
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 900_000,
});

round.describe('the shipped audit on a ninth round of binary variants');

describe('streams the image alone cannot read: named, leaky or clean', () => {
  const values = variant9Named.map((a) => valueOf(a.kind));
  const runs: Record<string, AuditRun> = {};
  let work = '';
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'hoist-variants9n-'));
    for (const [name, value] of [
      ['leaky', (i: number) => values[i]!],
      ['clean', (i: number) => valueOf(variant9Named[i]!.kind)],
    ] as const) {
      const dir = join(work, `${name}-tar`);
      for (const [i, a] of variant9Named.entries())
        await makeArtifact({ ...a, shape: 'token' }, value(i), join(dir, 'srv', a.id), join(work, 'scratch', `${name}-${a.id}`));
      await writeLayout(join(work, name), [{ dir, gzip: true }]);
      runs[name] = await auditLayout(work, name, values, 180_000);
    }
  }, 600_000);
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it.each(variant9Named.flatMap((a, i) => ['leaky', 'clean'].map((image) => ({ ...a, i, image }))))(
    '$id ($image) — $name: found or named as not fully audited',
    ({ i, id, image, where }) => {
      const run = runs[image]!;
      const said = run.findings.filter((f) => f.where.includes(`/srv/${id}/`));
      const named = said.filter((f) => f.severity === 'limit').map((f) => strip(f.where));
      const found = image === 'leaky' ? findingsFor(run, i) : [];
      const outcome = found.length > 0 ? 'found' : named.some((w) => where.test(w)) ? 'named' : 'silent';
      expect(outcome, `the audit said: ${JSON.stringify(said)}`).not.toBe('silent');
    },
  );

  it('never prints a value', () => {
    const printed = Object.values(runs)
      .map((r) => JSON.stringify(r.findings) + r.stderr)
      .join('');
    expect(values.filter((s) => printed.includes(s))).toEqual([]);
  });
});
