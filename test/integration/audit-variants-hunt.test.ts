// The audit on the hunt round (issue 28; rounds 1–11 are audit-variants*.test.ts): artifact classes no
// earlier round made, as a real user's image carries them — VM disks (qcow2 with deflate or zstd
// clusters in a KubeVirt containerDisk, a streamOptimized VMDK, an Android sparse image), a PHP .phar
// with gzip'd files, Avro container files (deflate, snappy), a zchunk file, a Java Flight Recording and
// heap dumps holding a char[] password, a PNG zTXt chunk, a MATLAB v5 .mat, a gettext .mo, a btrfs
// image, a Ruby instruction sequence, a tar.Z, a gzip'd shar, a SHA-256 git repository's pack, a split
// zip, a C program's local array, a headless Chromium's v10 cookie and cached brotli response, a
// streamed CMS signature, an initramfs, a LevelDB log and a Berkeley DB — each made by the real tool
// (test/support/corpus/variant-hunt.ts). All run through the bundle that ships (`node dist/cli.js
// audit ./LAYOUT --audit-values-file F --json`), the image made and its cases asserted by
// test/support/corpus/variant-round.ts.
// Property: every variant's value is found, the path named; every clean twin gives no finding; the
// split zip gives a limit finding on the leaky image and the clean one alike, never a silent pass; the
// known gap (variantHuntGaps) is asserted still missed, so that the fix that reads it moves it over.
import { describeNamed, variantRound } from '../support/corpus/variant-round.js';
import { variantHuntFound, variantHuntGaps, variantHuntNamed } from '../support/corpus/variant-hunt.js';

const round = variantRound({
  prefix: 'hoist-variants-hunt-',
  label: 'audit variants (hunt)',
  artifacts: variantHuntFound,
  gaps: variantHuntGaps,
  gapsList: 'variantHuntFound',
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 900_000,
});

round.describe('the shipped audit on the hunt round of artifact classes');

describeNamed('hoist-variants-hunt-', variantHuntNamed);
