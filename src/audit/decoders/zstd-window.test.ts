// Property: a zstd frame is bounded by its output, not by the window it declares — a frame declaring a window above
// the audit's 8 MiB bound is read whole while its output stays within 8 MiB (a match never reaches back past the
// frame's start), and cut (named) once it passes 8 MiB; the frames after a frame cut or passed over are another content
// (`path@offset!`), never joined to the one before it, so a tar reader never reads the next file's header as the
// previous file's bytes and never names a value at a wrong path (`a-noise.txt@227!/srv/chunked/b.env`).
// Nearest real-world variants: buildah/podman's zstd:chunked blob kept as a file in an image (a frame per file, one
// declaring 32 MiB and no content size for a 3 MB file), `tar c … | zstd --long=26`, `zstd --ultra -22` of a big file.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tarOf } from '../../../test/support/tar.js';
import { seededPerTest } from '../../../test/support/random.js';
import { decodeWith } from './decode.testing.js';
import { zstd } from './native.js';
import { auditFiles, has, SECRET } from './testing.js';

/** Generated inputs, from this seed before each test (HOIST_TEST_SEED replaces it); the tests that draw name it. */
const rand = seededPerTest(1);

const MiB = 2 ** 20;
/** zstd from a pipe: no content size in the frame header, so the declared window is the window the level or flags set. */
const zst = (input: Uint8Array, args: string[] = []) => execFileSync('zstd', ['-q', '-c', ...args], { input, maxBuffer: 1 << 28 });
const noise = (n: number) => Buffer.from(rand.bytes(Math.ceil((n * 3) / 4)).toString('base64')).subarray(0, n);
/** The declared window of the one frame `z` starts with (its descriptor; a single-segment frame's is its content size). */
function declared(z: Uint8Array): number {
  const d = z[4]!;
  if ((d >> 5) & 1) {
    const [n, at] = [[1, 2, 4, 8][d >> 6]!, 5 + [0, 1, 2, 4][d & 3]!];
    let v = 0;
    for (let k = n - 1; k >= 0; k--) v = v * 256 + z[at + k]!;
    return v + (n === 2 ? 256 : 0);
  }
  return 2 ** (10 + (z[5]! >> 3)) * (1 + (z[5]! & 7) / 8);
}

/** Offsets in a tar of `a` then `b` (512-byte headers): where b's header starts, where b's content starts and ends. */
function tarCuts(tar: Buffer, aSize: number) {
  const bHeader = 512 + Math.ceil(aSize / 512) * 512;
  expect(tar.subarray(bHeader, bHeader + 100).toString()).toMatch(/^srv\/chunked\/b\.env\0/);
  return { aEnd: 512 + aSize, bHeader, bData: bHeader + 512 };
}

/**
 * A 2-file tar cut into frames the way buildah's zstd:chunked cuts it (checked against a real buildah blob: headers in
 * one frame, each file's content in its own, the first from a pipe declaring 32 MiB and no size; then padding and the
 * next header; then b.env; then the tar's end). `aArgs` are the first content frame's flags.
 */
async function chunkedLike(a: Buffer, env: string, aArgs: string[]): Promise<{ blob: Buffer; parts: Buffer[] }> {
  const tar = Buffer.from(await tarOf({ 'srv/chunked/a-noise.txt': a, 'srv/chunked/b.env': env }));
  const { aEnd, bData } = tarCuts(tar, a.length);
  const parts = [zst(tar.subarray(0, 512)), zst(tar.subarray(512, aEnd), aArgs), zst(tar.subarray(aEnd, bData)), zst(tar.subarray(bData))];
  return { blob: Buffer.concat(parts), parts };
}

const leakAt = (path: string) => ({ severity: 'leak', what: 'token', path });
const leaks = (found: Array<{ severity: string }>) => found.filter((f) => f.severity === 'leak');

