// Property: a content made of consecutive members, streams or frames of one format (`cat a.gz b.gz`, log rotation's
// `gzip -c >> app.log.gz`, bgzip's BGZF blocks, `cat a.xz b.xz`, pbzip2, pzstd, `cat a.lz4 b.lz4`, plzip) is read as
// the one output the format's own tool gives (`gzip -dc` prints member after member), so a value split across a
// boundary — at every offset of the value — is found, under the file's own path, and a tar cut across two members is
// still read as one tar. Each leaky file has a clean twin (one character of the value changed) that gives nothing.
// What follows the last member (a tape's zeros, an appended signature, junk) is read as before: not named, and a
// member after junk is still found where it starts.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { seeded, testSeed } from '../../../test/support/random.js';
import { tarOf } from '../../../test/support/tar.js';
import { decodeWith } from './decode.testing.js';
import { lz4 } from './lz4.js';
import { gzip } from './native.js';
import { auditFiles, has, SECRET } from './testing.js';
import { xz } from './xz.js';

const run = (command: string, args: string[], input: Uint8Array | string) => execFileSync(command, args, { input, maxBuffer: 1 << 28 });

/** A format's tool, compressing its stdin to one member, stream or frame. */
const FORMATS: Array<{ name: string; ext: string; tool: string; args: string[] }> = [
  { name: 'gzip', ext: 'gz', tool: 'gzip', args: ['-c'] },
  { name: 'pigz', ext: 'gz', tool: 'pigz', args: ['-c'] },
  { name: 'xz', ext: 'xz', tool: 'xz', args: ['-c'] },
  { name: 'lz4', ext: 'lz4', tool: 'lz4', args: ['-c'] },
  { name: 'bzip2', ext: 'bz2', tool: 'bzip2', args: ['-c'] },
  { name: 'zstd', ext: 'zst', tool: 'zstd', args: ['-c', '-q'] },
  { name: 'lzip', ext: 'lz', tool: 'lzip', args: ['-c'] },
  { name: 'lz4 -l (legacy)', ext: 'lz4', tool: 'lz4', args: ['-l', '-c'] },
];

const before = 'log line: request served in 12 ms\n'.repeat(40) + 'TOKEN=';
const after = '\nlog line: shutting down\n'.repeat(40);
/** The value with one character changed: the clean twin. */
const twin = (value: string) => `${value.slice(0, 10)}${value[10] === 'Q' ? 'R' : 'Q'}${value.slice(11)}`;

/** Two members of `format`, the value's first `k` characters ending the first, the rest opening the second. */
function split(format: (typeof FORMATS)[number], value: string, k: number): Buffer {
  const first = run(format.tool, format.args, before + value.slice(0, k));
  const second = run(format.tool, format.args, value.slice(k) + after);
  return Buffer.concat([first, second]);
}

