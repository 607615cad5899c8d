// The audit on the fifteenth round's binary variants (rounds 1–14 are audit-variants*.test.ts): kinds earlier rounds
// read, in places no earlier round made — a PostgreSQL WAL whose only copy of a changed row is a full-page image
// compressed by wal_compression (pglz; `on` its older spelling), and PDFs protected by an owner password alone (an
// empty user password, which every reader opens with: qpdf's AES-256 with an attached config, AES-128, object streams,
// Ghostscript's RC4) — each made by the real tool (test/support/corpus/variant15-binary.ts). All run through the bundle
// that ships (`node dist/cli.js audit ./LAYOUT --audit-values-file F --json`, or HOIST_TEST_CLI), the image made and
// its cases asserted by test/support/corpus/variant-round.ts; the values are drawn from the seed the summary line names
// (HOIST_TEST_SEED replays a run).
// Through the shipped bundle at its start (dist/ at ab43ac2) all 7 artifacts (with a xar whose member is LZMA-alone)
// were missed in silence, and the PDF that needs a user password and three encrypted files (gpg -c, openssl enc, age)
// passed in silence too; with the round's decoders all are found and those named.
// Property: every variant's value is found, the path named; every clean twin gives no finding; a PDF that needs a
// password to open, or a file encrypted to a key the image does not hold, is named as not fully audited, leaky or
// clean — never a silent pass.
import { describeNamed, variantRound } from '../support/corpus/variant-round.js';
import { variant15BinaryFound, variant15BinaryGaps, variant15Named } from '../support/corpus/variant15-binary.js';

const round = variantRound({
  prefix: 'hoist-variants15b-',
  label: 'audit variants 15 (binary)',
  artifacts: variant15BinaryFound,
  gaps: variant15BinaryGaps,
  gapsList: 'variant15BinaryFound',
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 600_000,
});

round.describe('the shipped audit on a fifteenth round of binary variants', () => describeNamed('hoist-variants15b-', variant15Named));
