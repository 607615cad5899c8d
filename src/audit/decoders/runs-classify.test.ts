// The classify pass (runs-classify.ts) and the run scanner that skips by it (runs-scan.ts).
//
// 1. Property: the pass's masks are the family's table — bit j of `members` is whether byte j is a character, bit p of
//    `runs` whether the `min` bytes from p all are — at every byte of generated chunks of every length around the
//    64-byte words and 16-byte vectors it reads (seed named in each title).
// 2. Property: from every `from`, nextRunClassified finds the segment nextRun (the byte-by-byte probe) finds, on chunks
//    with runs of min - 1, min, min + 1 and long planted at every offset of a 64-byte word, on text, binary and
//    run-free backgrounds, for base64's family and the three base85 ones.
// 3. Property: a RunScanner with the pass and one without open the same readings (offset, alphabet) and write the same
//    bytes, on generated texts of encoded runs cut into chunks at random places (across vectors, words and chunks).
//    Nearest real-world variant beside it: runs written by the real tools (base64, base64 -w0, basenc --base32,
//    xxd -p, python3's b85encode/a85encode, z85 from the spec's algorithm) inside this repository's own source text.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { seeded, testSeed } from '../../../test/support/random.js';
import { b85encode } from './base85.testing.js';
import { Classifier, MIN_CLASSIFIED, nextRunClassified, release, WINDOW } from './runs-classify.js';
import { A85_ALPHABET, B85_ALPHABET, BASE85_FAMILIES, Z85_ALPHABET } from './runs-base85.js';
import { BASE64 } from './runs.js';
import { nextRun, RunScanner, type Family } from './runs-scan.js';
import { has, tool } from './testing.js';

const FAMILIES: Array<[string, Family]> = [
  ['base64', BASE64],
  ['base85', BASE85_FAMILIES[0]!],
  ['z85', BASE85_FAMILIES[1]!],
  ['ascii85', BASE85_FAMILIES[2]!],
];
const B64_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ALPHABETS: Record<string, string> = { base64: B64_CHARS, base85: B85_ALPHABET, z85: Z85_ALPHABET, ascii85: A85_ALPHABET };
const TEXT = 'const value = require("module"); function handler(event) { return event.body; } // config: enabled=true\n';

type Rand = ReturnType<typeof seeded>;

/** A background of `n` bytes: random binary, code-like text, or bytes that are no character of the family. */
function background(rand: Rand, n: number, kind: number, table: Uint8Array): Buffer {
  if (kind === 0) return rand.bytes(n);
  if (kind === 1) {
    const from = rand.int(TEXT.length);
    return Buffer.from(TEXT.repeat(Math.ceil((n + from) / TEXT.length) + 1).slice(from, from + n), 'latin1');
  }
  const none: number[] = [];
  for (let c = 0; c < 256; c++) if (!table[c]) none.push(c);
  return Buffer.from(Array.from({ length: n }, () => rand.pick(none)));
}

/** `bytes` with runs of the family's characters planted: lengths around `min` and long, at offsets of every residue mod 64. */
function planted(rand: Rand, bytes: Buffer, alphabet: string, min: number): Buffer {
  const out = Buffer.from(bytes);
  const lengths = [min - 1, min, min + 1, 2 * min, 63, 64, 65, 200];
  for (let k = 0; k < out.length / 48; k++) {
    const length = rand.pick(lengths);
    // Each residue of a 64-byte word in turn, the first and the last byte of the chunk among the starts.
    const start = k === 0 ? 0 : k === 1 ? out.length - length : (k * 64 + (k % 64)) % out.length;
    for (let j = Math.max(start, 0); j < Math.min(start + length, out.length); j++) out[j] = alphabet.charCodeAt(rand.int(alphabet.length));
  }
  return out;
}

