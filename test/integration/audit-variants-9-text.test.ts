// The audit on a ninth round of variants, text and serialization formats (issue 28; rounds 1–8 are
// audit-variants*.test.ts), as an independent red team makes them: strace write traces (octal, -xx),
// xxd -b and -e, od -b, -tu1 and -tx1 -tc, curl --trace, systemd-escape, journalctl -o json byte
// arrays, pod2man and nroff's overstrike, mojibake (Latin-1 and cp1252), a character word diff, Ruby's
// shellescape, Perl's quotemeta, PyYAML !!binary and plistlib <data>, grep --color=always and git diff --color-words=.
// — each made by the real tool
// (test/support/corpus/variant9-text.ts). All run through the bundle that ships (`node dist/cli.js
// audit ./LAYOUT --audit-values-file F --json`), the image made and its cases asserted by
// test/support/corpus/variant-round.ts.
// Property: every variant's value is found, the path named; every clean twin gives no finding. The
// known gaps (variant9TextGaps) are asserted still missed, so that the fix that reads one moves it over.
import { variant9Text, variant9TextGaps } from '../support/corpus/variant9-text.js';
import { variantRound } from '../support/corpus/variant-round.js';

const round = variantRound({
  prefix: 'hoist-variants9-text-',
  label: 'audit variants 9 (text)',
  artifacts: variant9Text,
  gaps: variant9TextGaps,
  gapsList: 'variant9Text',
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 600_000,
});

round.describe('the shipped audit on a ninth round of variants (text and serialization formats)');
