// The audit on the seventeenth round's binary variants (rounds 1–16 are audit-variants*.test.ts): values in the stores
// of data and document libraries and in installers whose bytes pass through a coder no earlier round made — zarr
// chunks and a python-blosc buffer (Blosc: BloscLZ, LZ4, zstd; a byte or bit shuffle), HDF5 files PyTables writes
// through the Blosc, LZO and bzip2 filters, MATLAB v7.3-style .mat files (HDF5 after a 512-byte user block), WiredTiger
// tables (MongoDB's engine: snappy and zlib pages, the value across byte 64 of its page), NSIS installers (zlib,
// LZMA, solid LZMA) and an ARJ archive (method 1); DjVu documents whose metadata or text layer is BZZ-compressed, to
// be named — each made by the real tool (test/support/corpus/variant17-binary.ts). All run through the bundle that ships (`node dist/cli.js audit
// ./LAYOUT --audit-values-file F --json`, or HOIST_TEST_CLI), the image made and its cases asserted by
// test/support/corpus/variant-round.ts; the values are drawn from the seed the summary line names (HOIST_TEST_SEED
// replays a run).
// Through a private bundle of the tree at the round's start (66e13b4) 26 of 40 cases fail — all 16 artifacts missed
// (11 in silence; the 4 PyTables files and the ARJ archive named, leaky and clean), the 4 DjVu cases silent, the clean
// image not clean; 40/40 through a private bundle of 52dac16.
// Property: every variant's value is found, the path named; every clean twin gives no finding; a stream the audit does
// not read is named as not fully audited, leaky or clean — never a silent pass.
import { describeNamed, variantRound } from '../support/corpus/variant-round.js';
import { variant17BinaryFound, variant17BinaryGaps, variant17Named } from '../support/corpus/variant17-binary.js';

const round = variantRound({
  prefix: 'hoist-variants17b-',
  label: 'audit variants 17 (binary)',
  artifacts: variant17BinaryFound,
  gaps: variant17BinaryGaps,
  gapsList: 'variant17BinaryFound',
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 600_000,
});

round.describe('the shipped audit on a seventeenth round of binary variants', () =>
  variant17Named.length ? describeNamed('hoist-variants17b-', variant17Named) : undefined,
);
