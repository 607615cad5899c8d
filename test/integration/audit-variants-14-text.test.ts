// The audit on a fourteenth round of variants, text notations (issue 28: "escapes as a family, not a
// list", "stacked encodings"; rounds 1–13 are audit-variants*.test.ts), as an independent red team
// makes them: a value wrapped inside a table's cell (sqlite3 box/table --wrap, pandoc's reST grid), a
// short value's base64 on an SMTP AUTH line (smtplib's debug transcript), coreutils' C-locale quoting,
// Pygments' HTML, LaTeX and 256-colour output (and a notebook's JSON of colours), gdb's x/xb, od -t x4,
// prettier's char-code call over lines, Node's indented Buffer JSON, ISO-8859-1 mail (Q words, a
// quoted-printable body), Perl's and PHP's MIME headers, Ruby's pack('M'), a value's characters listed
// by Data::Dumper, var_export, Go's %q of []rune, numpy and JSON, Go's html/template in a script — each
// made by the real tool (test/support/corpus/variant14-text.ts).
// All run through the bundle that ships (`node dist/cli.js audit ./LAYOUT --audit-values-file F --json`,
// or HOIST_TEST_CLI), the image made and its cases asserted by test/support/corpus/variant-round.ts.
// Property: every variant's value is found, the path named; every clean twin gives no finding and
// no limit. The known gaps (variant14TextGaps) are asserted still missed, so that the fix that reads
// one moves it over.
import { variant14Text, variant14TextGaps } from '../support/corpus/variant14-text.js';
import { variantRound } from '../support/corpus/variant-round.js';

const round = variantRound({
  prefix: 'hoist-variants14-text-',
  label: 'audit variants 14 (text)',
  artifacts: variant14Text,
  gaps: variant14TextGaps,
  gapsList: 'variant14Text',
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 600_000,
});

round.describe('the shipped audit on a fourteenth round of variants (text notations)');
