// Property: the framed reader's work is bounded by its text's length — the windows its looks read add up to a few times
// the text, whatever the text's size (below a window, about one, many) and whatever its chunks — and a list that runs to
// the text's end is still read whole. Generated: tables of numbers one per line (decimal, hex, octal; monotone as a
// code-point table is, or random), comma lists, prose with numbers, sizes 200 B – 300 KB, random chunks. Nearest
// real-world variant: Perl's Unicode tables (`unicore/lib/*/*.pl`: `V1518\n48\n58\n65\n…`, a few KB each), whose files
// shorter than a window were each read again at every look — 1,000 looks × the whole file (85 s for unicore's 5.3 MB
// through /tmp/lead/dist-start, 2.8 s after). This file's first case fails on the reader of the session's start.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { FramedLooks } from './framed-numbers.js';

const rng = seededPerTest(0x3c0de5);
/** A window: BACK before a look and AHEAD after it (framed-numbers.ts). */
const WINDOW_BYTES = 4096 + 16384;

/** FramedLooks over `text` in chunks of `size`: its readings, and the bytes its windows read. */
async function run(text: Buffer, size: number): Promise<{ readings: string[]; work: number }> {
  const readings: string[] = [];
  const looks = new FramedLooks(() => {
    const parts: Buffer[] = [];
    return { write: (b) => void parts.push(Buffer.from(b)), end: () => void readings.push(Buffer.concat(parts).toString('latin1')) };
  });
  for (let i = 0; i < text.length; i += size) await looks.push(text.subarray(i, i + size));
  await looks.end();
  return { readings, work: looks.windowBytes };
}

const bound = (length: number) => 3 * length + 2 * WINDOW_BYTES;

/** A generated text of about `size` bytes. */
function text(size: number): Buffer {
  const shape = rng.int(0, 3);
  const radix = rng.pick([8, 10, 16]);
  const parts: string[] = ['# generated table\n', "return <<'END';\n", `V${rng.int(10, 9999)}\n`];
  let n = rng.int(0, 200);
  let length = 0;
  while (length < size) {
    n = shape === 0 ? n + rng.int(1, 400) : rng.int(0, 0x10ffff);
    const item = shape === 2 ? `${n.toString(radix)}, ` : shape === 3 ? `word ${n % 1000} and ${rng.int(0, 99)} more\n` : `${n.toString(radix)}\n`;
    parts.push(item);
    length += item.length;
  }
  return Buffer.from(parts.join(''));
}

describe("framed numbers: the looks' work is bounded by the text", () => {
  it('generated tables, lists and prose of 200 B – 300 KB, in random chunks: windows read ≤ 3 × the text + 2 windows', async () => {
    const over: string[] = [];
    for (const size of [200, 1500, 5000, 9000, 14_000, 20_000, 40_000, 100_000, 300_000]) {
      const t = text(size);
      const chunk = rng.pick([97, 4096, 65_536, 1 << 20]);
      const { work } = await run(t, chunk);
      if (work > bound(t.length)) over.push(`${t.length} B in ${chunk} B chunks: ${work} B read`);
    }
    expect(over).toEqual([]);
  });

  it('a list of decimals one per line running to the end of a short text is read whole, its last number too', async () => {
    const value = 'HOIST_S3CR3T_v4lue+/=&xyz';
    const table = Array.from({ length: 400 }, (_, k) => `${48 + 7 * k}\n`).join('');
    const t = Buffer.from(`# header\nV800\n${table}${[...Buffer.from(value)].join('\n')}\n`);
    for (const size of [13, 4096, 1 << 20]) {
      const { readings, work } = await run(t, size);
      expect(readings.some((r) => r.endsWith(value))).toBe(true);
      expect(work).toBeLessThanOrEqual(bound(t.length));
    }
  });

  const unicore = [
    '/usr/share/perl/5.36.0/unicore',
    ...(existsSync('/usr/share/perl') ? readdirSync('/usr/share/perl').map((v) => `/usr/share/perl/${v}/unicore`) : []),
  ].find((d) => existsSync(join(d, 'lib')));
  it.skipIf(!unicore)("Perl's own Unicode tables (real files, the perl-modules package): each file's windows ≤ 3 × it + 2 windows", async () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const name of readdirSync(d)) {
        const p = join(d, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (name.endsWith('.pl')) files.push(p);
      }
    };
    walk(join(unicore!, 'lib'));
    expect(files.length).toBeGreaterThan(100);
    const over: string[] = [];
    for (const f of files.filter((_, k) => k % 4 === 0)) {
      const t = readFileSync(f);
      const { work } = await run(t, 65_536);
      if (work > bound(t.length)) over.push(`${f}: ${t.length} B, ${work} B read`);
    }
    expect(over).toEqual([]);
  });
});
