// The audit on a twentieth round of variants, text notations (issue 28, items 4 and 5: "escapes as a family, not a
// list", "stacked encodings"; rounds 1–19 are audit-variants*.test.ts): a value printed by real languages' and
// tools' ordinary output notations — big numbers in another radix, byte and character lists in more languages'
// syntax, decimal escapes, calls a character each, rotations, bits, UTF-16/UTF-32 hex, Z85, xxencode — each made by
// the real tool (test/support/corpus/variant20-text.ts, which lists the known misses: asserted still missed).
// All run through the bundle that ships (`node dist/cli.js audit ./LAYOUT --audit-values-file F --json`,
// or HOIST_TEST_CLI), the image made and its cases asserted by test/support/corpus/variant-round.ts.
// Property: every variant's value is found, the path named; every clean twin gives no finding and no limit.
import { variant20Text, variant20TextGaps } from '../support/corpus/variant20-text.js';
import { variantRound } from '../support/corpus/variant-round.js';

const round = variantRound({
  prefix: 'hoist-variants20-text-',
  label: 'audit variants 20 (text)',
  artifacts: variant20Text,
  gaps: variant20TextGaps,
  gapsList: 'variant20Text',
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 600_000,
});

round.describe('the shipped audit on a twentieth round of variants (text notations)');