describe('classify pass: masks and nextRun', () => {
  it('is usable for every family of runs (else the properties below compare the byte-by-byte scan with itself)', () => {
    for (const [, f] of FAMILIES) expect(new Classifier(f.table, f.minShort).usable).toBe(true);
  });

  const seed = testSeed(51031);
  it(`masks are the table at every byte, lengths around words and vectors (seed ${seed})`, () => {
    const rand = seeded(seed);
    for (const [name, f] of FAMILIES) {
      const c = new Classifier(f.table, f.minShort);
      for (const n of [
        MIN_CLASSIFIED,
        MIN_CLASSIFIED + 15,
        MIN_CLASSIFIED + 16,
        MIN_CLASSIFIED + 63,
        MIN_CLASSIFIED + 64,
        MIN_CLASSIFIED + 65,
        2047,
        2049,
        4111,
        WINDOW - 1,
        WINDOW + 1,
        WINDOW + 63,
        WINDOW + 64,
        WINDOW + 65,
        2 * WINDOW + 100,
      ]) {
        const bytes = planted(rand, background(rand, n, rand.int(3), f.table), ALPHABETS[name]!, f.minShort);
        const masks = c.classify(bytes)!;
        expect(masks).toBeDefined();
        let bad = 0;
        for (let j = 0; j < n + 64; j++) {
          const member = j < n && f.table[bytes[j]!] === 1;
          let run = j + f.minShort <= n;
          for (let q = j; run && q < j + f.minShort; q++) run = f.table[bytes[q]!] === 1;
          if ((((masks.members[j >>> 5]! >>> (j & 31)) & 1) === 1) !== member) bad++;
          if ((((masks.runs[j >>> 5]! >>> (j & 31)) & 1) === 1) !== run) bad++;
        }
        expect(bad, `${name}, ${n} bytes`).toBe(0);
        release(masks);
      }
    }
  });

  const seed2 = testSeed(51032);
  it(`nextRunClassified finds what nextRun does from every place (seed ${seed2})`, () => {
    const rand = seeded(seed2);
    for (const [name, f] of FAMILIES) {
      const c = new Classifier(f.table, f.minShort);
      for (let t = 0; t < 12; t++) {
        const n = t === 0 ? WINDOW + rand.int(1, 200) : rand.int(MIN_CLASSIFIED, 3000);
        const bytes = planted(rand, background(rand, n, t % 3, f.table), ALPHABETS[name]!, f.minShort);
        const masks = c.classify(bytes)!;
        expect(masks).toBeDefined();
        const got = { start: 0, end: 0 };
        const diffs: string[] = [];
        for (let from = 0; from <= n; from++) {
          const want = { ...nextRun(bytes, from, f.table, f.minShort) };
          nextRunClassified(c, masks, bytes, from, got);
          if (got.start !== want.start || got.end !== want.end) diffs.push(`from ${from}: ${got.start}-${got.end}, not ${want.start}-${want.end}`);
        }
        expect(diffs.slice(0, 5), `${name}, ${n} bytes, case ${t}`).toEqual([]);
        release(masks);
      }
    }
  });
});

/** Every reading a scanner opens over `chunks`: its offset, alphabet and bytes. */
async function readings(family: Family, delimited: boolean, classify: boolean, chunks: Buffer[]): Promise<string[]> {
  const out: Array<{ key: string; parts: Buffer[] }> = [];
  const scanner = new RunScanner(
    family,
    (offset, alphabet) => {
      const r = { key: `${offset} ${alphabet}`, parts: [] as Buffer[] };
      out.push(r);
      return { write: (b) => void r.parts.push(Buffer.from(b)), end: () => undefined };
    },
    delimited,
    classify,
  );
  for (const chunk of chunks) await scanner.push(chunk);
  await scanner.end();
  return out.map((r) => `${r.key} ${Buffer.concat(r.parts).toString('hex')}`);
}

