// The audit on an eighth round of variants, text and serialization formats (issue 28; rounds 1–7 are
// audit-variants*.test.ts), as an independent red team makes them: RTF by Perl's RTF::Writer, Python's
// pprint of a long str and of bytes, a .pot by xgettext, DNS zones by dnspython and BIND's
// named-checkzone (decimal \DDD escapes, 255-byte strings), iCalendar, vCard and LDIF by their Python
// libraries, sed -n l, cat -v and cat -A, printf %q in the C locale, tcpdump -X, Ruby's inspect of a
// binary string, Data::Dumper with Useqq — each made by the real tool
// (test/support/corpus/variant8-text.ts). All run through the bundle that ships (`node dist/cli.js
// audit ./LAYOUT --audit-values-file F --json`), the image made and its cases asserted by
// test/support/corpus/variant-round.ts.
// Property: every variant's value is found, the path named; every clean twin gives no finding. The
// known gaps (variant8TextGaps) are asserted still missed, so that the fix that reads one moves it over.
import { variant8Text, variant8TextGaps } from '../support/corpus/variant8-text.js';
import { variantRound } from '../support/corpus/variant-round.js';

const round = variantRound({
  prefix: 'hoist-variants8-text-',
  label: 'audit variants 8 (text)',
  artifacts: variant8Text,
  gaps: variant8TextGaps,
  gapsList: 'variant8Text',
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 600_000,
});

round.describe('the shipped audit on an eighth round of variants (text and serialization formats)');
