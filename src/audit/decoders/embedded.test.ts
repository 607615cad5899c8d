// Property: a compressed stream is opened wherever it starts inside a file nothing else claims,
// and an encoded run inside text is decoded and routed again (stacked: base64 → gzip → JSON), so a
// value inside is found, the finding naming the file (and `@offset` for the stream); clean content
// of the same shapes gives nothing. Nearest real-world variants: git's loose objects and packfiles
// (made here by git itself, `git gc`), a resource pack with a zlib blob at an offset, a PNG zTXt
// chunk, a Helm release record, a ConfigMap's binaryData, a JS bundle with a base64 data: URI.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, gzipSync, zstdCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { candidates, EmbeddedStreams, KINDS } from './embedded.js';
import { WINDOW } from './runs-classify.js';
import { auditFiles, has, SECRET, tool } from './testing.js';
import { seededPerTest } from '../../../test/support/random.js';

/** Generated inputs, from this seed before each test (HOIST_TEST_SEED replaces it); the tests that draw name it. */
const rand = seededPerTest(1);

const env = (value: string) => `DB_HOST=db\nDB_PASSWORD=${value}\n`;

/** Where a Buffer.indexOf per needle finds each kind's needle (its stream's start), by offset then kind. */
const bySearch = (b: Buffer) =>
  KINDS.flatMap((kind, k) => {
    const at: Array<{ at: number; k: number }> = [];
    for (let i = b.indexOf(kind.needle); i >= 0; i = b.indexOf(kind.needle, i + 1)) if (i - kind.back >= 0) at.push({ at: i - kind.back, k });
    return at;
  }).sort((x, y) => x.at - y.at || x.k - y.k);

