/**
 * R's lazy-load databases (`.rdb`, indexed by the `.rdx` beside it): an installed package's `R/<pkg>.rdb`,
 * `R/sysdata.rdb`, `data/Rdata.rdb` (`LazyData: true`; `LazyDataCompression: xz|bzip2|gzip`, `R CMD INSTALL
 * --data-compress=`), `help/<pkg>.rdb`, and what `tools:::makeLazyLoadDB(compress = 1|2|3)` writes. Each object is
 * written one after the other: its serialized length (4 bytes, big-endian), then for compress = 2 or 3 a type byte —
 * `Z` xz, `2` bzip2, `1` zlib, `0` stored — and the compressed bytes; for compress = 1 (TRUE) a zlib stream right after the length.
 * R's `Z` body is raw LZMA2 (liblzma's raw encoder): no xz container, no magic, so it was read by nothing. zlib and
 * bzip2 bodies have their magic and are found inside the file's bytes, which are written on as plain (the first length
 * zeroed, so the copy is not claimed again); the `Z` entries are found wherever the length, the `Z` and a first LZMA2
 * chunk's shape meet (`lzma2HeadHolds`, its output no more than the declared length) and decoded to `FILE@OFFSET!` (the
 * offset of the LZMA2 stream), one stream each, as a stream found inside other bytes is named.
 */
import { lzma2HeadHolds, rawLzma2 } from './lzma-raw.js';
import type { Decoder, DecodeEnv, Decoding } from './types.js';

const Z = 0x5a;
/** The bytes a `Z` entry's check reads: the length before it, the type byte, the first chunk's header and range byte. */
const BEFORE = 4;
const AFTER = 12;
/** The most `Z` entries decoded at once: real ones follow each other (each ends before the next begins). */
const MAX_OPEN = 8;
/** The most an object may declare: R's lazy-load lengths are 32-bit and signed. */
const MAX_LENGTH = 2 ** 31 - 1;

const be32 = (b: Uint8Array, at: number) => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

/** Whether a `Z` entry starts at `b[at]` (its length at at - 4): the body's first LZMA2 chunk makes no more than the length. */
export function zEntryAt(b: Uint8Array, at: number): boolean {
  if (at < BEFORE || b[at] !== Z) return false;
  const length = be32(b, at - BEFORE);
  const chunk = lzma2HeadHolds(b, at + 1);
  return chunk !== undefined && length > 0 && length <= MAX_LENGTH && chunk.unpacked <= length;
}

/** The type an entry at byte 0 has: a type byte R writes, or a zlib header right after the length. */
function firstEntry(h: Uint8Array): 'Z' | 'other' | undefined {
  if (h.length < 8) return undefined;
  const length = be32(h, 0);
  if (length === 0 || length > MAX_LENGTH) return undefined;
  if (zEntryAt(h, 4)) return 'Z';
  const t = h[4]!;
  if ((t === 0x32 && h[5] === 0x42 && h[6] === 0x5a && h[7] === 0x68) || t === 0x30 || (t === 0x31 && h[5] === 0x78)) return 'other';
  return t === 0x78 && (t * 256 + h[5]!) % 31 === 0 ? 'other' : undefined;
}

/** What a `Z` entry whose stream fails must have given to be named: less is a chance shape, not an entry. */
const QUIET = 4096;

/** The env of the `Z` entry at byte `at`: its output to `FILE@AT!`, its failure named only past QUIET bytes. */
function entryEnv(env: DecodeEnv, at: number, failed: () => void): DecodeEnv {
  let out = 0;
  const path = `${env.path}@${at}`;
  return {
    path,
    trial: true,
    scope: env.scope,
    ratio: env.ratio,
    get stopped() {
      return env.stopped;
    },
    open: () => env.openAt(`${path}!`),
    openAt: (p) => env.openAt(p),
    limit: (what, p) => {
      failed();
      if (out >= QUIET) env.limit(what, p ?? path);
    },
    allow: (n) => ((out += n), env.allow(n)),
  };
}

/** The file written on as plain (its first length zeroed) and every `Z` entry decoded as it streams. */
function open(env: DecodeEnv): Decoding {
  const plain = env.openAt(env.path);
  let seen = 0;
  /** The last bytes seen, kept for a `Z` entry's check across pushes; every place before `checked` was looked at. */
  let tail: Uint8Array = new Uint8Array(0);
  let checked = BEFORE;
  let runs: { run: Decoding & { readonly finished: boolean }; over: boolean }[] = [];
  let crowded = false;
  /** The entries that ended (their end chunk) or failed: closed, and no longer open. */
  const prune = async () => {
    const over = runs.filter((r) => r.over || r.run.finished);
    for (const r of over) await r.run.end();
    if (over.length) runs = runs.filter((r) => !over.includes(r));
  };
  return {
    async push(bytes) {
      if (env.stopped) return;
      const copy = seen < BEFORE ? Buffer.from(bytes) : bytes;
      if (seen < BEFORE) copy.fill(0, 0, Math.min(BEFORE - seen, copy.length));
      if (env.allow(bytes.length)) await plain.write(copy);
      for (const r of runs) if (!r.over) await r.run.push(bytes);
      const joined = Buffer.concat([tail, bytes]);
      const base = seen - tail.length;
      for (let i = joined.indexOf(Z, checked - base); i >= 0 && i + AFTER <= joined.length; i = joined.indexOf(Z, i + 1)) {
        if (!zEntryAt(joined, i)) continue;
        await prune();
        if (runs.length >= MAX_OPEN) {
          if (!crowded) env.limit(`more than ${MAX_OPEN} xz objects begin inside one another: the rest are not read`);
          crowded = true;
          continue;
        }
        const r = { run: undefined as unknown as Decoding & { readonly finished: boolean }, over: false };
        r.run = rawLzma2(entryEnv(env, base + i + 1, () => void (r.over = true)));
        runs.push(r);
        await r.run.push(joined.subarray(i + 1));
      }
      checked = Math.max(checked, base + joined.length - AFTER + 1);
      seen += bytes.length;
      tail = joined.subarray(Math.max(0, joined.length - (BEFORE + AFTER)));
      await prune();
    },
    async end() {
      await plain.end();
      for (const r of runs) await r.run.end();
    },
  };
}

export const rLazyLoad: Decoder = {
  name: 'R lazy-load database',
  sniff: (h, path) => {
    const first = firstEntry(h);
    return first === 'Z' || (first === 'other' && /\.rdb$/i.test(path));
  },
  open,
};
