// The audit on the sixteenth round's binary variants (rounds 1–15 are audit-variants*.test.ts): values in files a data
// or storage library writes, behind a filter or a dictionary — HDF5 datasets written by h5py whose chunks pass through a
// filter pipeline (LZF, shuffle then deflate, shuffle and Fletcher-32; in the newest file format one chunk, a fixed
// array, an extensible array, in pages and super blocks), RocksDB tables compressed with zstd or zlib and a per-table dictionary, and a 7z of
// executables made with 7-Zip's ultra preset (BCJ2) — each made by the real tool (test/support/corpus/variant16-binary.ts).
// All run through the bundle that ships (`node dist/cli.js audit ./LAYOUT --audit-values-file F --json`, or
// HOIST_TEST_CLI), the image made and its cases asserted by test/support/corpus/variant-round.ts; the values are drawn
// from the seed the summary line names (HOIST_TEST_SEED replays a run).
// Through a private bundle of the tree at the round's start (1f5ef53) all 11 artifacts were missed — the 8 HDF5 files in
// silence; the 2 RocksDB tables and the BCJ2 archive named as not read, leaky and clean alike — and the HDF5 grid whose
// chunks a version-2 B-tree indexes passed in silence; with the round's decoders all are found and that one named.
// Property: every variant's value is found, the path named; every clean twin gives no finding; an HDF5 dataset whose
// chunk index is not read is named as not fully audited, leaky or clean — never a silent pass.
import { describeNamed, variantRound } from '../support/corpus/variant-round.js';
import { variant16BinaryFound, variant16BinaryGaps, variant16Named } from '../support/corpus/variant16-binary.js';

const round = variantRound({
  prefix: 'hoist-variants16b-',
  label: 'audit variants 16 (binary)',
  artifacts: variant16BinaryFound,
  gaps: variant16BinaryGaps,
  gapsList: 'variant16BinaryFound',
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 600_000,
});

round.describe('the shipped audit on a sixteenth round of binary variants', () => describeNamed('hoist-variants16b-', variant16Named));