describe('streams at any offset', () => {
  const kinds: Array<[string, (b: Buffer) => Buffer, number]> = [
    ['zlib', (b) => deflateSync(b), 777],
    ['gzip', (b) => gzipSync(b), 777],
    ['zstd', (b) => zstdCompressSync(b), 777],
    ['bzip2', (b) => tool('sh', ['-c', 'bzip2 -c < in'], { in: b }), 777],
    ['lz4', (b) => tool('sh', ['-c', 'lz4 -q -c < in'], { in: b }), 777],
    // xz with bytes after it (given to xz-embedded, they failed the stream and lost its last output: xz-walk.ts gives it the stream alone), and with a SHA-256 check.
    ['xz', (b) => tool('sh', ['-c', 'xz -c < in'], { in: b }), 777],
    ['xz', (b) => tool('sh', ['-c', 'xz --check=sha256 -c < in'], { in: b }), 777],
  ];
  it.each(kinds.filter(([k]) => ['zlib', 'gzip', 'zstd'].includes(k) || has(k)))(
    `a %s stream between random bytes is found, named by its offset (seed ${rand.seed})`,
    async (_kind, compress, after) => {
      for (const before of [1, 3001, 300_000]) {
        const stream = compress(Buffer.from(env(SECRET).repeat(4)));
        const file = Buffer.concat([rand.bytes(before), stream, rand.bytes(after)]);
        expect(await auditFiles({ 'opt/res/resources.pak': file })).toEqual([{ severity: 'leak', what: 'token', path: `opt/res/resources.pak@${before}!` }]);
      }
    },
  );

  // Every first byte before a zlib stream: 14 of them read as brotli's uncompressed meta-block gave
  // the stream's deflate body, which raw deflate (no magic) then claimed — the value found twice.
  it(`one byte, any of the 256, before a zlib stream: the stream found once, at @1 (seed ${rand.seed})`, async () => {
    const stream = deflateSync(Buffer.from(env(SECRET).repeat(4)));
    const twice: number[] = [];
    for (let b = 0; b < 256; b++) {
      const found = await auditFiles({ 'opt/res/resources.pak': Buffer.concat([Buffer.from([b]), stream, rand.bytes(777)]) });
      if (found.length !== 1 || found[0]!.path !== 'opt/res/resources.pak@1!') twice.push(b);
    }
    expect(twice).toEqual([]);
  }, 60_000);

  // Nearest real-world variant: `makeself --nocomp` (an installer script, its payload an uncompressed tar appended), a tar inside a firmware image.
  it.skipIf(!has('tar'))(
    `an uncompressed tar after other bytes: its members walked, named by its offset; its clean twin gives nothing (seed ${rand.seed})`,
    async () => {
      const payload = (value: string) =>
        tool('sh', ['-c', 'mkdir -p agent && cp in agent/agent.conf && printf "x=1\\n" > agent/other && tar -cf - agent'], { in: env(value) });
      for (const before of [1, 3001, 300_000]) {
        const script = Buffer.from('#!/bin/sh\ntail -c +N "$0" | tar x\nexit 0\n');
        const file = (value: string) => Buffer.concat([script, rand.bytes(before), payload(value), rand.bytes(777)]);
        const at = script.length + before;
        expect(await auditFiles({ 'opt/agent/install.run': file(SECRET) })).toEqual([
          { severity: 'leak', what: 'token', path: `opt/agent/install.run@${at}!/agent/agent.conf` },
        ]);
        expect(await auditFiles({ 'opt/agent/install.run': file('clean-value-here') })).toEqual([]);
      }
    },
  );

  it(`a tar header cut by a chunk boundary anywhere is found once (its magic is 257 bytes in) (seed ${rand.seed})`, async () => {
    const tarBytes = tool('sh', ['-c', 'mkdir -p d && cp in d/f && tar -cf - d'], { in: env(SECRET) });
    const content = Buffer.concat([rand.bytes(5000), tarBytes, rand.bytes(300)]);
    for (let cut = 5000 - 40; cut <= 5000 + 560; cut += 7) {
      const found: number[] = [];
      const streams = new EmbeddedStreams(
        0,
        ({ offset, decoder }) => (decoder.name === 'tar' && found.push(offset) ? { push: () => undefined, end: () => undefined } : undefined),
        1000,
        () => undefined,
      );
      for (const piece of [content.subarray(0, cut), content.subarray(cut, cut + 300), content.subarray(cut + 300)]) await streams.push(piece);
      await streams.end();
      expect(found, `cut at ${cut}`).toEqual([5000]);
    }
  });

  it(`random binary content with no stream in it gives nothing (64 MiB: chance headers are tried and dropped) (seed ${rand.seed})`, async () => {
    expect(await auditFiles({ 'usr/lib/libbig.so': rand.bytes(64 << 20) })).toEqual([]);
  }, 60_000);

  // The search is one pass over the byte pairs at even offsets (`candidates`): a magic number is found at an odd offset
  // by its second pair (zlib's two bytes by the pair before), and a view at any byte offset is read aligned.
  it(`a stream's magic at every offset 0-9, in views at byte offsets 0-3, ending the view or not, is found (seed ${rand.seed})`, () => {
    const streams: Buffer[] = [deflateSync(Buffer.from(env(SECRET))), gzipSync(Buffer.from(env(SECRET))), zstdCompressSync(Buffer.from(env(SECRET)))];
    if (has('xz')) streams.push(tool('sh', ['-c', 'xz -c < in'], { in: env(SECRET) }));
    if (has('bzip2')) streams.push(tool('sh', ['-c', 'bzip2 -c < in'], { in: env(SECRET) }));
    const missed: string[] = [];
    for (const stream of streams) {
      const name = candidates(stream, 0)[0]?.kind.decoder.name;
      expect(name).toBeDefined();
      for (let lead = 0; lead < 10; lead++)
        for (let shift = 0; shift < 4; shift++)
          for (const after of [0, 1, 2, 3, 300]) {
            const whole = Buffer.concat([rand.bytes(shift + lead), stream, rand.bytes(after)]);
            const found = candidates(whole.subarray(shift), 0);
            if (!found.some((c) => c.at === lead && c.kind.decoder.name === name)) missed.push(`${name} at ${lead} (view at +${shift}, ${after} after)`);
          }
    }
    expect(missed).toEqual([]);
  });
  // The pass (`tripleCandidates`: the needles' first three bytes as classes, sixteen bytes a step) lets through every
  // place a needle starts: every needle, at every offset of a step, at the view's first and last bytes, in views at byte
  // offsets 0-3, is what a search per needle finds.
  it(`every needle where a Buffer.indexOf per needle finds it, at any offset, at a view's ends (seed ${rand.seed})`, () => {
    const differ: string[] = [];
    for (let round = 0; round < 400; round++) {
      const shift = round & 3;
      const length = rand.int(2, 40) + (round % 7 === 0 ? 300 : 0);
      const whole = Buffer.concat([rand.bytes(shift), rand.bytes(length)]);
      const view = whole.subarray(shift);
      // Needles planted at the start, at the end and anywhere (cut by the view's end too), over one another.
      for (let n = rand.int(1, 4); n > 0; n--) {
        const { needle } = rand.pick(KINDS);
        const where = rand.pick([0, 1, 2, 3, length - needle.length, length - needle.length - 1, length - 1, rand.int(length)]);
        if (where >= 0 && where < length) needle.copy(view, where, 0, Math.min(needle.length, length - where));
      }
      const got = candidates(view, 0, true).map((c) => ({ at: c.at, k: KINDS.indexOf(c.kind) }));
      if (JSON.stringify(got) !== JSON.stringify(bySearch(view))) differ.push(`${view.toString('hex')} at +${shift}: ${JSON.stringify(got)}`);
    }
    expect(differ).toEqual([]);
  });
  // The pass reads a chunk WINDOW bytes at a time, each window with the two bytes after it: a needle across a window's
  // end (its first byte the window's last, or the one before), at the chunk's last bytes and anywhere, in random bytes
  // and in text, is what a search per needle finds. Nearest real-world variant: a zip appended to a launch script, a git
  // pack inside a 1 MiB backup file, read in the layer's 256 KiB chunks.
  it(`long chunks: every needle, across the pass's windows, where a search per needle finds it (seed ${rand.seed})`, () => {
    const text = Buffer.from('const value = require("module"); function handler(event) { return event.body; } // usr/bin/SVN-lhs\n');
    const differ: string[] = [];
    for (let round = 0; round < 24; round++) {
      const length = rand.int(WINDOW + 3, 3 * WINDOW + 100);
      const view =
        round % 2
          ? rand.bytes(length)
          : Buffer.from(
              text
                .toString('latin1')
                .repeat(Math.ceil(length / text.length))
                .slice(0, length),
              'latin1',
            );
      for (let n = rand.int(10, 40); n > 0; n--) {
        const { needle } = rand.pick(KINDS);
        const edge = WINDOW * rand.int(1, Math.floor(length / WINDOW) + 1);
        const where = rand.pick([edge - 1, edge - 2, edge - 3, edge, length - needle.length, length - 2, rand.int(length)]);
        if (where >= 0 && where < length) needle.copy(view, where, 0, Math.min(needle.length, length - where));
      }
      const got = candidates(view, 0, true).map((c) => ({ at: c.at, k: KINDS.indexOf(c.kind) }));
      if (JSON.stringify(got) !== JSON.stringify(bySearch(view))) differ.push(`round ${round}, ${length} bytes`);
    }
    expect(differ).toEqual([]);
  });
});

