// The audit on the thirteenth round's binary variants (issue 28; rounds 1–12 and the hunt round are
// audit-variants*.test.ts): stores, firmware, packages and documents no earlier round made — Kyoto Cabinet hash, B+
// tree and directory databases (-tc), Tokyo Cabinet databases with TCBS records, deflated B+ tree pages and table rows,
// and bzip2 records, 7z archives with Delta and SPARC filters, Ghostscript PDFs with LZW and ASCII85+Flate page
// streams, a qpdf object stream holding a link, an escript archive and a beam compiled +compressed, systemd journals
// with LZ4 (one compact) and xz DATA objects, U-Boot legacy images (lzma and gzip initrds, a boot script) and FIT
// images (data inside and after the tree), rpms with lzma and bzip2 payloads, .debs in a tar.zst, an SQLite archive, a
// Mercurial bundle (zstd-v2) and a multi-block bzip2 stream — each made by the real tool
// (test/support/corpus/variant13-binary.ts). All run through the bundle that ships (`node dist/cli.js audit ./LAYOUT
// --audit-values-file F --json`, or HOIST_TEST_CLI), the image made and its cases asserted by
// test/support/corpus/variant-round.ts; the values are drawn from the seed the summary line names (HOIST_TEST_SEED
// replays a run). Through the shipped bundle at its start 16 of its 61 cases failed (9 artifacts missed in silence;
// TCBS, 7z Delta and 7z SPARC named on both images); none with the round's decoders.
// Property: every variant's value is found, the path named; every clean twin gives no finding; the known
// gaps (variant13BinaryGaps) are asserted still missed, so that the fix that reads one moves it over.
import { variantRound } from '../support/corpus/variant-round.js';
import { variant13BinaryFound, variant13BinaryGaps } from '../support/corpus/variant13-binary.js';

const round = variantRound({
  prefix: 'hoist-variants13b-',
  label: 'audit variants 13 (binary)',
  artifacts: variant13BinaryFound,
  gaps: variant13BinaryGaps,
  gapsList: 'variant13BinaryFound',
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 900_000,
});

round.describe('the shipped audit on a thirteenth round of binary variants');