describe.skipIf(!has('zstd'))('zstd frames bounded by their output, never joined across a gap', () => {
  it(`a frame declaring a 32 MiB window for 3 MB (buildah's zstd:chunked): read whole, no limit; the value in b.env is found at …/b.env; the clean twin passes (seed ${rand.seed})`, async () => {
    const a = noise(2_971_933);
    const { blob, parts } = await chunkedLike(a, `API_TOKEN=${SECRET}\n`, ['--zstd=wlog=25']);
    expect(declared(parts[1]!)).toBe(32 * MiB);
    const decoded = await decodeWith(zstd, blob, { chunk: 65_536 });
    expect(decoded.limits).toEqual([]);
    expect(decoded.out.equals(execFileSync('zstd', ['-dc'], { input: blob, maxBuffer: 1 << 28 }))).toBe(true);
    expect(await auditFiles({ 'srv/layer.tar.zst': blob })).toEqual([leakAt('srv/layer.tar.zst!/srv/chunked/b.env')]);
    const clean = await chunkedLike(a, 'API_TOKEN=nothing-to-see-here-at-all\n', ['--zstd=wlog=25']);
    expect(await auditFiles({ 'srv/layer.tar.zst': clean.blob })).toEqual([]);
  }, 60_000);

  it(`a frame whose matches reach 10 MB back (zstd --long=26, 64 MiB) is cut at 8 MiB and named; b.env in the next frame is found at @offset!/…/b.env, never inside a-noise.txt (seed ${rand.seed})`, async () => {
    const half = noise(10 * MiB);
    const a = Buffer.concat([half, half]);
    const { blob, parts } = await chunkedLike(a, `API_TOKEN=${SECRET}\n`, ['--long=26']);
    expect(declared(parts[1]!)).toBe(64 * MiB);
    const decoded = await decodeWith(zstd, blob, { chunk: 65_536 });
    const whole = execFileSync('zstd', ['-dc', '--long=26'], { input: blob, maxBuffer: 1 << 28 });
    expect(decoded.limits).toEqual([
      "the rest of a zstd frame with a 64 MiB window (zstd --long or --ultra) after its first 8 MiB, where its matches may reach farther back than the audit's 8 MiB memory bound: not audited",
    ]);
    // What was read is the stream's own bytes: the first 512 + 8 MiB, then the frames after the cut.
    expect(decoded.out.equals(Buffer.concat([whole.subarray(0, 512 + 8 * MiB), whole.subarray(512 + a.length)]))).toBe(true);
    const found = await auditFiles({ 'srv/layer.tar.zst': blob });
    // The value's frame holds it as a raw literal too: found in the file's own bytes as well, never under a-noise.txt.
    const limit = {
      severity: 'limit',
      what: "not fully audited: the rest of a zstd frame with a 64 MiB window (zstd --long or --ultra) after its first 8 MiB, where its matches may reach farther back than the audit's 8 MiB memory bound: not audited",
      path: 'srv/layer.tar.zst',
    };
    const next = parts[0]!.length + parts[1]!.length;
    expect(found).toEqual(expect.arrayContaining([leakAt(`srv/layer.tar.zst@${next}!/srv/chunked/b.env`), limit]));
    expect(found.filter((f) => f.path.includes('a-noise') || (f.severity === 'leak' && !f.path.endsWith('b.env') && f.path !== 'srv/layer.tar.zst'))).toEqual(
      [],
    );
    const clean = await chunkedLike(a, 'API_TOKEN=nothing-to-see-here-at-all\n', ['--long=26']);
    expect(await auditFiles({ 'srv/layer.tar.zst': clean.blob })).toEqual([limit]);
  }, 120_000);

  it(`one --long=26 frame holding both files, its matches reaching 10 MB back: a named limit, no finding at a wrong path; the clean twin has no leak (seed ${rand.seed})`, async () => {
    const half = noise(10 * MiB);
    const layer = async (v: string) =>
      zst(await tarOf({ 'srv/chunked/a-noise.txt': Buffer.concat([half, half]), 'srv/chunked/b.env': `API_TOKEN=${v}\n` }), ['--long=26']);
    const limit = {
      severity: 'limit',
      what: "not fully audited: the rest of a zstd frame with a 64 MiB window (zstd --long or --ultra) after its first 8 MiB, where its matches may reach farther back than the audit's 8 MiB memory bound: not audited",
      path: 'srv/layer.tar.zst',
    };
    // b.env's bytes are past the cut: a named miss. Its value stands as a raw literal in the compressed bytes, found there.
    const found = await auditFiles({ 'srv/layer.tar.zst': await layer(SECRET) });
    expect(found.filter((f) => f.path !== 'srv/layer.tar.zst')).toEqual([]);
    expect(found).toContainEqual(limit);
    expect(await auditFiles({ 'srv/layer.tar.zst': await layer('nothing-to-see-here-at-all') })).toEqual([limit]);
  }, 120_000);

  const CUT = expect.stringMatching(/^the rest of a zstd frame with a \d+ MiB window .* after its first 8 MiB/);
  it(`random sizes across 8 MiB, windows 1-64 MiB declared, from a pipe or a file: read whole while window or output is within 8 MiB, else the first 8 MiB and one limit (seed ${rand.seed})`, async () => {
    for (let round = 0; round < 6; round++) {
      // Round 0: a frame past both bounds (cut); round 1: a wide window within the output bound (read whole).
      const size = round === 0 || (round > 1 && rand.int(3) === 0) ? rand.int(8 * MiB + 1, 10 * MiB) : rand.int(1000, 4 * MiB);
      const wlog = round < 2 ? rand.int(24, 27) : rand.int(20, 27);
      const input = noise(size);
      const z = zst(input, ['-1', `--zstd=wlog=${wlog}`, ...(rand.int(2) ? ['--long=' + wlog] : [])]);
      const window = declared(z);
      const { out, limits } = await decodeWith(zstd, z, { chunk: rand.int(1000, 200_000) });
      const label = `round ${round}: ${size} bytes, window ${window}`;
      const whole = window <= 8 * MiB || size <= 8 * MiB;
      expect(limits, label).toEqual(whole ? [] : [CUT]);
      expect(out.equals(whole ? input : input.subarray(0, 8 * MiB)), label).toBe(true);
    }
  }, 120_000);

  it('a frame declaring more than 128 MiB (--long=28) is passed over and named; the frame after it is another content at @offset!', async () => {
    const first = zst(Buffer.from('before\n'));
    const long = zst(noise(50_000), ['--long=28']);
    const blob = Buffer.concat([first, long, zst(Buffer.from(`API_TOKEN=${SECRET}\n`))]);
    const { out, limits } = await decodeWith(zstd, blob, { chunk: 4096 });
    expect(out.toString()).toBe(`before\nAPI_TOKEN=${SECRET}\n`);
    expect(limits).toEqual(['a zstd frame with a 256 MiB window (zstd --long=28 or more), above the 128 MiB a zstd decoder takes by default: not audited']);
    expect(leaks(await auditFiles({ 'var/log/app.log.zst': blob }))).toEqual([leakAt(`var/log/app.log.zst@${first.length + long.length}!`)]);
  });
});

describe.skipIf(!has('zstd'))('a zstd stream found inside other bytes (one frame read)', () => {
  it(`a frame declaring 32 or 64 MiB after 777 random bytes is read and its value found at @777! (the old bound passed it over with no word); the clean twin passes (seed ${rand.seed})`, async () => {
    const body = (v: string) => Buffer.concat([noise(3_000_000), Buffer.from(`\nAPI_TOKEN=${v}\n`)]);
    for (const args of [['--zstd=wlog=25'], ['--long=26']]) {
      const file = (v: string) => Buffer.concat([rand.bytes(777), zst(body(v), args), rand.bytes(333)]);
      expect(await auditFiles({ 'opt/app/data.bin': file(SECRET) }), args.join(' ')).toEqual([leakAt('opt/app/data.bin@777!')]);
      expect(await auditFiles({ 'opt/app/data.bin': file('nothing-to-see-here-at-all') }), args.join(' ')).toEqual([]);
    }
  }, 60_000);
});