describe('git, as git writes it', () => {
  it.skipIf(!has('git'))('an .env committed then removed: found in the loose object, and after git gc in the packfile', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'hoist-git-'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo, stdio: 'pipe' });
    try {
      git('init', '-q');
      writeFileSync(join(repo, 'README'), 'app\n'.repeat(100));
      writeFileSync(join(repo, '.env'), env(SECRET));
      git('add', '.');
      git('commit', '-qm', 'first');
      git('rm', '-q', '.env');
      git('commit', '-qm', 'remove');
      const objects = (dir: string) => readdirSync(join(repo, '.git', dir), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
      const loose = Object.fromEntries(
        objects('objects').map((e) => [`app/.git/${join(e.parentPath, e.name).slice(repo.length + 6)}`, readFileSync(join(e.parentPath, e.name))]),
      );
      const found = await auditFiles(loose);
      expect(found).toHaveLength(1);
      expect(found[0]!.path).toMatch(/^app\/\.git\/objects\/[0-9a-f]{2}\/[0-9a-f]{38}!$/);
      git('gc', '-q', '--aggressive');
      const pack = objects('objects/pack').find((e) => e.name.endsWith('.pack'))!;
      const packed = await auditFiles({ [`app/.git/objects/pack/${pack.name}`]: readFileSync(join(pack.parentPath, pack.name)) });
      expect(packed).toEqual([
        { severity: 'leak', what: 'token', path: expect.stringMatching(/^app\/\.git\/objects\/pack\/pack-[0-9a-f]{40}\.pack!\/[0-9a-f]{40}$/) },
      ]);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});

describe('encoded runs in text', () => {
  const helm = (value: string) =>
    Buffer.from(gzipSync(JSON.stringify({ name: 'app', config: { password: value }, manifest: 'x'.repeat(300) }))).toString('base64');

  it('a Helm release record (base64 of base64 of gzip of JSON, as kubectl shows the Secret)', async () => {
    const record = (value: string) =>
      `apiVersion: v1\nkind: Secret\ndata:\n  release: ${Buffer.from(helm(value)).toString('base64')}\ntype: helm.sh/release.v1\n`;
    const found = await auditFiles({ 'k8s/release.yaml': record(SECRET) });
    expect(found).toEqual([{ severity: 'leak', what: 'token', path: expect.stringMatching(/^k8s\/release\.yaml!\(base64 at \d+\)!\(base64 at 0\)!$/) }]);
    expect(await auditFiles({ 'k8s/release.yaml': record('clean-value-here') })).toEqual([]);
  });

  it(`a base64 run of a gzip inside a binary file (a .pyc constant, a Go string table): found whatever byte comes before it (seed ${rand.seed})`, async () => {
    const run = Buffer.from(gzipSync(JSON.stringify({ api_key: SECRET, pad: 'x'.repeat(200) })).toString('base64'));
    for (const before of [Buffer.from([0x00, 0x01]), Buffer.from('\x00k'), Buffer.from('\x00kQ'), Buffer.from('\x00kQz')]) {
      const found = await auditFiles({ 'app/settings.pyc': Buffer.concat([rand.bytes(300), before, run, Buffer.from('\x00\x02'), rand.bytes(200)]) });
      expect(found).toEqual([{ severity: 'leak', what: 'token', path: expect.stringMatching(/^app\/settings\.pyc!\(base64 at \d+\)!$/) }]);
    }
  });

  it('base64 of gzip wrapped at 76 columns (a ConfigMap binaryData value), and hex of zlib', async () => {
    const wrapped = helm(SECRET).replace(/.{76}/g, '$&\n    ');
    expect(await auditFiles({ 'k8s/cm.yaml': `binaryData:\n  settings.json.gz: |\n    ${wrapped}\n` })).toEqual([
      { severity: 'leak', what: 'token', path: expect.stringMatching(/^k8s\/cm\.yaml!\(base64 at \d+\)!$/) },
    ]);
    expect(await auditFiles({ 'etc/blob.txt': `blob=${deflateSync(env(SECRET)).toString('hex')}\n` })).toEqual([
      { severity: 'leak', what: 'token', path: 'etc/blob.txt!(hex at 5)!' },
    ]);
  });
});
