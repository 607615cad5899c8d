// The audit on an eighteenth round of variants, text notations (issue 28: "escapes as a family, not a list"; rounds
// 1–17 are audit-variants*.test.ts), as an independent red team makes them: a value's bytes as words of 2, 4 and 8 bytes
// (unpack('n*') in PHP, Perl, Ruby; Python's array and struct; Node's Uint16Array; Java's short[]; Tcl's S*; hexdump's
// %u words), as one big number (int.from_bytes, bin(), oct(), BigInteger), as Python's 0o list and Lisp's vectors; its
// characters between single separators (' '.join, a character a line, Go's %c, Tcl's split, Lisp's character lists);
// R's vector prints; IDNA's xn-- labels — each made by the real tool (test/support/corpus/variant18-text.ts).
// All run through the bundle that ships (`node dist/cli.js audit ./LAYOUT --audit-values-file F --json`,
// or HOIST_TEST_CLI), the image made and its cases asserted by test/support/corpus/variant-round.ts.
// Property: every variant's value is found, the path named; every clean twin gives no finding and
// no limit. The known gaps (variant18TextGaps) are asserted still missed, so that the fix that reads
// one moves it over.
import { variant18Text, variant18TextGaps } from '../support/corpus/variant18-text.js';
import { variantRound } from '../support/corpus/variant-round.js';

const round = variantRound({
  prefix: 'hoist-variants18-text-',
  label: 'audit variants 18 (text)',
  artifacts: variant18Text,
  gaps: variant18TextGaps,
  gapsList: 'variant18Text',
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 600_000,
});

round.describe('the shipped audit on an eighteenth round of variants (text notations)');
