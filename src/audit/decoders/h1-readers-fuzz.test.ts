// Property: the round-17 readers on damaged input — a Blosc buffer (python-blosc: its block-start table and each
// block's stream lengths; its 16-byte header spared, as without it nothing tells a Blosc buffer), an NSIS installer (makensis: its first header and each block's length) and a DjVu document
// (djvulibre: its chunk headers, the BZZ chunk named) and an ARJ archive (arj: its headers' CRC-32s, sizes and the
// members' Huffman blocks) — cut at any length, or 1-8 bytes set in the part the reader walks or anywhere, are
// read within a bounded time and memory, never throw, and either the value is still found or the file is named as not
// fully audited: never a silent pass on a part the reader gave up on (fuzz.testing.ts's rule). Seeded draws (seed in
// the title). Nearest real-world variant: a zarr chunk, an installer or a scan copied half-way into an image (a full
// disk, an interrupted download), or bit-rotted in a cache layer.
import { describe, it } from 'vitest';
import { seeded, testSeed } from '../../../test/support/random.js';
import { damagedCopies, expectEachReadOrNamed } from './fuzz.testing.js';
import { has } from './testing.js';
import { steadyTool as tool } from './steady.testing.js';

const MARKER = 'tok-h1-fuzz-3b9e7c1a5d';
const SEED = testSeed(0xf17);
const PY = '/usr/bin/python3';

describe(`damaged round-17 readers' input (seed ${SEED})`, { timeout: 180_000 }, () => {
  it.runIf(has(PY) && tool(PY, ['-c', 'import blosc; print(1)'], {}).toString().trim() === '1')(
    'a Blosc buffer (lz4, shuffle, 4 blocks): 40 damaged copies each read or named',
    () => {
      const file = tool(
        PY,
        [
          '-c',
          `import blosc, sys
data = ''.join('user-%05d role=reader\\n' % i if i != 9000 else 'api_token=${MARKER}\\n' for i in range(12000)).encode()
blosc.set_blocksize(65536)
sys.stdout.buffer.write(blosc.compress(data, typesize=8, cname='lz4', shuffle=1))`,
        ],
        {},
      );
      // Two of three in the block-start table and the first streams' lengths, one anywhere after the 16-byte header: a
      // header damaged or cut is no Blosc buffer to tell (no magic number: its sizes are all that claim it), read as plain.
      const region = (k: number): [number, number] => [16, k % 3 ? Math.min(file.length, 96) : file.length];
      expectEachReadOrNamed('blosc.ts', 'blosc', damagedCopies(file, seeded(SEED), 40, region), MARKER);
    },
  );

  it.runIf(has('makensis'))('an NSIS installer (zlib blocks): 40 damaged copies each read or named', () => {
    const file = tool(
      'sh',
      [
        '-c',
        `printf 'API_TOKEN=${MARKER}\\n' > app.env; seq 1 3000 | sed 's/^/LINE_/' >> app.env
printf 'SetCompressor zlib\\nOutFile "setup.exe"\\nSection\\nSetOutPath $INSTDIR\\nFile app.env\\nSectionEnd\\n' > s.nsi
touch -d @$SOURCE_DATE_EPOCH app.env s.nsi && makensis -V1 s.nsi > /dev/null`,
      ],
      {},
      'setup.exe',
    );
    const first = file.indexOf('NullsoftInst') - 8;
    // Two of three in the first header and the blocks' lengths, one anywhere past the stub (a copy cut exactly at its
    // end is byte for byte NSIS's own stub: nothing to read, nothing to name).
    const region = (k: number): [number, number] => (k % 3 ? [first + 1, Math.min(file.length, first + 64)] : [first + 1, file.length]);
    expectEachReadOrNamed('nsis.ts', 'nsis', damagedCopies(file, seeded(SEED), 40, region), MARKER);
  });
  it.runIf(has('cjb2') && has('djvused'))('a DjVu document (annotations in ANTz): 40 damaged copies each read or named', () => {
    const file = tool(
      'sh',
      [
        '-c',
        `printf 'P1\\n8 8\\n%s\\n' "$(printf '0 %.0s' $(seq 1 64))" > p.pbm && cjb2 p.pbm doc.djvu
printf '(metadata (Keywords "api_token=${MARKER}"))\\n' > x.txt && djvused doc.djvu -e "select 1; set-ant x.txt" -s`,
      ],
      {},
      'doc.djvu',
    );
    // Past the 16-byte header (AT&TFORM, a length, DJVU: damaged, no DjVu document to tell), in the chunk headers.
    const region = (): [number, number] => [16, file.length];
    expectEachReadOrNamed('djvu.ts', 'djvu', damagedCopies(file, seeded(SEED), 40, region), MARKER);
  });
  it.runIf(has('arj'))('an ARJ archive (arj a, default method 1, 3 members): 40 damaged copies each read or named', () => {
    const file = tool(
      'sh',
      [
        '-c',
        `for m in a b; do seq 1 2000 | sed "s/^/ROW_$m/" > $m.txt; done; printf 'API_TOKEN=${MARKER}\\n' > c.env; seq 1 2000 >> c.env
touch -d @$SOURCE_DATE_EPOCH a.txt b.txt c.env && arj a -y out.arj a.txt b.txt c.env > /dev/null`,
      ],
      {},
      'out.arj',
    );
    // Two of three in the headers (the main header and the first member's, their CRC-32s and sizes), one anywhere.
    const region = (k: number): [number, number] => [0, k % 3 ? Math.min(file.length, 160) : file.length];
    expectEachReadOrNamed('arj.ts', 'arj', damagedCopies(file, seeded(SEED), 40, region), MARKER);
  });
});
