// Property: an Ogg file's logical streams are read with their page bodies joined in page order, so a
// packet cut by a page header (a long Vorbis comment: lyrics, notes, cover art) is whole again and a
// value across the cut is found; each stream a content of its own (interleaved pages of two streams
// kept apart); in any chunk sizes. Real: `flac --ogg --tag-from-file` (Ogg FLAC, the value in a 65 KB
// comment across the first page's end); generated (seeded): random packets of 1-3 streams paged as
// libogg does (lacing values of 255, a packet carried on), interleaved. A cut page and bytes between
// pages are named; random bytes are not claimed; the clean twin passes through the audit.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { decodeWith } from './decode.testing.js';
import { ogg } from './ogg.js';
import { oggFlac } from './ogg.testing.js';
import { auditFiles, has, SECRET } from './testing.js';

const rng = seededPerTest(0x0995);

/** Pages of one stream's packets as libogg makes them: at most `segs` lacing values a page, a packet carried on over pages. */
function pages(serial: number, packets: Buffer[], segs: number): Buffer[] {
  const lacing: number[] = [];
  const body: Buffer[] = [];
  for (const p of packets) {
    for (let n = p.length; ; n -= 255) {
      lacing.push(Math.min(n, 255));
      if (n < 255) break;
    }
    body.push(p);
  }
  const all = Buffer.concat(body);
  const out: Buffer[] = [];
  for (let i = 0, at = 0, seq = 0; i < lacing.length; seq++) {
    const l = lacing.slice(i, i + segs);
    const size = l.reduce((a, b) => a + b, 0);
    const head = Buffer.alloc(27);
    head.write('OggS');
    head[5] = (seq === 0 ? 2 : 0) | (i > 0 && lacing[i - 1] === 255 ? 1 : 0) | (i + l.length === lacing.length ? 4 : 0);
    head.writeUInt32LE(serial, 14);
    head.writeUInt32LE(seq, 18);
    head[26] = l.length;
    out.push(Buffer.concat([head, Buffer.from(l), all.subarray(at, at + size)]));
    i += l.length;
    at += size;
  }
  return out;
}

/** Interleaves streams' pages at random, each stream's in order. */
function interleave(streams: Buffer[][]): Buffer {
  const out: Buffer[] = [];
  const left = streams.map((s) => [...s]);
  for (const s of left) out.push(s.shift()!); // every stream's first page first, as a muxer writes them
  while (left.some((s) => s.length)) out.push(rng.pick(left.filter((s) => s.length)).shift()!);
  return Buffer.concat(out);
}

/** An Ogg FLAC of a second of silence whose LYRICS comment holds `value` across the first page's end (flac decides the cut). */
function flacAcrossPages(value: string): Buffer | undefined {
  const lines = Array.from({ length: 4000 }, (_, i) => `line ${i} of the notes\n`).join('');
  for (let pad = 64600; pad < 65400; pad += 8) {
    const file = oggFlac(`${lines.slice(0, pad)}\nkey=${value}\n${'end\n'.repeat(200)}`);
    if (!file.includes(value)) return file;
  }
  return undefined;
}

describe(`Ogg pages (seed ${rng.seed})`, { timeout: 120_000 }, () => {
  it('generated streams: each read back as its packets joined, interleaved or not, in random chunk sizes', async () => {
    for (let k = 0; k < 40; k++) {
      const streams = Array.from({ length: rng.int(1, 4) }, (_, s) => ({
        serial: 0x1000 + s * 7919,
        packets: Array.from({ length: rng.int(1, 6) }, () => rng.bytes(rng.pick([0, 1, 254, 255, 256, 510, rng.int(0, 70_000)]))),
      }));
      const file = interleave(streams.map((s) => pages(s.serial, s.packets, rng.int(1, 255))));
      const chunk = rng.pick([1, 7, 27, 282, 4096, file.length]);
      const parts = new Map<string, Buffer[]>();
      const limits: string[] = [];
      const env = {
        path: 'x.ogg',
        open: (name?: string) => ({
          write: (b: Uint8Array) => void (parts.get(name!) ?? parts.set(name!, []).get(name!)!).push(Buffer.from(b)),
          end: () => undefined,
        }),
        openAt: () => ({ write: () => undefined, end: () => undefined }),
        allow: () => true,
        limit: (w: string) => void limits.push(w),
        ratio: 200,
        stopped: false,
      };
      const d = ogg.open(env);
      for (let i = 0; i < file.length; i += chunk) await d.push(file.subarray(i, i + chunk));
      await d.end();
      expect(limits).toEqual([]);
      for (const s of streams) {
        const got = Buffer.concat(parts.get(`ogg stream 0x${s.serial.toString(16).padStart(8, '0')}`) ?? []);
        expect(got.equals(Buffer.concat(s.packets)), `stream ${s.serial}, chunks of ${chunk}`).toBe(true);
      }
    }
  });

  it('a cut page and bytes between pages are named; random bytes are not claimed', async () => {
    const file = Buffer.concat(pages(7, [rng.bytes(3000), rng.bytes(70_000)], 255));
    for (let k = 0; k < 20; k++) {
      const cut = await decodeWith(ogg, file.subarray(0, rng.int(1, file.length - 1)), { chunk: rng.int(1, 5000) });
      expect(cut.limits).toEqual([expect.stringMatching(/^a damaged Ogg stream \((it ends inside a page|no page header at byte \d+)\)/)]);
    }
    const first = pages(7, [rng.bytes(100)], 255)[0]!;
    const between = await decodeWith(ogg, Buffer.concat([first, Buffer.from('junk between pages'), first]));
    expect(between.limits).toEqual([`a damaged Ogg stream (no page header at byte ${first.length}): the rest is not audited`]);
    for (let i = 0; i < 20_000; i++) expect(ogg.sniff(rng.bytes(64), 'x')).toBe(false);
    expect(ogg.sniff(Buffer.concat([Buffer.from('OggS\x00\x00'), rng.bytes(58)]), 'x')).toBe(false); // not a stream's first page
  });

  it.runIf(has('flac'))("flac --ogg: a value across the comment packet's page cut found through the audit; the clean twin passes", async () => {
    const leaky = flacAcrossPages(SECRET);
    const clean = flacAcrossPages('an-other-value-of-the-same-length+/=');
    expect(leaky && clean).toBeTruthy();
    const { out } = await decodeWith(ogg, leaky!, { chunk: 4096 });
    expect(out.includes(SECRET)).toBe(true);
    const found = await auditFiles({ 'srv/notes.oga': leaky!, 'srv/clean.oga': clean! });
    expect(found.map((f) => `${f.severity} ${f.path.replace(/0x[0-9a-f]{8}/, 'S')}`)).toEqual(['leak srv/notes.oga!/ogg stream S']);
  });
});

it.runIf(has('flac'))('the file the audit case uses is a valid Ogg FLAC (flac -t)', () => {
  const file = flacAcrossPages('x'.repeat(36))!;
  expect(file.subarray(0, 4).toString()).toBe('OggS');
  expect(() => execFileSync('flac', ['-t', '-s', '--ogg', '-'], { input: file })).not.toThrow();
});
