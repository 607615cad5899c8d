// Property: the hex dump reader (hexdump.ts's sniff and DumpDecoder, through dump.ts) never throws on any text, reads a
// dump whose first line comes after a few other lines, and stays linear in time on adversarial text.
// - Seeded heads of right-aligned fields (tokens of digits, hex, letters and signs lined up as od's columns are): no
//   sniff throws. Fails on hexdump.ts as committed at 938646d..cb92fbc: `   VERSION:    release` (two fields of 11)
//   reached BigInt('VERSION:') — the audit of any layer holding such a text file ended in `error: Cannot convert
//   VERSION: to a BigInt` (exit 3) through a private bundle of cb92fbc.
// - xxd, hexdump -C, od -x, od -A n -x, od -A n -c and od -t a dumps after one to three lines (the command echoed,
//   a `== env.txt` title, a log's first line cut by a size cap): the value found under the dump. Fails on the old
//   sniff (only the first line was looked at): 6 of 6 forms missed. Over 60,000 files of this machine (/usr/share,
//   /etc, python's library, /usr/include, the repository) the sniff now claims 117 more, every one a Go TLS test
//   recording (`>>> Flow 1 (client to server)` then hexdump -C lines); 0 before.
// - Almost-dumps (od -A n lines broken every third line, 1× and 4×): time within 8× for 4× the text.
// Nearest real-world variant: a CI step `{ echo "== env"; od -A n -x env.txt; } > debug.txt` kept in an image, or Go's
// crypto/tls testdata.
import { describe, expect, it } from 'vitest';
import { seeded, testSeed } from '../../../test/support/random.js';
import { sniffDump } from '../hexdump.js';
import { dumpOf } from '../hexdump.testing.js';
import { decodeWith } from './decode.testing.js';
import { dump } from './dump.js';
import { auditFiles, has, SECRET } from './testing.js';

const SEED = testSeed(0xd0f5);

describe(`the hex dump reader on bad input (seed ${SEED})`, { timeout: 60_000 }, () => {
  it('a line of fields lined up as od columns that are not numbers is no dump and does not throw', async () => {
    const text = Buffer.from(`   VERSION:    release\nAPI_TOKEN=${SECRET}\n`);
    expect(() => sniffDump(text)).not.toThrow();
    expect(await auditFiles({ 'srv/notes.txt': text })).toContainEqual({ severity: 'leak', what: 'token', path: 'srv/notes.txt' });
  });

  it('2,000 seeded heads of right-aligned fields: no sniff throws, no read throws', async () => {
    const r = seeded(SEED);
    const alphabets = ['0123456789', '0123456789-', '0123456789abcdef', 'ABCDEFGHIJ:-.', '01234567', '0123456789VERSION:'];
    const reads: { head: Buffer; chunk: number }[] = [];
    for (let k = 0; k < 2000; k++) {
      const lines: string[] = [];
      for (let l = r.int(1, 4); l > 0; l--) {
        const width = r.pick([5, 6, 7, 8, 9, 11, 12, 17, 21, 24]);
        const fields = Array.from({ length: r.int(1, 9) }, () => {
          const t = r.chars(r.pick(alphabets), r.int(1, width));
          return t.padStart(width, ' ').slice(-width).replace(/^\S/, ' ');
        });
        lines.push(fields.join(''));
      }
      const head = Buffer.from(`${lines.join('\n')}\n`);
      expect(() => sniffDump(head), JSON.stringify(head.toString())).not.toThrow();
      if (k % 20 === 0) reads.push({ head, chunk: r.int(1, 64) });
    }
    for (const { head, chunk } of reads) await expect(decodeWith(dump, head, { chunk })).resolves.toBeDefined();
  });

  describe.runIf(has('od') && has('xxd') && has('hexdump'))('dumps after a few other lines', () => {
    const env = Buffer.from(`${'user=reader\n'.repeat(20)}API_TOKEN=${SECRET}\n${'role=reader\n'.repeat(20)}`);
    it.each(['xxd', 'hexdump -C', 'od -x', 'od -A n -x', 'od -A n -c', 'od -t a'])('%s: the value found under the dump', async (args) => {
      const r = seeded(SEED);
      const before = [`$ ${args} env.txt`, '== env.txt', 'ted from a log cut in the middle of its first line'].slice(0, r.int(1, 4));
      const text = Buffer.concat([Buffer.from(`${before.join('\n')}\n`), dumpOf(args, env)]);
      expect(sniffDump(text), args).toBeDefined();
      const found = await auditFiles({ 'srv/debug.txt': text });
      expect(found, args).toContainEqual(expect.objectContaining({ severity: 'leak', path: 'srv/debug.txt (as a hex dump)' }));
    });
  });

  it('almost-dumps read in linear time: 4× the text within 8× the time', async () => {
    const r = seeded(SEED);
    const line = (i: number) =>
      i % 3 ? ` ${Array.from({ length: 8 }, () => r.int(65536).toString(16).padStart(4, '0')).join(' ')}\n` : ` ${'ffff '.repeat(5)}zz\n`;
    const text = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => line(i)).join(''));
    const [small, large] = [text(20_000), text(80_000)];
    const time = async (b: Buffer) => {
      const t = performance.now();
      await decodeWith(dump, b, { chunk: 65536 });
      return performance.now() - t;
    };
    await time(small); // warm
    const [a, b] = [Math.min(await time(small), await time(small)), Math.min(await time(large), await time(large))];
    expect(b, `${a.toFixed(0)} ms for 1×, ${b.toFixed(0)} ms for 4×`).toBeLessThan(8 * a + 50);
  });
});
