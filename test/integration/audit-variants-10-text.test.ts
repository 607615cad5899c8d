// The audit on a tenth round of variants, text notations (issue 28; rounds 1–9 are
// audit-variants*.test.ts), as an independent red team makes them: pg_dump of a real PostgreSQL
// cluster (COPY text, a text[] column, --inserts with E'' strings), sqlite3 .dump (X'' blobs,
// replace(…, char(10))), pandoc's LaTeX and Markdown, Data::Dumper with Useqq = 0, Python repr with
// non-printables, git config's quoting, jq -a and a PHP session file — each made by the real tool
// (test/support/corpus/variant10-text.ts). All run through the bundle that ships (`node dist/cli.js
// audit ./LAYOUT --audit-values-file F --json`), the image made and its cases asserted by
// test/support/corpus/variant-round.ts.
// Property: every variant's value is found, the path named; every clean twin gives no finding. The
// known gaps (variant10TextGaps) are asserted still missed, so that the fix that reads one moves it over.
import { variant10Text, variant10TextGaps } from '../support/corpus/variant10-text.js';
import { variantRound } from '../support/corpus/variant-round.js';

const round = variantRound({
  prefix: 'hoist-variants10-text-',
  label: 'audit variants 10 (text)',
  artifacts: variant10Text,
  gaps: variant10TextGaps,
  gapsList: 'variant10Text',
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 600_000,
});

round.describe('the shipped audit on a tenth round of variants (text notations)');
