// The audit on an eleventh round of variants, text notations (issue 28; rounds 1–10 are
// audit-variants*.test.ts), as an independent red team makes them: Basic credentials in base64 after
// user names of each length mod 3 (actions/checkout's extraheader, curl -v, Python http.client's
// debug output), a PyJWT token beyond ASCII, git format-patch's Q-encoded subject, git's porcelain
// word diff, an RFC 2231 file name, PHP json_encode's HEX flags, and wrapped text (argparse help,
// fold, Perl Text::Wrap, fmt, textwrap in a comment, base64 folded at 12) — each made by the real
// tool (test/support/corpus/variant11-text.ts). All run through the bundle that ships (`node
// dist/cli.js audit ./LAYOUT --audit-values-file F --json`), the image made and its cases asserted
// by test/support/corpus/variant-round.ts.
// Property: every variant's value is found, the path named; every clean twin gives no finding. The
// known gaps (variant11TextGaps) are asserted still missed, so that the fix that reads one moves it over.
import { variant11Text, variant11TextGaps } from '../support/corpus/variant11-text.js';
import { variantRound } from '../support/corpus/variant-round.js';

const round = variantRound({
  prefix: 'hoist-variants11-text-',
  label: 'audit variants 11 (text)',
  artifacts: variant11Text,
  gaps: variant11TextGaps,
  gapsList: 'variant11Text',
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 600_000,
});

round.describe('the shipped audit on an eleventh round of variants (text notations)');
