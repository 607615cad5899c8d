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
import { describeNamed, variantRound } from '../support/corpus/variant-round.js';
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

describeNamed('hoist-variants9b-', variant9Named);
