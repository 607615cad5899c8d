// The audit on the eighth round's binary variants (issue 28; rounds 1–7 are audit-variants*.test.ts),
// as an independent red team makes them: file systems whose files are cut by their own block maps
// (ext2's indirect blocks, ext4's extents around a backup superblock, a FAT file rewritten into a
// hole), file systems compressing a block at a time (zisofs, cramfs, squashfs, EROFS), an SQLite WAL
// with overflow pages, a Redis RDB (LZF), xz's delta filter, bzip3, ARJ, WOFF/WOFF2 and an LZMA SWF —
// each made by the real tool (test/support/corpus/variant8-binary.ts). All run through the bundle that
// ships (`node dist/cli.js audit ./LAYOUT --audit-values-file F --json`), the image made and its
// cases asserted by test/support/corpus/variant-round.ts.
// Property: every variant's value is found, the path named; every clean twin gives no finding; the
// known gaps (variant8BinaryGaps) are asserted still missed, so that the fix that reads one moves it
// over. Streams no image alone can read (variant8Named) are named as not fully audited, leaky or
// clean — never a silent pass.
import { describeNamed, variantRound } from '../support/corpus/variant-round.js';
import { variant8BinaryFound, variant8BinaryGaps, variant8Named } from '../support/corpus/variant8-binary.js';

const round = variantRound({
  prefix: 'hoist-variants8b-',
  label: 'audit variants 8 (binary)',
  artifacts: variant8BinaryFound,
  gaps: variant8BinaryGaps,
  gapsList: 'variant8BinaryFound',
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 900_000,
});

round.describe('the shipped audit on an eighth round of binary variants');

describeNamed('hoist-variants8b-', variant8Named);
