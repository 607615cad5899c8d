// The audit on a thirteenth round of variants, text notations (issue 28: "escapes as a family, not a
// list", "stacked encodings"; rounds 1–12 are audit-variants*.test.ts), as an independent red team
// makes them: a value's characters as a quoted list (Python, Ruby, Node, JSON), its code points (jq
// explode, Erlang ~p), its bytes as Erlang <<…>>, Go %#v, Node's Uint8Array inspect, Python's
// bytes.hex(' ', 2), hexdump's words, openssl asn1parse -dump lines, Rust escape_ascii, SQL CHR()||
// joins, HTML5 named entities on + / =, HTML escaped twice, Go's JSON of HTML-escaped text, PHP's
// var_export of UTF-16, .reg hex: and hex(7), base64 of a percent-encoded URL, PyYAML's ASCII escapes,
// uuencode -m, sqlite3 -html, xxd -g4 — each made by the real tool (test/support/corpus/variant13-text.ts).
// All run through the bundle that ships (`node dist/cli.js audit ./LAYOUT --audit-values-file F --json`,
// or HOIST_TEST_CLI), the image made and its cases asserted by test/support/corpus/variant-round.ts.
// Property: every variant's value is found, the path named; every clean twin gives no finding and
// no limit. The known gaps (variant13TextGaps) are asserted still missed, so that the fix that reads
// one moves it over.
import { variant13Text, variant13TextGaps } from '../support/corpus/variant13-text.js';
import { variantRound } from '../support/corpus/variant-round.js';

const round = variantRound({
  prefix: 'hoist-variants13-text-',
  label: 'audit variants 13 (text)',
  artifacts: variant13Text,
  gaps: variant13TextGaps,
  gapsList: 'variant13Text',
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 600_000,
});

round.describe('the shipped audit on a thirteenth round of variants (text notations)');
