// The audit on a nineteenth round of variants, text notations (issue 28: "escapes as a family, not a list"; rounds
// 1–18 are audit-variants*.test.ts): a value written a character a call (String.fromCharCode, string.char, N.chr,
// (char)N), Go's %#U, its characters by their Unicode names (Python's namereplace, Perl's charnames, SBCL's #\NAME),
// keyed lists with quoted indices (Node's objects of characters, JSON, PHP's serialize of str_split) — each made by the
// real tool (test/support/corpus/variant19-text.ts, which lists the known misses: not asserted).
// All run through the bundle that ships (`node dist/cli.js audit ./LAYOUT --audit-values-file F --json`,
// or HOIST_TEST_CLI), the image made and its cases asserted by test/support/corpus/variant-round.ts.
// Property: every variant's value is found, the path named; every clean twin gives no finding and no limit.
import { variant19Text } from '../support/corpus/variant19-text.js';
import { variantRound } from '../support/corpus/variant-round.js';

const round = variantRound({
  prefix: 'hoist-variants19-text-',
  label: 'audit variants 19 (text)',
  artifacts: variant19Text,
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 600_000,
});

round.describe('the shipped audit on a nineteenth round of variants (text notations)');