/** `bytes` cut at random places: a few pieces under MIN_CLASSIFIED (read byte by byte), most over it, some over WINDOW. */
function cut(rand: Rand, bytes: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length;) {
    const r = rand.next();
    // Some over a window of the pass (classified a window at a time, the masks joined).
    const size = r < 0.2 ? rand.int(1, MIN_CLASSIFIED) : r < 0.3 ? rand.int(WINDOW - 64, WINDOW + 3000) : rand.int(MIN_CLASSIFIED, 5000);
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

/** A text of lines: code, and runs of the family's characters (wrapped or not, some quoted), some at a chunk's edge. */
function encodedText(rand: Rand, alphabet: string, lines: number): Buffer {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const r = rand.next();
    if (r < 0.5) out.push(TEXT.slice(0, rand.int(TEXT.length)));
    else {
      const width = rand.pick([8, 14, 15, 16, 17, 39, 40, 41, 64, 76, 200]);
      const run = rand.chars(alphabet, width);
      out.push(rand.next() < 0.3 ? `key = "${run}",` : rand.next() < 0.5 ? `  ${run}` : run);
    }
  }
  return Buffer.from(out.join('\n'), 'latin1');
}

describe('classify pass: a scanner with it reads what one without does', () => {
  const seed = testSeed(51033);
  it(`generated texts and binary, cut at random places (seed ${seed})`, async () => {
    const rand = seeded(seed);
    for (const [name, f] of FAMILIES) {
      for (let t = 0; t < 6; t++) {
        const text = encodedText(rand, ALPHABETS[name]!, t < 2 ? 6000 : 400);
        const delimited = name !== 'base64' || t % 2 === 0;
        const bytes = delimited ? text : Buffer.concat([rand.bytes(3000), text, rand.bytes(3000)]);
        const chunks = cut(rand, bytes);
        const without = await readings(f, delimited, false, chunks);
        expect(without.length, `${name} case ${t}: the text holds runs`).toBeGreaterThan(0);
        expect(await readings(f, delimited, true, chunks), `${name} case ${t}`).toEqual(without);
      }
    }
  });

  it.skipIf(!(has('base64') && has('basenc') && has('xxd') && has('python3')))('runs the real tools wrote, inside this repository’s own source', async () => {
    const rand = seeded(testSeed(51034));
    const value = rand.bytes(300);
    const source = readFileSync(new URL('./runs-scan.ts', import.meta.url), 'latin1');
    const encoded = [
      tool('base64', ['v'], { v: value }).toString('latin1'),
      tool('base64', ['-w0', 'v'], { v: value }).toString('latin1'),
      tool('basenc', ['--base32', 'v'], { v: value }).toString('latin1'),
      tool('xxd', ['-p', 'v'], { v: value }).toString('latin1'),
      tool('python3', ['-c', 'import base64,sys;print(base64.b85encode(open("v","rb").read()).decode())'], { v: value }).toString('latin1'),
      tool('python3', ['-c', 'import base64,sys;print(base64.a85encode(open("v","rb").read(),wrapcol=76).decode())'], { v: value }).toString('latin1'),
    ];
    expect(encoded[4]!.trim()).toBe(b85encode(value));
    const text = Buffer.from(encoded.map((e, i) => `${source.slice(i * 3000, i * 3000 + 3000)}\nKEY_${i}="${e.trim()}"\n${e}`).join('\n'), 'latin1');
    const read: Record<string, boolean> = {};
    for (const [name, f] of FAMILIES) {
      const chunks = cut(rand, text);
      const without = await readings(f, true, false, chunks);
      const withPass = await readings(f, true, true, chunks);
      expect(withPass, name).toEqual(without);
      read[name] = withPass.some((r) => Buffer.from(r.split(' ')[2]!, 'hex').includes(value.subarray(0, 64)));
    }
    // The value is read back by base64's family (base64, base32, hex) and the two base85 encodings written.
    expect([read.base64, read.base85, read.ascii85]).toEqual([true, true, true]);
  });
});
