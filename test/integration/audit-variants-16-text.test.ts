// The audit on a sixteenth round of variants, text notations (issue 28: "escapes as a family, not a list"; rounds
// 1–15 are audit-variants*.test.ts), as an independent red team makes them: gdb's prints of a key buffer in characters
// (p/c, x/cb), decimal bytes (x/db) and hex words (x/xw, x/xg); od's dumps without offsets (od -A n: octal, -d, -t d2,
// -t u4, -x, -c) and with named characters (od -t a, with and without offsets); a key's bytes as bare decimal (Python's
// print(*b), Perl's unpack joined by tabs) — each made by the real tool (test/support/corpus/variant16-text.ts).
// All run through the bundle that ships (`node dist/cli.js audit ./LAYOUT --audit-values-file F --json`,
// or HOIST_TEST_CLI), the image made and its cases asserted by test/support/corpus/variant-round.ts.
// Property: every variant's value is found, the path named; every clean twin gives no finding and
// no limit. The known gaps (variant16TextGaps) are asserted still missed, so that the fix that reads
// one moves it over.
import { variant16Text, variant16TextGaps } from '../support/corpus/variant16-text.js';
import { variantRound } from '../support/corpus/variant-round.js';

const round = variantRound({
  prefix: 'hoist-variants16-text-',
  label: 'audit variants 16 (text)',
  artifacts: variant16Text,
  gaps: variant16TextGaps,
  gapsList: 'variant16Text',
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 600_000,
});

round.describe('the shipped audit on a sixteenth round of variants (text notations)');
