// The audit on a twenty-first round of variants, text notations (issue 28, items 4 and 5: "escapes as a family, not a
// list"; rounds 1–20 are audit-variants*.test.ts): a value's bytes as numbers in the radix conventions languages write
// them in (C23 0b, VB &H and &O, Delphi #116, Pascal #$74, NASM 074h, Lisp #x, Erlang 16#, C octal, bits between commas),
// byte lists whose text follows a serialization's binary header (Java's ObjectOutputStream, Erlang's term_to_binary),
// block lists of characters (Ruby's and PyYAML's YAML) — each made by the real tool (test/support/corpus/variant21-text.ts,
// which lists the known misses: asserted still missed). All run through the bundle that ships (HOIST_TEST_CLI or dist/).
// Property: every variant's value is found, the path named; every clean twin gives no finding and no limit.
import { variant21Text, variant21TextGaps } from '../support/corpus/variant21-text.js';
import { variantRound } from '../support/corpus/variant-round.js';

const round = variantRound({
  prefix: 'hoist-variants21-text-',
  label: 'audit variants 21 (text)',
  artifacts: variant21Text,
  gaps: variant21TextGaps,
  gapsList: 'variant21Text',
  auditTimeoutMs: 120_000,
  setupTimeoutMs: 300_000,
});

round.describe('the shipped audit on a twenty-first round of variants (text notations)');
