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
const RDB = /\.rdb$/i;
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

/**
 * Whether an object R writes begins at `b[at]`: a length, then a `Z` entry (its first LZMA2 chunk an LZMA one, or a
 * stored one with the dictionary reset: liblzma's for bytes that do not shrink) or the type byte of a zlib, bzip2 or stored one.
 */
function objectAt(b: Uint8Array, at: number): boolean {
  const length = be32(b, at);
  const type = b[at + BEFORE]!;
  const zStored = type === Z && b[at + BEFORE + 1] === 1;
  return length > 0 && length <= MAX_LENGTH && (zEntryAt(b, at + BEFORE) || zStored || [0x30, 0x31, 0x32].includes(type));
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

/**
 * The env of the `Z` entry at byte `at`: its output to `FILE@AT!`, its failure named past QUIET bytes — or always when
 * `vouched` (the first entry of a file named `.rdb`, or one beginning where a whole entry ended: LZMA2 hands out
 * nothing of a chunk it does not have whole, so a cut object gives no bytes at all).
 */
function entryEnv(env: DecodeEnv, at: number, vouched: boolean, failed: () => void): DecodeEnv {
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
      if (vouched || out >= QUIET) env.limit(what, p ?? path);
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
  let runs: { run: Decoding & { readonly finished: boolean; readonly consumed: number }; over: boolean; start: number }[] = [];
  let crowded = false;
  /** Where the entries that ended whole ended: the next entry's length begins there (R writes them one after another). */
  const ends = new Set<number>();
  /** Those ends whose next object is not yet seen whole enough to check (`objectAt`). */
  let awaiting: number[] = [];
  const broken = (at: number) => env.limit(`a damaged R lazy-load database: no object where the one before it ended (byte ${at})`);
  /** The entries that ended (their end chunk) or failed: closed, and no longer open. */
  const prune = async () => {
    const over = runs.filter((r) => r.over || r.run.finished);
    for (const r of over) {
      if (r.run.finished && !r.over) {
        ends.add(r.start + r.run.consumed);
        awaiting.push(r.start + r.run.consumed);
      }
      await r.run.end();
    }
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
        const start = base + i + 1;
        const r = { run: undefined as unknown as Decoding & { readonly finished: boolean; readonly consumed: number }, over: false, start };
        r.run = rawLzma2(entryEnv(env, start, (start === BEFORE + 1 && RDB.test(env.path)) || ends.has(start - 1 - BEFORE), () => void (r.over = true)));
        runs.push(r);
        await r.run.push(joined.subarray(i + 1));
      }
      checked = Math.max(checked, base + joined.length - AFTER + 1);
      seen += bytes.length;
      tail = joined.subarray(Math.max(0, joined.length - (BEFORE + AFTER)));
      await prune();
      awaiting = awaiting.filter((e) => {
        if (e - base + BEFORE + AFTER > joined.length) return true;
        if (e >= base && !objectAt(joined, e - base)) broken(e);
        return false;
      });
    },
    async end() {
      await plain.end();
      for (const r of runs) await r.run.end();
      // An object cut inside its own head (its length, type byte and first chunk's header).
      for (const e of awaiting) if (seen > e && !env.stopped) broken(e);
    },
  };
}

export const rLazyLoad: Decoder = {
  name: 'R lazy-load database',
  sniff: (h, path) => {
    const first = firstEntry(h);
    return first === 'Z' || (first === 'other' && RDB.test(path));
  },
  open,
};
