// The audit on a fifth round of variants (issue 28; rounds 1–4 are audit-variants*.test.ts), as an
// independent red team makes them: a value's bytes as a list of numbers (`xxd -i`, a Node Buffer's
// JSON, Python's list(bytes), Java's Arrays.toString) and a mail header cut into RFC 2047 words —
// each made by the real tool (test/support/corpus/variant5.ts). All run through the bundle that
// ships (`node dist/cli.js audit ./LAYOUT --audit-values-file F --json`), the image made and its
// cases asserted by test/support/corpus/variant-round.ts.
// Property: every variant's value is found, the path named; every clean twin gives no finding. The
// gaps this round kept (a value across two gzip members, xz streams, lz4 frames) are read now and
// are variants among the others, with BGZF blocks, a tar cut into two gzip members and colon hex
// lines; variant5Gaps is empty.
import { variant5, variant5Gaps } from '../support/corpus/variant5.js';
import { variantRound } from '../support/corpus/variant-round.js';

const round = variantRound({
  prefix: 'hoist-variants5-',
  label: 'audit variants 5',
  artifacts: variant5,
  gaps: variant5Gaps,
  gapsList: 'variant5',
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 900_000,
});

round.describe('the shipped audit on a fifth round of variants');
