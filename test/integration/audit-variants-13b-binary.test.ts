// The audit on round 13b's binary variants (issue 28; rounds 1–13 and the hunt round are audit-variants*.test.ts): what
// build tools and package managers leave in an image that no earlier round made — a git bundle, a pack whose value is
// only in an aggressive delta's insert, a partial clone's promisor pack, static libraries whose objects' debug sections
// are zstd (objcopy) or zlib (gcc -gz) compressed, a Rust dylib and rlib, rustc LLVM bitcode (an LTO rlib and a .bc),
// an xdelta3 patch, a Spring-Boot-style jar with a deflated nested jar, pip's HTTP cache, a setuptools egg and Go's
// build cache — each made by the real tool (test/support/corpus/variant13b-binary.ts). All run through the bundle that
// ships (`node dist/cli.js audit ./LAYOUT --audit-values-file F --json`, or HOIST_TEST_CLI), the image made and its
// cases asserted by test/support/corpus/variant-round.ts; the values are drawn from the seed the summary line names
// (HOIST_TEST_SEED replays a run). Through the shipped bundle at its start 2 of its 31 cases failed (rustc's LLVM
// bitcode, an rlib built with -C linker-plugin-lto and a --emit=llvm-bc file, missed in silence); none with
// llvm-bitcode.ts.
// Property: every variant's value is found, the path named; every clean twin gives no finding; the known
// gaps (variant13bBinaryGaps) are asserted still missed, so that the fix that reads one moves it over.
import { variantRound } from '../support/corpus/variant-round.js';
import { variant13bBinaryFound, variant13bBinaryGaps } from '../support/corpus/variant13b-binary.js';

const round = variantRound({
  prefix: 'hoist-variants13bb-',
  label: 'audit variants 13b (binary)',
  artifacts: variant13bBinaryFound,
  gaps: variant13bBinaryGaps,
  gapsList: 'variant13bBinaryFound',
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 900_000,
});

round.describe('the shipped audit on round 13b of binary variants (build tools and package managers)');
