// The audit on a twelfth round of variants, text notations (issue 28: "escapes as a family, not a
// list", "stacked encodings"; rounds 1–11 are audit-variants*.test.ts), as an independent red team
// makes them: uuencode (sharutils, Perl pack 'u', PHP), ASCII85 framed and wrapped as Python writes
// it, short base85 beyond ASCII, base32hex, an otpauth:// URI, RFC 4514 DN escapes (openssl), Python
// SimpleCookie's octal, Tcl list quoting, Rust escape_default, Go's %U and '% X', sqlite3 .mode tcl,
// JSON of a Uint8Array, String.fromCharCode, VBA Chr(), numpy's print, Perl's numeric entities, jq
// @sh, asn1parse's HEX DUMP, and stacked ones (hex and decimal and \x of UTF-16, a .reg hex(2)
// value, quoted-printable / hex / percent-encoding of base64) — each made by the real tool where
// Debian has one (test/support/corpus/variant12-text.ts). All run through the bundle that ships
// (`node dist/cli.js audit ./LAYOUT --audit-values-file F --json`, or HOIST_TEST_CLI), the image made
// and its cases asserted by test/support/corpus/variant-round.ts.
// Property: every variant's value is found, the path named; every clean twin gives no finding and
// no limit. The known gaps (variant12TextGaps) are asserted still missed, so that the fix that reads
// one moves it over.
import { variant12Text, variant12TextGaps } from '../support/corpus/variant12-text.js';
import { variantRound } from '../support/corpus/variant-round.js';

const round = variantRound({
  prefix: 'hoist-variants12-text-',
  label: 'audit variants 12 (text)',
  artifacts: variant12Text,
  gaps: variant12TextGaps,
  gapsList: 'variant12Text',
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 600_000,
});

round.describe('the shipped audit on a twelfth round of variants (text notations)');
