// The audit on the eighteenth round's binary variants (rounds 1–17 are audit-variants*.test.ts): HTTP answers kept by
// the tools that record or cache them — WARC files written by wget --warc-file (gzip'd per record or not; brotli, gzip,
// deflate and plain bodies, chunked; the value in a later record), nginx's proxy cache files (a brotli body) and curl
// --trace files (a brotli or gzip answer, chunked, as hex lines; --trace-ascii of a brotli one, to be named); and two
// coders' less common settings, brotli --large_window and an xz filter chain with delta (x86 + delta) — each
// made by the real tool (test/support/corpus/r18-binary.ts). All run through the bundle that ships (`node dist/cli.js
// audit ./LAYOUT --audit-values-file F --json`, or HOIST_TEST_CLI), the image made and its cases asserted by
// test/support/corpus/variant-round.ts; the values are drawn from the seed the summary line names (HOIST_TEST_SEED
// replays a run).
// Through the bundle of the session's start (/tmp/lead/dist-start) 14 of 30 cases fail — all 12 artifacts missed (11
// in silence; the large-window .br named damaged, leaky and clean), so the leaky image passed (exit 0) and the clean one
// held a limit; the --trace-ascii case was named there as a damaged brotli stream. 30/30 through a private bundle of
// the tree with warc.ts, nginx-cache.ts, curl-trace.ts, brotli-window.ts and filter-chain.ts.
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
