// The audit on a seventh round of variants (issue 28; rounds 1–6 are audit-variants*.test.ts), as an
// independent red team makes them: firmware records (Intel HEX, S-records), a cookie through
// JavaScript's escape(), UTF-7 and EBCDIC, raw HTTP responses (chunked, brotli), od -c, Go's and
// Rust's byte-slice printing, XML with &#13; line ends in base64, cloud-init gz+b64, a Java byte[]
// initializer, a Python core dump (UCS-4), an AppImage,
// zstd --long=31, linked lz4 blocks, npm's cache, a zipapp, a jmod, Storable, a cabinet — each made
// by the real tool (test/support/corpus/variant7.ts, variant7-binary.ts) — and values cut by the
// audit's own 256 KiB reads of a layer in many written forms (variant7-chunks.ts). All run through
// the bundle that ships (`node dist/cli.js audit ./LAYOUT --audit-values-file F --json`), the image
// made and its cases asserted by test/support/corpus/variant-round.ts.
// Property: every variant's value is found, the path named; every clean twin gives no finding; a
// value is found wherever a read chunk cuts it. The known gaps (variant7Gaps) are asserted still
// missed, so that the fix that reads one moves it over.
import { expect, it } from 'vitest';
import { findingsFor } from '../support/corpus/layout.js';
import { variant7, variant7Gaps } from '../support/corpus/variant7.js';
import { chunkLayers, chunkPlaces } from '../support/corpus/variant7-chunks.js';
import { strip, variantRound } from '../support/corpus/variant-round.js';

const round = variantRound({
  prefix: 'hoist-variants7-',
  label: 'audit variants 7',
  artifacts: variant7,
  gaps: variant7Gaps,
  gapsList: 'variant7',
  places: chunkPlaces,
  build: chunkLayers(variant7.length + variant7Gaps.length),
  auditTimeoutMs: 180_000,
  setupTimeoutMs: 900_000,
});

round.describe('the shipped audit on a seventh round of variants', () => {
  it.each(chunkPlaces.map((p) => ({ ...p, i: round.at(p.id) })))('$id — $realWorld: found, the log named', ({ i }) => {
    const found = findingsFor(round.leaky(), i);
    expect(found.map((f) => strip(f.where))).toContainEqual(expect.stringMatching(/^chunks\.log$|\/chunks\.log/));
  });
});
