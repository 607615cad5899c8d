// Property (issue 28, bad input): the readers of sessions 58–59 on damaged input — a 7z PPMd archive (ppmd-h.ts),
// raw deflate inside a PHP session, a pickle and a v8.serialize (serialized-deflate.ts), an HTTP response kept as
// `curl -si --raw` wrote it after other bytes (embedded.ts → http-message.ts) — cut at any length, 1–8 bytes set to 00, 80 or FF (a third anywhere, a third in the head, a third near the value; the value's
// own bytes spared: where the file and its twin, made the same with another value, differ), and each word of the first
// 256 bytes set to 2^32 - 1, 2^31 or its own offset, are read within a bounded time and memory, never throw, and
// either the value is still found or the file is named as not fully audited: never a silent pass — where the value can
// still be decoded from what is left (a deflate stream's tables damaged, a chunk's size line cut: nothing decodes it;
// a raw deflate value whose mark before it is damaged is not tried, a gap counted in the report). Nearest
// real-world variant: a backup, a session directory, a build log or a generated script left in an image, cut by a full
// disk or bit-rotted. Seeded (seed in the title); the 7z and serialized files are made steady (steady.testing.ts).
import { constants, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { seeded, testSeed } from '../../../test/support/random.js';
import { damagedSparing, expectDamagedReadOrNamed, near, readOrNamedFailures, wordCopies } from './fuzz.testing.js';
import { serializedDeflate } from './serialized-deflate.js';
import { sevenZip } from './sevenzip.js';
import { steadyTool } from './steady.testing.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

const MARKER = 'tok-s59-fuzz-8d1f0b6e47';
const SEED = testSeed(0x59f);
const TWIN = (v: string) => 'x'.repeat(v.length);
const rows = (n: number) => Array.from({ length: n }, (_, i) => `row ${i} ${((i * 2654435761) >>> 0).toString(36)}`).join('\n');

/** Each copy audited in one layer (srv/c<k>.<ext>): the copies of which nothing was found or named. */
async function silentThroughAudit(copies: Array<[string, Buffer]>, ext: string): Promise<string[]> {
  const findings = await auditFiles(Object.fromEntries(copies.map(([, c], k) => [`srv/c${k}.${ext}`, c])));
  return copies.filter((_, k) => !findings.some((f) => f.path.startsWith(`srv/c${k}.${ext}`))).map(([what]) => what);
}

/** The bytes a damaged copy's name says were set (`n bytes at X set to v`, `the word at X set to v`). */
const damaged = (what: string): number[] => {
  const m = /^(?:(\d+) bytes at|the word at) (\d+)/.exec(what);
  return m ? Array.from({ length: Number(m[1] ?? 4) }, (_, i) => Number(m[2]) + i) : [];
};

/** A chunked body's framing from `at`: each size line with the CRLF before it, and the first chunk's gzip header. */
function framingOf(b: Buffer, at: number): Array<[number, number]> {
  const out: Array<[number, number]> = [[at - 4, at]];
  for (let p = at; p < b.length;) {
    const nl = b.indexOf('\r\n', p);
    const size = parseInt(b.subarray(p, nl).toString('latin1'), 16);
    out.push([p - 2, nl + 2]);
    if (p === at) out.push([nl + 2, nl + 12]);
    if (!(size > 0)) break;
    p = nl + 2 + size + 2;
  }
  return out;
}

/** What raw inflate of `b` from `at` gives (as far as it goes) holds `marker`. */
const inflatesTo = (b: Buffer, at: number, marker: string): boolean => {
  try {
    return inflateRawSync(b.subarray(at), { finishFlush: constants.Z_SYNC_FLUSH }).includes(marker);
  } catch {
    return false;
  }
};

/** Where in `b` a raw deflate stream giving `marker` starts (the first offset that inflates to it). */
const streamStart = (b: Buffer, marker: string): number => {
  for (let at = 0; at < b.length; at++) if (inflatesTo(b, at, marker)) return at;
  return -1;
};

describe(`damaged input of the session 58–59 readers (seed ${SEED})`, { timeout: 300_000 }, () => {
  it.runIf(has('7zz'))('a 7z archive compressed with PPMd (7zz a -m0=PPMd -mhc=off): 60 damaged copies and the head words', async () => {
    const make = (v: string) =>
      steadyTool(
        '7zz',
        ['a', '-bd', '-bso0', '-m0=PPMd:o=8:mem=1m', '-mhc=off', '-mtm=off', '-mtc=off', '-mta=off', 'out.7z', 'app'],
        {
          'app/.env': `${rows(400)}\nAPI_TOKEN=${v}\n${rows(400)}\n`,
          'app/README.md': rows(2000),
        },
        'out.7z',
      );
    await expectDamagedReadOrNamed({
      what: '7z PPMd',
      file: make(MARKER),
      twin: make(TWIN(MARKER)),
      decoder: sevenZip,
      module: 'sevenzip.ts',
      name: 'sevenZip',
      marker: MARKER,
      seed: SEED,
      copies: 60,
      headBytes: 32,
    });
  });

  const SERIALIZED: Array<[string, string, string, string]> = [
    [
      'a PHP session (gzdeflate)',
      'php',
      '<?php $s=file_get_contents("v"); file_put_contents("out", "data|".serialize(gzdeflate(serialize(["token"=>$s,"rows"=>range(1,3000)]))));',
      'php',
    ],
    [
      'a pickle (compressobj wbits=-15)',
      '/usr/bin/python3',
      'import pickle, zlib\ns = open("v").read()\nc = zlib.compressobj(6, zlib.DEFLATED, -15)\nd = c.compress(("token=" + s + " " + ",".join(map(str, range(3000)))).encode()) + c.flush()\nopen("out", "wb").write(pickle.dumps({"k": "cfg", "v": d}, protocol=4))',
      '/usr/bin/python3',
    ],
    [
      'a v8.serialize (deflateRawSync)',
      'node',
      'const fs=require("fs"),z=require("zlib"),v8=require("v8");fs.writeFileSync("out",v8.serialize({k:"cfg",v:z.deflateRawSync(Buffer.from(JSON.stringify({token:fs.readFileSync("v","utf8"),rows:Array.from({length:3000},(_, i)=>i)})))}))',
      'node',
    ],
  ];
  it.each(SERIALIZED)('raw deflate in %s: 40 damaged copies and the head words, each decodable one read or named', async (what, command, script, needs) => {
    if (!has(needs)) return;
    const make = (v: string) => steadyTool('sh', ['-c', `${command} <<'EOF'\n${script}\nEOF`], { v }, 'out');
    const [file, twin] = [make(MARKER), make(TWIN(MARKER))];
    const start = streamStart(file, MARKER);
    expect(start).toBeGreaterThan(0);
    const head = (k: number): [number, number] => (k % 3 === 2 ? near(file, twin) : [0, k % 3 === 0 ? file.length : Math.min(file.length, 64)]);
    const claimed = (copy: Buffer) => serializedDeflate.sniff(copy.subarray(0, 512), 'x');
    const copies = [...damagedSparing(file, twin, seeded(SEED + 1), 40, head, claimed), ...wordCopies(file, 0, 256, claimed)];
    const failures = await readOrNamedFailures('serialized-deflate.ts', 'serializedDeflate', copies, MARKER);
    // Damage to the stream's own head (its Huffman tables, its first codes) leaves nothing to decode the value from: a
    // silent copy is a miss only where raw inflate from the stream's start still gives the value.
    // A value whose own mark (the opcode, tag or `s:N:"` before it: 9 bytes at most) is damaged is not tried: the reader
    // tries only offsets behind a mark (a trial at every byte is what it avoids). Known, counted in the report.
    const byName = new Map(copies);
    const missed = failures.filter((f) => !f.endsWith('silent (nothing found, nothing named)') || inflatesTo(byName.get(f.split(': ')[0]!)!, start, MARKER));
    const markHit = (f: string) => damaged(f).some((x) => x >= start - 9 && x < start);
    expect(
      missed.filter((f) => !markHit(f)),
      `${what}: ${failures.length} of ${copies.length} copies silent or failing`,
    ).toEqual([]);
  });

  it.runIf(has('curl') && has('node'))(
    "curl -si --raw of a chunked gzip answer after binary bytes: 60 damaged copies and the head's words, through the audit",
    async () => {
      const junk = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 131 + 7) & 0xff));
      const body = (v: string) => `${rows(3000)}\n{"access_token":"${v}"}\n`;
      const message = (v: string) =>
        tool(
          'sh',
          [
            '-c',
            'node srv.js & for i in $(seq 1 100); do [ -s port ] && break; sleep 0.1; done; curl -si --raw "http://127.0.0.1:$(cat port)/api" -o out --max-time 20; wait; cat out',
          ],
          {
            v: body(v),
            'srv.js': `const fs = require('fs'), zlib = require('zlib'); const s = fs.readFileSync('v');
const srv = require('http').createServer((req, res) => { srv.close(); res.writeHead(200, { 'Content-Encoding': 'gzip', Date: 'Tue, 14 Nov 2023 22:13:20 GMT' }); const z = zlib.createGzip({ chunkSize: 1024 }); z.pipe(res); for (let i = 0; i < s.length; i += 512) z.write(s.subarray(i, i + 512)), z.flush(); z.end(); });
srv.listen(0, '127.0.0.1', () => { fs.writeFileSync('port.tmp', String(srv.address().port)); fs.renameSync('port.tmp', 'port'); });`,
          },
        );
      const inside = (m: Buffer) => Buffer.concat([junk, Buffer.from('\n$ curl -si --raw http://127.0.0.1/api\n'), m, Buffer.from('\n'), junk]);
      const [file, twin] = [inside(message(SECRET)), inside(message(TWIN(SECRET)))];
      const head = (k: number): [number, number] => (k % 3 === 2 ? near(file, twin) : k % 3 === 0 ? [0, file.length] : [3000, 3300]);
      const copies = [...damagedSparing(file, twin, seeded(SEED + 2), 60, head), ...wordCopies(file, 3036, 3036 + 256)];
      // A size line, a chunk's CRLF or the gzip member's own header damaged leaves its stream with a gap or no header:
      // no reader decodes the value from there (the framing has no check to resynchronise by). Everything else must be read.
      const framing = framingOf(file, file.indexOf('\r\n\r\n', 3039) + 4);
      const silent = await silentThroughAudit(copies, 'log');
      expect(silent.filter((what) => !framing.some(([a, b]) => damaged(what).some((x) => x >= a && x < b)))).toEqual([]);
      expect(silent.length).toBeLessThan(copies.length / 4);
    },
  );
});
