// The audit on the twelfth round's binary variants (issue 28; rounds 1–11 and the hunt round are
// audit-variants*.test.ts): stores, backups and build outputs no earlier round made — RocksDB tables
// (zlib, zstd, bzip2 blocks), Borg repositories (zstd, zlib, lzma chunks), dar archives (gzip, bzip2, xz,
// zstd), a Fossil repository, Erlang's compressed term format and a .beam, a Cap'n Proto packed message,
// a pg_dump custom archive, a bsdiff patch, an rzip file, a Breezy repository, a Ghostscript PDF, 7z
// archives by bsdtar (deflate, bzip2), a casync store, an SZDD file, an HDF5 dataset (LZF), a Tokyo Cabinet
// database (deflate) and a packet capture — each made by the real tool
// (test/support/corpus/variant12-binary.ts). All run through the bundle that ships (`node dist/cli.js
// audit ./LAYOUT --audit-values-file F --json`, or HOIST_TEST_CLI), the image made and its cases asserted
// by test/support/corpus/variant-round.ts; the values are drawn from the seed the summary line names
// (HOIST_TEST_SEED replays a run).
// Property: every variant's value is found, the path named; every clean twin gives no finding; the known
// gaps (variant12BinaryGaps) are asserted still missed, so that the fix that reads one moves it over.
import { variantRound } from '../support/corpus/variant-round.js';
import { variant12BinaryFound, variant12BinaryGaps } from '../support/corpus/variant12-binary.js';

const round = variantRound({
  prefix: 'hoist-variants12b-',
  label: 'audit variants 12 (binary)',
  artifacts: variant12BinaryFound,
  gaps: variant12BinaryGaps,
  gapsList: 'variant12BinaryFound',
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 900_000,
});

round.describe('the shipped audit on a twelfth round of binary variants');
