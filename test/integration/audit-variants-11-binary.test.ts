// The audit on the eleventh round's binary variants (issue 28; rounds 1–10 are audit-variants*.test.ts),
// as an independent red team makes them: what a Linux image carries that no earlier round opened — a
// ccache directory (ccache's header, then zstd), an LHA archive (-lh5-), a LevelDB compacted into snappy
// tables, an LMDB and a Berkeley DB hash file, flash file systems (UBIFS with LZO data nodes and a UBI
// image of a zstd UBIFS, the value across a 4 KiB block; JFFS2 with zlib nodes, big-endian across a
// page), an rpm with a zstd payload, a pacman .pkg.tar.zst, a xar archive, and pbzip2/plzip's many
// streams with the value across their boundary; and archives the audit does not decode, to be named
// (WIM with LZX and XPRESS, zpaq, lrzip) — each made by the real tool
// (test/support/corpus/variant11-binary.ts). All run through the bundle that ships (`node dist/cli.js
// audit ./LAYOUT --audit-values-file F --json`), the image made and its cases asserted by
// test/support/corpus/variant-round.ts.
// Property: every variant's value is found, the path named; every clean twin gives no finding; the
// named ones give a limit finding on the leaky image and the clean one alike, never a silent pass; the
// known gaps (variant11BinaryGaps) are asserted still missed, so that the fix that reads one moves it
// over.
import { describeNamed, variantRound } from '../support/corpus/variant-round.js';
import { variant11BinaryFound, variant11BinaryGaps, variant11Named } from '../support/corpus/variant11-binary.js';

const round = variantRound({
  prefix: 'hoist-variants11b-',
  label: 'audit variants 11 (binary)',
  artifacts: variant11BinaryFound,
  gaps: variant11BinaryGaps,
  gapsList: 'variant11BinaryFound',
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 900_000,
});

round.describe('the shipped audit on an eleventh round of binary variants');

describeNamed('hoist-variants11b-', variant11Named);
