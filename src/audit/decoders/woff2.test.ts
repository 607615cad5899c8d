// Property: a WOFF2 font made by fontTools (what font pipelines — fonttools, google-fonts tooling —
// run to make web fonts) is decoded to its tables, so a license key in its name table (Mac Roman and
// UTF-16BE records) is found under `font.woff2!`, and its extended metadata (brotli'd XML) under
// `!/metadata`; the clean twin passes; in any chunk sizes. Generated: fonts of random glyph counts
// whose name table and metadata hold seeded values with + / = & < > % " \ ` and Latin-1 letters,
// random chunk cuts; a cut file is named; random heads with the signature are not claimed.
import { execFileSync } from 'node:child_process';
import { brotliDecompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { decodeWith } from './decode.testing.js';
import { auditFiles, has, SECRET } from './testing.js';
import { woff2, woff2Header, woff2Start } from './woff2.js';

const rng = seededPerTest(0xf0a72);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=&<>%"\\`éß£';
const PY = '/usr/bin/python3';

/** A WOFF2 font by fontTools: `glyphs` glyphs, the license text holding `value`, metadata XML holding `meta` when given. */
function font(value: string, glyphs: number, meta?: string): Buffer {
  const script = `import sys, io, json
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
a = json.loads(sys.stdin.read())
def glyph(k):
    p = TTGlyphPen(None); p.moveTo((k, 0)); p.lineTo((k, 700)); p.lineTo((500, 700)); p.closePath(); return p.glyph()
names = ['.notdef'] + ['g%d' % i for i in range(a['glyphs'])]
fb = FontBuilder(1000, isTTF=True); fb.setupGlyphOrder(names); fb.setupCharacterMap({0x41 + i: 'g%d' % i for i in range(a['glyphs'])})
fb.setupGlyf({n: glyph(i) for i, n in enumerate(names)}); fb.setupHorizontalMetrics({n: (600, 10) for n in names}); fb.setupHorizontalHeader(ascent=800, descent=-200)
fb.setupNameTable({'familyName': 'Brand', 'styleName': 'Regular', 'licenseDescription': 'License key: ' + a['value']}); fb.setupOS2(); fb.setupPost()
fb.font.flavor = 'woff2'
if a['meta']:
    from fontTools.ttLib.woff2 import WOFFFlavorData
    fb.font.flavorData = WOFFFlavorData(); fb.font.flavorData.metaData = ('<?xml version="1.0"?><metadata version="1.0"><licensee name="' + a['meta'] + '"/></metadata>').encode()
out = io.BytesIO(); fb.save(out); sys.stdout.buffer.write(out.getvalue())`;
  return execFileSync(PY, ['-c', script], { input: JSON.stringify({ value, glyphs, meta: meta ?? null }) });
}

describe.runIf(has(PY))(`WOFF2 fonts (seed ${rng.seed})`, { timeout: 120_000 }, () => {
  it('the tables decoded as fontTools wrote them, the metadata beside them, in random chunk sizes; a cut file named', async () => {
    for (let k = 0; k < 8; k++) {
      const value = rng.chars(ALPHABET, rng.int(8, 60));
      const file = font(value, rng.int(1, 40), rng.next() < 0.5 ? value : undefined);
      const head = woff2Start(file)!;
      const chunk = rng.int(1, 512);
      const { out, limits } = await decodeWith(woff2, file, { chunk });
      const tables = brotliDecompressSync(file.subarray(head.start, head.start + head.compressed));
      const meta = head.metaLength ? brotliDecompressSync(file.subarray(head.metaOffset, head.metaOffset + head.metaLength)) : Buffer.alloc(0);
      expect({ same: out.equals(Buffer.concat([tables, meta])), limits }, `chunks of ${chunk}`).toEqual({ same: true, limits: [] });
      expect(out.includes(Buffer.from(value, 'utf16le').swap16())).toBe(true);
      const cut = await decodeWith(woff2, file.subarray(0, rng.int(49, head.start + 3)), { chunk });
      expect(cut.limits).toEqual([expect.stringMatching(/^a (WOFF2 font with|damaged brotli)/)]);
    }
  });

  it('random heads with the signature are not claimed', () => {
    for (let i = 0; i < 20_000; i++) {
      const head = rng.bytes(96);
      head.write('wOF2');
      expect(woff2Header(head)).toBeUndefined();
    }
  });

  it('through the audit: the key found in the tables, the clean twin passes', async () => {
    const found = await auditFiles({ 'srv/brand.woff2': font(SECRET, 5), 'srv/clean.woff2': font('an-other-value-of-the-same-length+/=', 5) });
    // The name table's Mac Roman record and its UTF-16BE record.
    expect(found.map((f) => `${f.severity} ${f.what} ${f.path}`)).toEqual(['leak token srv/brand.woff2!', 'leak token, UTF-16 srv/brand.woff2!']);
  });
});
