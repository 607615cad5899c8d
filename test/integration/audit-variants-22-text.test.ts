// The audit on a twenty-second round of variants, text notations (issue 28, items 4 and 5: "escapes as a family, not a
// list"; rounds 1–21 are audit-variants*.test.ts): numbers a cast, a type or a call marks one by one, escapes and
// character forms real tools write — each made by the real tool (test/support/corpus/variant22-text*.ts, which list the
// known misses: asserted still missed). All run through the bundle that ships (HOIST_TEST_CLI or dist/).
// Property: every variant's value is found, the path named; every clean twin gives no finding and no limit.
import { variant22Text, variant22TextGaps } from '../support/corpus/variant22-text-more.js';
import { variantRound } from '../support/corpus/variant-round.js';

const round = variantRound({
  prefix: 'hoist-variants22-text-',
  label: 'audit variants 22 (text)',
  artifacts: variant22Text,
  gaps: variant22TextGaps,
  gapsList: 'variant22Text',
  auditTimeoutMs: 120_000,
  setupTimeoutMs: 300_000,
});

round.describe('the shipped audit on a twenty-second round of variants (text notations)');
