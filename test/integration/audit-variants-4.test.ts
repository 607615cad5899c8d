// The audit on a fourth round of variants (issue 28; rounds 1–3 are audit-variants*.test.ts), as an
// independent red team makes them: serializers, compiled strings, framed compressed blocks, a SQLite
// row across overflow pages, mail's folding, Java's Properties.store, a tar header's own fields —
// each made by the real tool (test/support/corpus/variant4.ts). All run through the bundle that
// ships (`node dist/cli.js audit ./LAYOUT --audit-values-file F --json`), the image made and its
// cases asserted by test/support/corpus/variant-round.ts.
// Property: every variant's value is found, the path named; every clean twin gives no finding. The
// known gaps (variant4Gaps) are asserted still missed, so that the fix that reads one moves it over.
import { variant4, variant4Gaps } from '../support/corpus/variant4.js';
import { variantRound } from '../support/corpus/variant-round.js';

const round = variantRound({
  prefix: 'hoist-variants4-',
  label: 'audit variants 4',
  artifacts: variant4,
  gaps: variant4Gaps,
  gapsList: 'variant4',
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 900_000,
});

round.describe('the shipped audit on a fourth round of variants');
