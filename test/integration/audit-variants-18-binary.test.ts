// The audit on the eighteenth round's binary variants (rounds 1–17 are audit-variants*.test.ts): HTTP answers kept by
// the tools that record or cache them — WARC files written by wget --warc-file (gzip'd per record or not; brotli, gzip,
// deflate and plain bodies, chunked; the value in a later record), nginx's proxy cache files (a brotli body) and curl
// --trace files (a brotli or gzip answer, chunked, as hex lines; --trace-ascii of a brotli one, to be named) — each
// made by the real tool (test/support/corpus/r18-binary.ts). All run through the bundle that ships (`node dist/cli.js
// audit ./LAYOUT --audit-values-file F --json`, or HOIST_TEST_CLI), the image made and its cases asserted by
// test/support/corpus/variant-round.ts; the values are drawn from the seed the summary line names (HOIST_TEST_SEED
// replays a run).
// Through the bundle of the session's start (/tmp/lead/dist-start) 11 of 26 cases fail — all 10 artifacts passed in
// silence, so the leaky image passed too (exit 0); the --trace-ascii case was named there (a damaged brotli stream,
// leaky and clean). 26/26 through a private bundle with warc.ts, nginx-cache.ts and curl-trace.ts.
// Property: every variant's value is found, the path through the record or cache file named; every clean twin gives
// no finding; the clean image passes.
import { describeNamed, variantRound } from '../support/corpus/variant-round.js';
import { r18Binary, r18Named } from '../support/corpus/r18-binary.js';

const round = variantRound({
  prefix: 'hoist-variants18b-',
  label: 'audit variants 18 (binary)',
  artifacts: r18Binary,
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 600_000,
});

round.describe('the shipped audit on an eighteenth round of binary variants', () => describeNamed('hoist-variants18b-', r18Named));
