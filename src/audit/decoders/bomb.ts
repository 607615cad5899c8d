/**
 * A decompression bomb told apart from content: a stream that, past its first BOMB_AFTER bytes of output, has made
 * more than BOMB_RATIO bytes for each byte of its input consumed. Deflate bounds its own expansion at 1032 to 1
 * (`DEFLATE_MAX_RATIO`), and the audit let a deflate stream expand that much (a blank PNG's IDAT does), so a stream of
 * zeros ran to its file's byte bound (1 GiB: ~3 s of CPU for `head -c 1G /dev/zero | gzip`), and what the file held
 * after it — the next member of a tar, a zip, a git pack, the next dataset of an HDF5 file — was then named, not read.
 * Now deflate's 1032 holds only for a stream's first BOMB_AFTER bytes; past them it is held to the audit's own ratio,
 * as every other format is. A bomb is named as one as soon as it is told (at its own path: the rest of the stream not
 * audited) and its output no longer counts against the file's bounds; where the container needs the stream's end to
 * read on (a git pack's next object, a zip member written with a data descriptor), the stream is inflated on to its
 * end with its output dropped (native zlib: ~0.3 s for 192 MiB of zeros).
 *
 * The ratio is the audit's default (`DEFAULT_LIMITS.ratio`), not deflate's: `gzip -6` of zeros expands 1030 times,
 * pigz's (a sync flush every 128 KiB) 916, `gzip -1`'s 229. Real content past 64 MiB that expands more than 200 times is
 * a run of one pattern (a file of zeros, a blank image's rows, an empty disk image): named too (what passes a bound is
 * named, never passed in silence), and nothing of it is lost but its size. BOMB_AFTER is 64 MiB so that flat content
 * of ordinary sizes (a 24 MiB blank log, a screenshot's IDAT) is read whole and not named (`flat-deflate.test`). The ratio is taken over the whole stream,
 * from its start.
 *
 * Zeros are not a bomb's measure (session 58): a sparse disk image (`truncate -s 1G` + `mkfs.ext4`, `qemu-img`'s raw or
 * VDI) xz'd or gzip'd expands thousands of times — its free blocks — and was named a bomb at its first 64 MiB (xz: at
 * 200 times its input), the files past that point never read. Whole 4 KiB pieces of zeros in a stream's output
 * (`zeroBytes`) count against neither its ratio nor the file's bounds, up to ZEROS_FREE a stream; past that they
 * count as any byte, so a bomb of zeros is still named (once it has made ZEROS_FREE and then its ratio again) and a
 * bomb of anything else (a repeated line, a repeated pattern) is named as before.
 */

import type { DecodeEnv } from './types.js';

/** Output bytes per input byte consumed above which a stream that made more than BOMB_AFTER is a bomb (the audit's ratio). */
export const BOMB_RATIO = 200;
/** Output a stream makes before its ratio is judged: a bomb costs at most this (and the inflation of its rest). */
export const BOMB_AFTER = 64 * 1024 * 1024;

/**
 * Whether `out` bytes made from `consumed` bytes of input make a bomb. `after`: a git pack's object is judged past its
 * first MiB, before the pack's own ratio bound (200, with a MiB of slack: gitpack.ts bounds no expansion of its own)
 * stops the whole pack and the objects after the bomb with it.
 */
export const isBomb = (out: number, consumed: number, after = BOMB_AFTER, zeros = 0): boolean => {
  const counted = out - Math.min(zeros, ZEROS_FREE);
  return counted > after && counted > BOMB_RATIO * consumed;
};

/** The zeros a stream may make free of its ratio and its file's bounds: a sparse 1 GiB disk image's (~0.4 s to inflate, 1 s to scan). */
export const ZEROS_FREE = 1024 ** 3;
const PIECE = 4096;
const ZERO_PIECE = new Uint8Array(PIECE);
/** The bytes of `chunk` in whole 4 KiB pieces (at multiples of 4 KiB into it) that are all zeros: a sparse image's free blocks. */
export function zeroBytes(chunk: Uint8Array): number {
  let n = 0;
  for (let i = 0; i + PIECE <= chunk.length; i += PIECE) {
    // Content's pieces mostly fail at their first or last byte, before the compare.
    if (chunk[i] !== 0 || chunk[i + PIECE - 1] !== 0) continue;
    if (Buffer.compare(chunk.subarray(i, i + PIECE), ZERO_PIECE) === 0) n += PIECE;
  }
  return n;
}

const BOMB = 'a decompression bomb (';
/** The limit said of a bomb (`out`: its output when told). */
export const bombText = (out: number): string =>
  `${BOMB}${Math.round(out / 2 ** 20)} MiB made at more than ${BOMB_RATIO} times its input): the rest of it is not audited`;
/** Whether a limit said is a bomb's (bombText, or a failure that quotes it: a gzip member's). */
export const isBombText = (what: string): boolean => what.includes(BOMB);

/** What each DecodeEnv's bombs made before they were named. */
const MADE = new WeakMap<object, number>();
/**
 * Names a bomb of `env` that made `out` bytes, at `at` (a member, an object; else the env's own content, which stops).
 * Its bytes are remembered: the content's own bound on deflate (nested.ts) leaves them out, so the members after a
 * bomb member are read, not taken for a bomb of the container.
 */
export function nameBomb(env: DecodeEnv, out: number, at?: string): void {
  MADE.set(env, (MADE.get(env) ?? 0) + out);
  env.limit(bombText(out), at);
}
/** The bytes `env`'s named bombs made (`nameBomb`). */
export const bombsMade = (env: object): number => MADE.get(env) ?? 0;
