// Property: a gzip member or a deflated zip member is read to the same bytes, and the same findings, whether it is
// inflated at once (it ends in the bytes in hand and gives at most 1 MiB) or through a stream (it does not, or gives
// more: the attempt that found so is thrown away and the stream reads the member from its start). Generated members —
// random bytes, text that compresses a thousand times (past the 1 MiB of one attempt), and both — at random levels,
// several to a gzip file, written with and without sizes in a zip (Python's zipfile to a pipe writes data descriptors),
// fed in random chunks: the output is the content, byte for byte, and nothing is named. A file cut short gives a prefix
// of its content, never a byte twice. Through the audit, a value placed past the first MiB of a member is found once,
// under the member's path; its clean twin gives nothing.
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { seeded, testSeed, type Seeded } from '../../../test/support/random.js';
import { decodeWith } from './decode.testing.js';
import { gzip } from './native.js';
import { auditFiles, has, SECRET } from './testing.js';
import { pythonDigests, walkZip } from './zip.testing.js';
import { createHash } from 'node:crypto';

const LINE = 'GET /api/v1/items?page=2 200 12ms user-agent=curl/8.5.0\n';

/** A member's content: random bytes, compressible text (to 3 MiB), or text after random bytes; `value` put in at a random place. */
function content(r: Seeded, value = ''): Buffer {
  const kind = r.int(3);
  const text = () => Buffer.from(LINE.repeat(Math.ceil(r.int(1, 3 << 20) / LINE.length)));
  const body = kind === 0 ? r.bytes(r.int(0, 300_000)) : kind === 1 ? text() : Buffer.concat([r.bytes(r.int(1, 100_000)), text()]);
  const at = r.int(0, body.length + 1);
  return Buffer.concat([body.subarray(0, at), Buffer.from(value), body.subarray(at)]);
}

/** The chunk sizes a decoder is fed in: small ones, a layer's, and the whole at once. */
const chunkOf = (r: Seeded, whole: number) => r.pick([512 + r.int(4096), 65536, 256 * 1024, 1 << 20, whole]);

const twin = (value: string) => `${value.slice(0, 10)}${value[10] === 'Q' ? 'R' : 'Q'}${value.slice(11)}`;

describe('a member is read the same whether inflated at once or streamed', () => {
  const seed = testSeed(2812);
  it(`gzip: 1 to 4 generated members (to 3 MiB each), random levels and chunks, read as their content (seed ${seed})`, async () => {
    const r = seeded(seed);
    for (let c = 0; c < 24; c++) {
      const members = Array.from({ length: 1 + r.int(4) }, () => content(r));
      const file = Buffer.concat(members.map((m) => gzipSync(m, { level: 1 + r.int(9) })));
      const chunk = chunkOf(r, file.length);
      const { out, limits } = await decodeWith(gzip, file, { chunk });
      expect({ c, chunk, limits, same: out.equals(Buffer.concat(members)) }).toEqual({ c, chunk, limits: [], same: true });
    }
  }, 120_000);

  it(`gzip: a file cut short gives a prefix of its content, never a byte twice (seed ${seed})`, async () => {
    const r = seeded(seed + 1);
    for (let c = 0; c < 24; c++) {
      const members = Array.from({ length: 1 + r.int(3) }, () => content(r));
      const file = Buffer.concat(members.map((m) => gzipSync(m, { level: 1 + r.int(9) })));
      const cut = file.subarray(0, r.int(10, file.length));
      const whole = Buffer.concat(members);
      const { out } = await decodeWith(gzip, cut, { chunk: chunkOf(r, cut.length) });
      expect({ c, prefix: whole.subarray(0, out.length).equals(out) }).toEqual({ c, prefix: true });
    }
  }, 120_000);

  it.skipIf(!has('python3'))(
    `zip: generated members with and without sizes (data descriptors), random levels and chunks, read as Python reads them (seed ${seed})`,
    async () => {
      const r = seeded(seed + 2);
      const script = [
        'import sys, zipfile, io',
        'data = sys.stdin.buffer.read()',
        'args = sys.argv[1:]',
        'piped = args.pop(0) == "piped"',
        'class Pipe(io.RawIOBase):',
        '  def __init__(s): s.parts = []',
        '  def writable(s): return True',
        '  def write(s, b): s.parts.append(bytes(b)); return len(b)',
        'out = Pipe() if piped else io.BytesIO()',
        'with zipfile.ZipFile(out, "w") as z:',
        '  at = 0',
        '  for i, (n, level) in enumerate(zip(args[0::2], args[1::2])):',
        '    z.writestr(zipfile.ZipInfo(f"m{i}.bin"), data[at:at + int(n)], compress_type=zipfile.ZIP_DEFLATED, compresslevel=int(level))',
        '    at += int(n)',
        'sys.stdout.buffer.write(b"".join(out.parts) if piped else out.getvalue())',
      ].join('\n');
      for (let c = 0; c < 8; c++) {
        const members = Array.from({ length: 1 + r.int(3) }, () => content(r));
        const piped = r.int(2) === 1;
        const args = members.flatMap((m) => [String(m.length), String(1 + r.int(9))]);
        const archive = execFileSync('python3', ['-c', script, piped ? 'piped' : 'file', ...args], { input: Buffer.concat(members), maxBuffer: 1 << 28 });
        const chunk = chunkOf(r, archive.length);
        const walked = await walkZip(archive, { chunk, keep: false });
        const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
        const expected = new Map(members.map((m, i) => [`m${i}.bin`, sha(m)]));
        expect({ c, piped, chunk, limits: walked.limits, digests: walked.digests }).toEqual({ c, piped, chunk, limits: [], digests: expected });
        expect(pythonDigests(archive)).toEqual(new Map([...expected].filter(([, d]) => d !== sha(Buffer.alloc(0)))));
      }
    },
    180_000,
  );

  it(`audit: a value past the first MiB of a gzip member, and of a zip member, is found once; the clean twins give nothing (seed ${seed})`, async () => {
    const r = seeded(seed + 3);
    const text = (value: string) => {
      const before = LINE.repeat(Math.ceil((1.5 * (1 << 20) + r.int(1 << 20)) / LINE.length));
      return Buffer.from(`${before}TOKEN=${value}\n${LINE.repeat(1000)}`);
    };
    const files = (value: string) => {
      const log = text(value);
      const at = r.int(1, log.length);
      const jar = execFileSync(
        'python3',
        [
          '-c',
          'import sys, zipfile, io\nb = io.BytesIO()\nwith zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z: z.writestr("BOOT-INF/app.properties", sys.stdin.buffer.read())\nsys.stdout.buffer.write(b.getvalue())',
        ],
        { input: text(value) },
      );
      // Two members, cut at a random place: the first ends in the bytes in hand, the second gives more than one attempt may.
      return { 'var/log/app.log.gz': Buffer.concat([gzipSync(log.subarray(0, at)), gzipSync(log.subarray(at))]), 'app/app.jar': jar };
    };
    const found = await auditFiles(files(SECRET));
    expect(found.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { severity: 'leak', what: 'token', path: 'app/app.jar!/BOOT-INF/app.properties' },
      { severity: 'leak', what: 'token', path: 'var/log/app.log.gz!' },
    ]);
    expect(await auditFiles(files(twin(SECRET)))).toEqual([]);
  }, 120_000);
});
