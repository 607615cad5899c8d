// The audit on the fourteenth round's binary variants (issue 28; rounds 1–13 are audit-variants*.test.ts): databases
// and stores baked into images that no earlier round made — MariaDB tablespaces (InnoDB ROW_FORMAT=COMPRESSED and
// PAGE_COMPRESSED, an ARCHIVE table, a myisampack'd MyISAM table) and a compressed binary log, PostgreSQL relation
// files (pglz out of line and inline), a RocksDB BlobDB blob file, a Prometheus TSDB block, H2 MVStore files (plain and
// LZF-compressed pages), a Redis append-only directory with an RDB base, a Xapian glass database, DETS, GDBM and CDB
// files, Lua bytecode, an ARC archive, an Android boot image, and 7z archives with Deflate64 and the ARM Thumb, IA64
// and RISC-V filters — each made by the real tool (test/support/corpus/variant14-binary.ts). All run through the
// bundle that ships (`node dist/cli.js audit ./LAYOUT --audit-values-file F --json`, or HOIST_TEST_CLI), the image
// made and its cases asserted by test/support/corpus/variant-round.ts; the values are drawn from the seed the summary
// line names (HOIST_TEST_SEED replays a run).
// Through the shipped bundle at its start (dist/ at 441098e) 7 of its 24 artifacts were missed in silence and 4 named
// on both images (variant14-binary.ts says which); with the round's decoders 23 are found and myisampack stays a gap.
// Property: every variant's value is found, the path named; every clean twin gives no finding; the known
// gaps (variant14BinaryGaps) are asserted still missed, so that the fix that reads one moves it over.
import { variantRound } from '../support/corpus/variant-round.js';
import { variant14BinaryFound, variant14BinaryGaps } from '../support/corpus/variant14-binary.js';

const round = variantRound({
  prefix: 'hoist-variants14b-',
  label: 'audit variants 14 (binary)',
  artifacts: variant14BinaryFound,
  gaps: variant14BinaryGaps,
  gapsList: 'variant14BinaryFound',
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 900_000,
});

round.describe('the shipped audit on a fourteenth round of binary variants');
