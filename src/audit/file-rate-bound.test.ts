// Property: a file's time bound is on how slowly it is read, not on how large it is — the bound grows by fileMsPerMiB
// for each MiB the file holds (its bytes and what was decoded from it), so an ordinary file read at an ordinary pace is
// read whole however large, while a file read slower than a MiB in that time is still cut, and named. Generated: 6 MiB
// of plain text (ordinary pace) and 1 MiB of checksum lines (each hash a content of its own: ~0.3–0.7 ms apiece,
// ~0.1 MB/s), under a bound of 300 ms + 1 s a MiB (the default is 20 s + 2 s a MiB). Nearest real-world variants: JDK's lib/src.zip (51 MB, 185 MiB
// decoded at ~8 MB/s) and a Debian package list (50 MB), each cut at 20 s in every image holding them before; the
// checksum shape is `sha256sum`'s output, and Unicode's BidiCharacterTest.txt (still cut, as it should be at 0.1 MB/s).
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../test/support/random.js';
import { auditFiles, SECRET } from './decoders/testing.js';
import { DEFAULT_LIMITS } from './nested.js';

const rng = seededPerTest(0xb0d);
const WORDS = ['the', 'layer', 'holds', 'a', 'config', 'file', 'and', 'its', 'log', 'lines', 'of', 'text', 'written', 'by', 'an', 'app'];
const limits = { ...DEFAULT_LIMITS, fileMs: 300, fileMsPerMiB: 1_000 };

describe('the time bound of a file', () => {
  it('6 MiB of plain text (gzip) past the 300 ms base: read whole, the value at its end found, no limit', async () => {
    const lines: string[] = [];
    for (let n = 0; n < 6 << 20;) {
      const line = `${Array.from({ length: 12 }, () => rng.pick(WORDS)).join(' ')} ${rng.int(0, 99_999)}\n`;
      lines.push(line);
      n += line.length;
    }
    const text = `${lines.join('')}token=${SECRET}\n`;
    const found = await auditFiles({ 'var/log/app.log.gz': gzipSync(text) }, limits);
    expect(found.map((f) => `${f.severity} ${f.path}`)).toEqual(['leak var/log/app.log.gz!']);
  }, 120_000);

  it('1 MiB of checksum lines, each hash a content of its own: cut and named, the bound in its words', async () => {
    const sums = Array.from(
      { length: (1 << 20) >> 7 },
      (_, i) => `${createHash('sha256').update(`f${i}`).digest('hex')}  usr/share/doc/p${i}/changelog.Debian.gz\n`,
    );
    const found = await auditFiles({ 'var/lib/dpkg/info/p.md5sums': `${sums.join('')}token=${SECRET}\n` }, limits);
    const cut = found.filter((f) => f.severity === 'limit');
    expect(cut.map((f) => f.path)).toEqual(['var/lib/dpkg/info/p.md5sums']);
    expect(cut[0]!.what).toMatch(
      /^not fully audited: decoding what it holds took more than \d+ s \(0\.3 s and 1 s for each of its \d+\.\d MiB\): the rest is not audited$/,
    );
  }, 120_000);
});
