// The audit on the tenth round's binary variants (issue 28; rounds 1–9 are audit-variants*.test.ts),
// as an independent red team makes them: packages and images as distributions and registries ship
// them — a jar signed by jarsigner, a snap-like squashfs (xz, 1 MiB blocks), an AppImage-like ELF with
// an xz+BCJ squashfs appended, a .deb with data.tar.zst, a Debian source package (.debian.tar.xz), an
// rpm with an xz payload and a %config file, an OCI layout with zstd layers, `docker save | gzip`, an
// opkg .ipk and a Rust .crate — each made by the real tool (test/support/corpus/variant10-binary.ts).
// All run through the bundle that ships (`node dist/cli.js audit ./LAYOUT --audit-values-file F
// --json`), the image made and its cases asserted by test/support/corpus/variant-round.ts.
// Property: every variant's value is found, the path named; every clean twin gives no finding; the
// known gaps (variant10BinaryGaps) are asserted still missed, so that the fix that reads one moves it
// over.
import { variantRound } from '../support/corpus/variant-round.js';
import { variant10BinaryFound, variant10BinaryGaps } from '../support/corpus/variant10-binary.js';

const round = variantRound({
  prefix: 'hoist-variants10b-',
  label: 'audit variants 10 (binary)',
  artifacts: variant10BinaryFound,
  gaps: variant10BinaryGaps,
  gapsList: 'variant10BinaryFound',
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 900_000,
});

round.describe('the shipped audit on a tenth round of binary variants');
