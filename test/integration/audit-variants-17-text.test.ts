// The audit on a seventeenth round of variants, text notations (issue 28: "escapes as a family, not a list"; rounds
// 1–16 are audit-variants*.test.ts), as an independent red team makes them: a value's bytes or characters one an entry
// after their index (PHP's print_r, var_dump and var_export of unpack('C*') and str_split — round 16's gap —, Python's
// dict(enumerate(…)), Ruby's Hash of byte indices), Perl's dotted version strings (%vd, %vx, %vo, %vb), byte lists in
// binary, octal, signed decimal and code points (Go's %b, %o, []rune; Tcl's binary scan c*; 8-bit groups by Python,
// Perl and JavaScript), hex groups between dashes or colons (Python's bytes.hex(sep, n)), xxd -e -g8/-g2 — each made
// by the real tool (test/support/corpus/variant17-text.ts).
// All run through the bundle that ships (`node dist/cli.js audit ./LAYOUT --audit-values-file F --json`,
// or HOIST_TEST_CLI), the image made and its cases asserted by test/support/corpus/variant-round.ts.
// Property: every variant's value is found, the path named; every clean twin gives no finding and
// no limit. The known gaps (variant17TextGaps) are asserted still missed, so that the fix that reads
// one moves it over.
import { variant17Text, variant17TextGaps } from '../support/corpus/variant17-text.js';
import { variantRound } from '../support/corpus/variant-round.js';

const round = variantRound({
  prefix: 'hoist-variants17-text-',
  label: 'audit variants 17 (text)',
  artifacts: variant17Text,
  gaps: variant17TextGaps,
  gapsList: 'variant17Text',
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 600_000,
});

round.describe('the shipped audit on a seventeenth round of variants (text notations)');