describe('consecutive members, streams and frames of one format are one content', () => {
  for (const format of FORMATS) {
    it.skipIf(!has(format.tool))(
      `${format.name}: a value split at each of its offsets across two members is found; the clean twins give nothing`,
      async () => {
        const leaky: Record<string, Buffer> = {};
        const clean: Record<string, Buffer> = {};
        for (let k = 1; k < SECRET.length; k++) {
          leaky[`var/log/app-${k}.log.${format.ext}`] = split(format, SECRET, k);
          clean[`var/log/app-${k}.log.${format.ext}`] = split(format, twin(SECRET), k);
        }
        // The tool itself gives the two halves as one output.
        expect(run(format.tool, ['-dc'], leaky[`var/log/app-5.log.${format.ext}`]!).toString()).toBe(before + SECRET + after);
        const found = await auditFiles(leaky);
        expect(found).toEqual(Object.keys(leaky).map((path) => ({ severity: 'leak', what: 'token', path: `${path}!` })));
        expect(await auditFiles(clean)).toEqual([]);
      },
      120_000,
    );
  }

  it.skipIf(!has('gzip'))('a tar cut across two gzip members (inside the value) is read as one tar; the clean twin gives nothing', async () => {
    const cut = async (value: string) => {
      const tar = await tarOf({ 'etc/app/README': 'readme\n'.repeat(300), 'etc/app/.env': `${before}${value}${after}` });
      const at = tar.indexOf(value.slice(0, 12)) + 7;
      return Buffer.concat([run('gzip', ['-c'], tar.subarray(0, at)), run('gzip', ['-c'], tar.subarray(at))]);
    };
    expect(await auditFiles({ 'opt/app.tar.gz': await cut(SECRET) })).toEqual([{ severity: 'leak', what: 'token', path: 'opt/app.tar.gz!/etc/app/.env' }]);
    expect(await auditFiles({ 'opt/app.tar.gz': await cut(twin(SECRET)) })).toEqual([]);
  });

  it.skipIf(!has('bgzip'))(
    'bgzip (BGZF: a gzip member per 64 KiB): a value across a block boundary, in a file and in a tar, is found',
    async () => {
      // BGZF blocks hold 65,280 input bytes each: the value is put across the first boundary, at each of a few offsets.
      const text = (value: string, k: number) => `${'#'.repeat(65_280 - before.length - k)}${before}${value}${after}${'x'.repeat(70_000)}`;
      const leaky: Record<string, Buffer> = {};
      const clean: Record<string, Buffer> = {};
      for (const k of [1, 2, 16, 32]) {
        leaky[`data/reads-${k}.txt.gz`] = run('bgzip', ['-c'], text(SECRET, k));
        clean[`data/reads-${k}.txt.gz`] = run('bgzip', ['-c'], text(twin(SECRET), k));
      }
      const tar = async (value: string) => run('bgzip', ['-c'], await tarOf({ 'ref/notes.txt': text(value, 9) }));
      leaky['data/ref.tar.gz'] = await tar(SECRET);
      clean['data/ref.tar.gz'] = await tar(twin(SECRET));
      expect(leaky['data/reads-1.txt.gz']!.subarray(12, 14).toString()).toBe('BC'); // bgzip's extra field: BGZF indeed
      const paths = Object.keys(leaky).map((p) => (p.endsWith('ref.tar.gz') ? `${p}!/ref/notes.txt` : `${p}!`));
      expect(await auditFiles(leaky)).toEqual(paths.map((path) => ({ severity: 'leak', what: 'token', path })));
      expect(await auditFiles(clean)).toEqual([]);
    },
    120_000,
  );

  it.skipIf(!has('xz'))('xz streams with stream padding between them (eight zero bytes, a multiple of four as the format asks) are one content', async () => {
    const padded = (value: string) =>
      Buffer.concat([run('xz', ['-c'], before + value.slice(0, 9)), Buffer.alloc(8), run('xz', ['-c'], value.slice(9) + after)]);
    expect(run('xz', ['-dc'], padded(SECRET)).toString()).toBe(before + SECRET + after);
    expect(await auditFiles({ 'srv/dump.sql.xz': padded(SECRET) })).toEqual([{ severity: 'leak', what: 'token', path: 'srv/dump.sql.xz!' }]);
    expect(await auditFiles({ 'srv/dump.sql.xz': padded(twin(SECRET)) })).toEqual([]);
  });

  const rand = seeded(testSeed(28));
  it(`what follows the last member is read as before: zeros and junk not named, a member after junk found where it starts (seed ${rand.seed})`, async () => {
    const junk = rand.bytes(300);
    const files: Record<string, Buffer> = {};
    const expected: Array<{ severity: string; what: string; path: string }> = [];
    // lz4's legacy format has no end mark: bytes after its last block are a damaged block, named (as before).
    for (const format of FORMATS.filter((f) => has(f.tool) && f.tool !== 'pigz' && !f.args.includes('-l'))) {
      const one = (value: string) => run(format.tool, format.args, before + value + after);
      const name = `t/${format.name.replace(/\W+/g, '-')}.${format.ext}`;
      files[`${name}.zeros`] = Buffer.concat([one(SECRET), Buffer.alloc(512)]);
      files[`${name}.junk`] = Buffer.concat([one(SECRET), junk]);
      expected.push({ severity: 'leak', what: 'token', path: `${name}.junk!` }, { severity: 'leak', what: 'token', path: `${name}.zeros!` });
    }
    const member = run('gzip', ['-c'], before + SECRET + after);
    const first = run('gzip', ['-c'], 'nothing here\n'.repeat(50));
    files['t/after-junk.gz'] = Buffer.concat([first, junk, member]);
    expected.push({ severity: 'leak', what: 'token', path: `t/after-junk.gz@${first.length + junk.length}!` });
    const sorted = (l: Array<{ path: string }>) => [...l].sort((a, b) => a.path.localeCompare(b.path));
    expect(sorted(await auditFiles(files))).toEqual(sorted(expected));
  }, 60_000);

  it('a value wholly in a later member is found once, under the file’s path, not again where the member starts', async () => {
    const files: Record<string, Buffer> = {};
    for (const format of FORMATS.filter((f) => has(f.tool))) {
      const one = (text: string) => run(format.tool, format.args, text);
      files[`w/${format.name.replace(/\W+/g, '-')}.${format.ext}`] = Buffer.concat([one(before + 'nothing'), one('x'), one(before + SECRET + after)]);
    }
    expect(await auditFiles(files)).toEqual(Object.keys(files).map((path) => ({ severity: 'leak', what: 'token', path: `${path}!` })));
  }, 60_000);

  it.each([
    ['gzip', gzip, 'gzip'],
    ['xz', xz, 'xz'],
    ['lz4', lz4, 'lz4'],
  ] as const)('%s: three members fed in chunks of 1, 7 and 4096 bytes decode to what the tool gives', async (_name, decoder, command) => {
    if (!has(command)) return;
    const text = (n: number) => `member ${n}: ${'abcdefghij'.repeat(50 * n)}\n`;
    const bytes = Buffer.concat([1, 2, 3].map((n) => run(command, ['-c'], text(n))));
    for (const chunk of [1, 7, 4096]) {
      const { out, limits } = await decodeWith(decoder, bytes, { chunk });
      expect(limits, `chunks of ${chunk}`).toEqual([]);
      expect(out.toString(), `chunks of ${chunk}`).toBe(text(1) + text(2) + text(3));
    }
  });
});
