// The audit on a fifteenth round of variants, text notations (issue 28: "escapes as a family, not a
// list"; rounds 1–14 are audit-variants*.test.ts), as an independent red team makes them: an env file
// dumped by a bare od (octal words), od -A d -d, od -t u4, od -t d2, hexdump -d and hexdump -x, and a
// fixed-size key buffer printed with its NUL padding by gdb (p/x, p/d), Rust ({:?} of [u8; 48]), Go
// (%v of [48]byte) and Python (a ctypes buffer as a list), psql's wrapped format (a table and \x records)
// — each made by the real tool
// (test/support/corpus/variant15-text.ts).
// All run through the bundle that ships (`node dist/cli.js audit ./LAYOUT --audit-values-file F --json`,
// or HOIST_TEST_CLI), the image made and its cases asserted by test/support/corpus/variant-round.ts.
// Property: every variant's value is found, the path named; every clean twin gives no finding and
// no limit. The known gaps (variant15TextGaps) are asserted still missed, so that the fix that reads
// one moves it over.
import { variant15Text, variant15TextGaps } from '../support/corpus/variant15-text.js';
import { variantRound } from '../support/corpus/variant-round.js';

const round = variantRound({
  prefix: 'hoist-variants15-text-',
  label: 'audit variants 15 (text)',
  artifacts: variant15Text,
  gaps: variant15TextGaps,
  gapsList: 'variant15Text',
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 600_000,
});

round.describe('the shipped audit on a fifteenth round of variants (text notations)');
