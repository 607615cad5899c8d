// Property: a value cut into adjacent literals over more than one chunk of the text is joined whole — the window of
// joints is held open at a chunk's end while its joints go on, and routed once, up to MAX_WINDOW — so a stream in base64
// cut into Go's `"…" +` pieces or Python's `b'…'` lines, longer than a chunk, is decoded to its end: the value at its end
// found, its clean twin named nothing. Nearest real-world variant: Go's own test/bench/go1/parserdata_test.go (a bzip2
// stream's base64 in 229 `"…" +` pieces, 19 KB) read byte for byte from this machine — it was named 'a damaged bzip2
// stream (the stream ends inside a block)': its joined copy was routed in pieces at the chunks' ends. The text is fed
// in chunks of 1 KiB to 64 KiB (seed named), as the router's pieces grow from 4 KiB to 64 KiB.
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { LITERAL_JOINS } from './literal-joins.js';
import { auditFiles, SECRET } from './testing.js';
import { RewrittenText } from './text-rewrite.js';

const rand = seededPerTest(1516);
const CLEAN = SECRET.replace('7f3a', 'a3f7');

/** A config of `lines` random lines with `value` on its last but one, gzip'd and in base64. */
function blob(value: string, lines: number): string {
  const text = Array.from({ length: lines }, (_, i) => `key${i} = ${rand.chars('abcdefghijklmnopqrstuvwxyz0123456789', 40)}`);
  text.splice(lines - 1, 0, `api_token = ${value}`);
  return gzipSync(Buffer.from(text.join('\n') + '\n')).toString('base64');
}

const pieces = (b64: string, n: number) => Array.from({ length: Math.ceil(b64.length / n) }, (_, i) => b64.slice(i * n, (i + 1) * n));
/** Go source as gofmt keeps it: `var x = "…" +` then a tab-indented piece a line. */
const goSource = (b64: string, n: number) => `package data\n\nvar configGz = "${pieces(b64, n).join('" +\n\t"')}"\n`;
/** Python's pprint of a long bytes literal inside parentheses: a `b'…'` piece a line. */
const pySource = (b64: string, n: number) =>
  `DATA = (\n${pieces(b64, n)
    .map((p) => `    b'${p}'`)
    .join('\n')})\n`;

/** What RewrittenText routes for joined literals of `text` fed in chunks of `size`: each window's copy. */
async function copies(text: string, size: number): Promise<string[]> {
  const out: string[] = [];
  const reader = new RewrittenText([LITERAL_JOINS], () => {
    const parts: Buffer[] = [];
    return { write: async (b: Uint8Array) => void parts.push(Buffer.from(b)), end: async () => void out.push(Buffer.concat(parts).toString('latin1')) };
  });
  const b = Buffer.from(text, 'latin1');
  for (let i = 0; i < b.length; i += size) await reader.push(new Uint8Array(b.subarray(i, i + size)));
  await reader.end();
  return out;
}

describe(`joined literals over more than one chunk (seed ${rand.seed})`, () => {
  it('the literal is routed whole in one copy, however the text is cut', async () => {
    for (let n = 0; n < 6; n++) {
      const b64 = blob(SECRET, rand.int(300, 900));
      const width = rand.pick([60, 76, 81, 120]);
      for (const text of [goSource(b64, width), pySource(b64, width)])
        for (const size of [1024, 4096, 65_536, rand.int(1000, 9000)]) {
          const joined = await copies(text, size);
          expect(joined.filter((c) => c.includes(b64)).length, `width ${width}, chunks of ${size}`).toBe(1);
        }
    }
  });

  it('audited, a value at the stream’s end is found, with no limit; the clean twin gives nothing', async () => {
    for (const make of [goSource, pySource]) {
      const found = await auditFiles({ 'app/data.go': make(blob(SECRET, 700), 81) });
      expect(found.filter((f) => f.severity === 'leak').length).toBeGreaterThan(0);
      expect(found.filter((f) => f.severity !== 'leak')).toEqual([]);
      expect(await auditFiles({ 'app/data.go': make(blob(CLEAN, 700), 81) })).toEqual([]);
    }
  });

  const real = '/usr/share/go-1.19/test/bench/go1/parserdata_test.go';
  it.skipIf(!existsSync(real))('Go’s parserdata_test.go (this machine’s, byte for byte) is read to its end: no limit', async () => {
    expect(await auditFiles({ 'usr/share/go/test/bench/go1/parserdata_test.go': readFileSync(real) })).toEqual([]);
  });
});
