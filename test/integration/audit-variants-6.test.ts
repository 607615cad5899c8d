// The audit on a sixth round of variants (issue 28; rounds 1–5 are audit-variants*.test.ts), as an
// independent red team makes them: what build tools, infrastructure tools and runtimes write around
// a value — a webpack eval bundle, Terraform's state and plan, a Kubernetes pull secret, a CSR, Java
// serialization, V8's serializer and startup snapshot, a binary plist, Python's bytes repr, Go's
// %+q, protobuf text format, SQLite BLOBs and WAL, a conda package, three containers deep, a jlink
// runtime — each made by the real tool (test/support/corpus/variant6.ts, variant6-binary.ts). All run
// through the bundle that ships (`node dist/cli.js audit ./LAYOUT --audit-values-file F --json`), the
// image made and its cases asserted by test/support/corpus/variant-round.ts.
// Property: every variant's value is found, the path named; every clean twin gives no finding. The
// known gaps (variant6Gaps) are asserted still missed, so that the fix that reads one moves it over.
import { variant6, variant6Gaps } from '../support/corpus/variant6.js';
import { variantRound } from '../support/corpus/variant-round.js';

const round = variantRound({
  prefix: 'hoist-variants6-',
  label: 'audit variants 6',
  artifacts: variant6,
  gaps: variant6Gaps,
  gapsList: 'variant6',
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 900_000,
});

round.describe('the shipped audit on a sixth round of variants');
