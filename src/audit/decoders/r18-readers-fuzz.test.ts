// Property (issue 28, bad input): the round-18 readers on damaged input — an xz stream through a filter chain (xz
// --x86 --delta: filter-chain.ts), a large-window brotli stream (brotli --large_window=27: brotli-window.ts), a curl
// trace (curl --trace: curl-trace.ts) and a WARC (wget --warc-file: warc.ts) of a chunked brotli answer — cut at any
// length, or 1-8 bytes set to 00, 80 or FF (a third anywhere, a third in the head, a third near the value), and each
// word of the first 64 bytes set to 2^32 - 1, 2^31 or its own offset, are read within a bounded time and memory, never
// throw, and either the value is still found or the file is named as not fully audited: never a silent pass. xz is held
// to it alone (its checks cover every byte); the trace and the WARC through the whole audit (their bodies are read by
// the HTTP reader the router hands them to), the value's own bytes spared. Brotli has no checksum: a byte set inside
// its stream may decode to other bytes in silence, so only its cuts are held to the rule (each one must be named), its
// set bytes to no hang, throw, 5 s or 400 MiB. (ARJ -m4, arj-fast.ts, is held to it by arj-fast.test.ts.) Nearest
// real-world variant: an artifact, a debugging trace or a crawl left in an image cut by a full disk or bit-rotted.
// Seeded (seed in the title); the xz and brotli files are made steady (steady.testing.ts); the trace and the WARC hold
// the server's port and wget's record ids, which differ run to run (the damage drawn is the same).
import { describe, expect, it } from 'vitest';
import { seeded, testSeed } from '../../../test/support/random.js';
import { damagedCopies, damagedSparing, near, readOrNamedFailures, wordCopies } from './fuzz.testing.js';
import { steadyTool } from './steady.testing.js';
import { auditFiles, has, SECRET } from './testing.js';

const MARKER = 'tok-r18-fuzz-5c2e9a7b31';
const SEED = testSeed(0x18f);
const TWIN = 'x'.repeat(SECRET.length);
const lines = (value: string) => `API_TOKEN=${value}\n${Array.from({ length: 4000 }, (_, i) => `LINE_${i} ${(i * 2654435761) >>> 0}`).join('\n')}\n`;

/** `command` (a shell line) against a Node server answering chunked brotli (the value in `v`): the file it wrote. */
const served = (command: string, value: string, output: string) =>
  steadyTool(
    'sh',
    ['-c', `node srv.js & for i in $(seq 1 100); do [ -s port ] && break; sleep 0.1; done; ${command}; wait`],
    {
      v: JSON.stringify({ rows: Array.from({ length: 800 }, (_, i) => ({ id: i })), api_token: value }),
      'srv.js': `const fs = require('fs'), zlib = require('zlib'); const s = fs.readFileSync('v');
const srv = require('http').createServer((req, res) => { srv.close(); res.writeHead(200, { 'Content-Encoding': 'br', 'Content-Type': 'application/json' });
const b = zlib.brotliCompressSync(s); for (let i = 0; i < b.length; i += 700) res.write(b.subarray(i, i + 700)); res.end(); });
srv.listen(0, '127.0.0.1', () => { fs.writeFileSync('port.tmp', String(srv.address().port)); fs.renameSync('port.tmp', 'port'); });`,
    },
    output,
    'real',
  );

/** Each copy audited in one layer (srv/c<k>.<ext>): the copies of which nothing was found or named. */
async function silentThroughAudit(copies: Array<[string, Buffer]>, ext: string): Promise<string[]> {
  const findings = await auditFiles(Object.fromEntries(copies.map(([, c], k) => [`srv/c${k}.${ext}`, c])));
  return copies.filter((_, k) => !findings.some((f) => f.path.startsWith(`srv/c${k}.${ext}`))).map(([what]) => what);
}

describe(`damaged round-18 readers' input (seed ${SEED})`, { timeout: 240_000 }, () => {
  it.runIf(has('xz'))("an xz stream through --x86 --delta=dist=4: 40 damaged copies and the head's words each read or named", async () => {
    const file = steadyTool('sh', ['-c', 'xz --x86 --delta=dist=4 --lzma2=preset=6 -c a.txt'], { 'a.txt': lines(MARKER) });
    const region = (k: number): [number, number] => [0, k % 3 ? Math.min(file.length, 96) : file.length];
    const copies = [...damagedCopies(file, seeded(SEED), 40, region), ...wordCopies(file, 0, 64)];
    expect(await readOrNamedFailures('xz.ts', 'xz', copies, MARKER)).toEqual([]);
  });

  it.runIf(has('brotli'))('a --large_window=27 brotli stream: each cut named, each copy in bounds', async () => {
    const file = steadyTool('sh', ['-c', 'brotli -q 5 --large_window=27 -c a.txt'], { 'a.txt': lines(MARKER) });
    const copies = damagedCopies(file, seeded(SEED + 1), 60, () => [0, file.length]);
    const failures = await readOrNamedFailures('native.ts', 'brotli', copies, MARKER);
    // A cut is always told (the stream ends before its last meta-block); a byte set may decode to other bytes unsaid.
    expect(failures.filter((f) => f.startsWith('cut at') || !f.endsWith('silent (nothing found, nothing named)'))).toEqual([]);
  });

  it.runIf(has('curl') && has('node'))("curl --trace of a chunked brotli answer: 36 damaged copies and the head's words, through the audit", async () => {
    const make = (v: string) => served('curl -s -H "Accept-Encoding: br" --trace trace.txt "http://127.0.0.1:$(cat port)/api" -o /dev/null', v, 'trace.txt');
    const [file, twin] = [make(SECRET), make(TWIN)];
    const head = (k: number): [number, number] => (k % 3 === 2 ? near(file, twin) : [0, k % 3 === 0 ? file.length : Math.min(file.length, 2048)]);
    const copies = [...damagedSparing(file, twin, seeded(SEED + 2), 36, head), ...wordCopies(file, 0, 64)];
    expect(await silentThroughAudit(copies, 'trace')).toEqual([]);
  });

  it.runIf(has('wget') && has('node'))("wget --warc-file of a chunked brotli answer: 36 damaged copies and the head's words, through the audit", async () => {
    const make = (v: string) =>
      served('wget -q --no-warc-compression --warc-file=crawl "http://127.0.0.1:$(cat port)/api/config" -O /dev/null', v, 'crawl.warc');
    const [file, twin] = [make(SECRET), make(TWIN)];
    const head = (k: number): [number, number] => (k % 3 === 2 ? near(file, twin) : [0, k % 3 === 0 ? file.length : Math.min(file.length, 2048)]);
    const copies = [...damagedSparing(file, twin, seeded(SEED + 3), 36, head), ...wordCopies(file, 0, 64)];
    expect(await silentThroughAudit(copies, 'warc')).toEqual([]);
  });
});
