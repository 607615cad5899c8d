// The audit on a twenty-third round of variants, text notations (issue 28, items 4 and 5: "escapes as a family, not a
// list"; rounds 1–22 are audit-variants*.test.ts): the classes of round 22's asserted gaps — character literals a mark
// leads (Erlang's `$t`, Elixir's and Ruby's `?t`, Emacs Lisp's), number lists that phase-locked the framed reader's looks,
// digit groups and mixed marks — each made by the real tool (test/support/corpus/variant23-text.ts, which lists the
// known misses: asserted still missed). All run through the bundle that ships (HOIST_TEST_CLI or dist/).
// Property: every variant's value is found, the path named; every clean twin gives no finding and no limit.
import { variant23Text, variant23TextGaps } from '../support/corpus/variant23-text.js';
import { variantRound } from '../support/corpus/variant-round.js';

const round = variantRound({
  prefix: 'hoist-variants23-text-',
  label: 'audit variants 23 (text)',
  artifacts: variant23Text,
  gaps: variant23TextGaps,
  gapsList: 'variant23Text',
  auditTimeoutMs: 120_000,
  setupTimeoutMs: 300_000,
});

round.describe('the shipped audit on a twenty-third round of variants (text notations)');
