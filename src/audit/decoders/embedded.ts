/**
 * Compressed streams wherever they start inside content nothing else claimed: zlib (git loose
 * objects and packfiles, PDF FlateDecode, PNG zTXt/iTXt, Java serialization), gzip members, zstd
 * frames, xz, bzip2, lz4, lzip, lzop and compress streams, zip archives and cabinets (after a launch script, a self-extractor's code), 7z and LHA archives and UBI/UBIFS images (a firmware blob's parts). Each chunk is searched (one pass over its byte pairs, `candidates`) for the magic
 * numbers; a hit is checked cheaply (zlib: its header, its first deflate block's header in
 * JavaScript, then zlib on the first KiB; the others: the fields after their magic), and only then
 * opened and fed the content from there on, until its own end mark. Trials are bounded per file
 * (`maxStreams`), and a stream found this way that turns out damaged is named only once it gave
 * something: a chance match is not a finding.
 */
import { isBzip2 } from './bzip2.js';
import { isLz4, lz4 } from './lz4.js';
import { gzipMember, isGzip, isZstd, probeZlib, zlibStream, zstd } from './native.js';
import type { Decoder, Decoding } from './types.js';
import { isXz, xz } from './xz.js';
import { bzip2 } from './bzip2.js';
import { isZipLocal, zip } from './zip.js';
import { cab, isCab } from './cab.js';
import { compress, isCompress } from './compress.js';
import { isLzip, lzip } from './lzip.js';
import { isLzop, lzop } from './lzop.js';
import { tar } from './tar.js';
import { gitPack, packAt } from './gitpack.js';
import { tarHeaderAt } from '../tar.js';
import { isZisofs, zisofs } from './zisofs.js';
import { isSvndiff, svndiff } from './svndiff.js';
import { crc32 } from 'node:zlib';
import { sevenZip } from './sevenzip.js';
import { isUbi, isUbifs, ubifs } from './ubifs.js';
import { lha, lhaHeader } from './lha.js';
import { squashfs, squashfsCompression } from './squashfs.js';
import { cramfs, isCramfs } from './cramfs.js';
import { chunkedBody, chunkLineAt, httpMessage, sniffHttp } from './http-message.js';
import { tripleCandidates, tripleTables } from './runs-classify.js';

/** A UBIFS superblock node at `at`: its fixed fields (`isUbifs`) and its CRC-32, of the node after its first 8 bytes (4,096 bytes in all). */
const isUbifsAt = (b: Uint8Array, at: number): boolean =>
  isUbifs(b, at) &&
  b.length >= at + 4096 &&
  new DataView(b.buffer, b.byteOffset + at + 4, 4).getUint32(0, true) === (crc32(b.subarray(at + 8, at + 4096)) ^ 0xffffffff) >>> 0;
/** A 7z signature header at `at`: the signature, major version 0, and its start header's CRC-32 (of bytes 12..32) holding. */
const is7zAt = (b: Uint8Array, at: number): boolean =>
  b.length >= at + 32 &&
  b[at + 4] === 0x27 &&
  b[at + 5] === 0x1c &&
  b[at + 6] === 0 &&
  new DataView(b.buffer, b.byteOffset + at + 8, 4).getUint32(0, true) === crc32(b.subarray(at + 12, at + 32));

export interface Kind {
  needle: Buffer;
  /** Offset of the needle inside the stream's header (bzip2's block magic follows `BZh9`). */
  back: number;
  check: (bytes: Uint8Array, at: number) => boolean;
  decoder: Decoder;
}

export const KINDS: Kind[] = [
  ...[0x01, 0x5e, 0x9c, 0xda].map((flg) => ({ needle: Buffer.from([0x78, flg]), back: 0, check: probeZlib, decoder: zlibStream })),
  { needle: Buffer.from([0x1f, 0x8b, 0x08]), back: 0, check: isGzip, decoder: gzipMember },
  // From its second byte: the first is '(', which source text is full of, and each one met restarted the search.
  { needle: Buffer.from([0xb5, 0x2f, 0xfd]), back: 1, check: isZstd, decoder: zstd },
  { needle: Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), back: 0, check: isXz, decoder: xz },
  { needle: Buffer.from('1AY&SY'), back: 4, check: isBzip2, decoder: bzip2 },
  { needle: Buffer.from([0x04, 0x22, 0x4d, 0x18]), back: 0, check: isLz4, decoder: lz4 },
  // After an installer script (makeself --lzo, --compress, tar --lzip payloads): lzip's and lzop's long magic numbers,
  // and compress's only with the flags it writes by default (block mode, 16 bits), its magic being short.
  // (Needles of four bytes, the checks holding the rest of the magic: Buffer.indexOf's search for 'LZIP\x01' or a magic
  // with zero bytes in it took 5 to 25 times as long on binary content — 'MSCF\0\0\0\0' 0.2 ms a 256 KiB chunk.)
  { needle: Buffer.from('LZIP'), back: 0, check: isLzip, decoder: lzip },
  { needle: Buffer.from([0x89, 0x4c, 0x5a, 0x4f]), back: 0, check: isLzop, decoder: lzop },
  { needle: Buffer.from([0x1f, 0x9d, 0x90]), back: 0, check: isCompress, decoder: compress },
  // A zip after other bytes: a self-extracting archive, an executable Spring Boot jar (a launch script first).
  { needle: Buffer.from([0x50, 0x4b, 0x03, 0x04]), back: 0, check: isZipLocal, decoder: zip },
  // A cabinet after other bytes: a self-extracting installer's payload (its stub, then the .cab).
  { needle: Buffer.from('MSCF'), back: 0, check: isCab, decoder: cab },
  // A tar after other bytes (an installer script with its payload appended uncompressed, `makeself --nocomp`): its header's magic is 257 bytes in.
  { needle: Buffer.from('ustar'), back: 257, check: tarHeaderAt, decoder: tar },
  // A git pack inside other bytes (a bundle in a backup, a pack in a cache): read as a pack, its objects' zlib streams not again on their own.
  { needle: Buffer.from('PACK\0\0\0'), back: 0, check: packAt, decoder: gitPack },
  // A zisofs file inside an ISO image (xorriso --zisofs): its blocks, each a zlib stream found on its own too, joined.
  { needle: Buffer.from([0x37, 0xe4, 0x53, 0x96]), back: 0, check: isZisofs, decoder: zisofs },
  { needle: Buffer.from([0xef, 0x22, 0x55, 0xa1]), back: 0, check: isZisofs, decoder: zisofs },
  // Subversion's deltas inside an FSFS rev file (after `DELTA\n`), a dump or svnrdump's output: `SVN`, a version byte 0–2, a first window that checks.
  { needle: Buffer.from('SVN'), back: 0, check: isSvndiff, decoder: svndiff },
  // Images and archives in a firmware blob (a header or kernel, then the image; an installer's stub, then its payload),
  // each with a signature checked whole: 7z's start header CRC, UBI's erase-counter header CRC, UBIFS's superblock
  // node (magic, type, length, its CRC), an LHA header's checksum (levels 0/1) or CRC-16 (level 2).
  { needle: Buffer.from([0x37, 0x7a, 0xbc, 0xaf]), back: 0, check: is7zAt, decoder: sevenZip },
  { needle: Buffer.from('UBI#'), back: 0, check: (b, at) => isUbi(b.subarray(at)), decoder: ubifs },
  { needle: Buffer.from([0x31, 0x18, 0x10, 0x06]), back: 0, check: isUbifsAt, decoder: ubifs },
  { needle: Buffer.from('-lh'), back: 2, check: (b, at) => !!lhaHeader(b, at), decoder: lha },
  // A squashfs or cramfs root file system after a kernel: its superblock (squashfs: version 4, a block size its log
  // names; cramfs: its 16-byte signature). Found at its offset, a file cut across its blocks is joined.
  { needle: Buffer.from('hsqs'), back: 0, check: (b, at) => squashfsCompression(b.subarray(at)) !== undefined, decoder: squashfs },
  { needle: Buffer.from([0x45, 0x3d, 0xcd, 0x28]), back: 0, check: (b, at) => isCramfs(b.subarray(at)), decoder: cramfs },
  // An HTTP/1.x response kept as it went over the wire after other bytes (`curl -i --raw` output in a log, a capture,
  // a proxy's cache record): its chunked framing cuts a gzip body every chunk (a member found by its magic failed at the
  // first size line, silent when that came within its first 4 KiB) and a brotli body has no magic. Its status line
  // and a header line after it (`sniffHttp`).
  { needle: Buffer.from('HTTP/1.'), back: 0, check: (b, at) => sniffHttp(b.subarray(at)), decoder: httpMessage },
  // Its chunked body when its head is not read (damaged, or saved alone): a size line (1-6 hex digits) right before a
  // gzip or zstd magic.
  ...[
    [0x1f, 0x8b, 0x08],
    [0x28, 0xb5, 0x2f, 0xfd],
  ].flatMap((magic) =>
    [3, 4, 5, 6, 7, 8].map((back) => ({
      needle: Buffer.from(magic),
      back,
      check: (b: Uint8Array, at: number) => chunkLineAt(b, at, back),
      decoder: chunkedBody,
    })),
  ),
];
/** Archives found inside: while one is read, the headers inside it are its own (a pack's objects are zlib streams). */
const ARCHIVES = new Map<Decoder, Decoder[]>([
  [zip, [zip, tar]],
  [tar, [zip, tar]],
  [cab, [zip, tar, cab]],
  [gitPack, [zip, tar, gitPack, zlibStream]],
  // A UBI image's every erase block begins with `UBI#`, its volume's nodes with UBIFS's magic; an LHA archive's members each have a header.
  [ubifs, [ubifs]],
  [lha, [lha]],
  [sevenZip, [sevenZip]],
  // An HTTP message's body: its streams are its own (a chunked gzip body's member, found by its magic, would fail at the first size line).
  [httpMessage, [zlibStream, gzipMember, zstd, httpMessage, chunkedBody]],
  [chunkedBody, [zlibStream, gzipMember, zstd, httpMessage, chunkedBody]],
]);
// A held image (squashfs, cramfs) reads the rest of the content on as plain under its own path (`held-image.ts`): the
// streams in it (its blocks, what follows it) are found there, not again here.
for (const image of [squashfs, cramfs]) ARCHIVES.set(image, [...new Set(KINDS.map((k) => k.decoder))]);
/**
 * Bytes kept from the previous chunk, so a header cut by a chunk boundary is still seen — a whole
 * tar header (its magic is 257 bytes in, its checksum covers 512), a UBIFS superblock node (its
 * CRC covers 4,096).
 */
const CARRY = 4096;

export interface Found {
  /** Offset in the content where the stream starts. */
  offset: number;
  decoder: Decoder;
}

/** A byte pair as one 16-bit word reads it on this machine (its byte order). */
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const pairKey = (a: number, b: number): number => (LITTLE ? a | (b << 8) : (a << 8) | b);

/**
 * Every needle found in one pass over the pairs at even offsets (two bytes a load, both halves of a 32-bit word at
 * once), not by a Buffer.indexOf per needle: 25 searches cost 1.4-1.5 ms a MiB, this 0.5-0.6 (text and random bytes
 * alike). A needle of 3 bytes or more starting at an even offset holds its first pair there, at an odd one its
 * second pair; a needle of 2 (zlib's) starting at an odd offset is the second byte of any pair. `PAIRS` says, by
 * pair, which list of `LISTS` holds the needles (by their index in KINDS) and how far before the pair each starts.
 */
const { PAIRS, LISTS, NEXT } = (() => {
  const lists = new Map<number, Array<{ kind: number; off: number }>>();
  const add = (a: number, b: number, kind: number, off: number) => {
    const k = pairKey(a, b);
    lists.set(k, [...(lists.get(k) ?? []), { kind, off }]);
  };
  KINDS.forEach(({ needle: n }, kind) => {
    add(n[0]!, n[1]!, kind, 0);
    if (n.length >= 3) add(n[1]!, n[2]!, kind, 1);
    else for (let x = 0; x < 256; x++) add(x, n[0]!, kind, -1);
  });
  const pairs = new Uint16Array(65536);
  const distinct = new Map<string, number>();
  const out: Array<Array<{ kind: number; off: number }>> = [[]];
  for (const [k, list] of lists) {
    const key = JSON.stringify(list);
    if (!distinct.has(key)) distinct.set(key, out.push(list) - 1);
    pairs[k] = distinct.get(key)!;
  }
  // By list, the bytes that may follow its pair (at i + 2) in one of its needles: on random bytes one pair in 200 is in
  // a list (any byte then 0x78 may be a zlib header's first), and this byte turns most of them away in the loop.
  const next = new Uint8Array(out.length * 256);
  out.forEach((list, l) => {
    for (const { kind, off } of list) {
      const n = KINDS[kind]!.needle;
      const after = n[off + 2];
      if (after === undefined) next.fill(1, l * 256, l * 256 + 256);
      else next[l * 256 + after] = 1;
    }
  });
  return { PAIRS: pairs, LISTS: out, NEXT: next };
})();

/** The needles' first three bytes as the SIMD pass's classes (`tripleCandidates`). */
const TRIPLES = tripleTables(KINDS.map((k) => k.needle));
/** By a needle's first two bytes (`pairKey`), the kinds (their index in KINDS, in order) whose needle begins with them. */
const BY_START = new Map<number, number[]>();
KINDS.forEach(({ needle: n }, kind) => BY_START.set(pairKey(n[0]!, n[1]!), [...(BY_START.get(pairKey(n[0]!, n[1]!)) ?? []), kind]));

/**
 * Where, in `data` (the carried bytes then the chunk), streams start: sorted, those before `from` left out. `unchecked`
 * (tests): every place a needle is, its header not checked. Found by the SIMD pass of the needles' first three bytes
 * (`tripleCandidates`: a place in about 4,000 of random bytes passes, sixteen bytes a step, where the pairs' table
 * below — 128 KiB, out of the first-level cache — cost ~1.1 ns a byte of random content in the audit); by the pairs
 * where WebAssembly is not.
 */
export function candidates(data: Uint8Array, from: number, unchecked = false): Array<{ at: number; kind: Kind }> {
  const found: Array<{ at: number; kind: number }> = [];
  const places: number[] = [];
  if (tripleCandidates(TRIPLES, data, places)) {
    const buf = Buffer.from(data.buffer, data.byteOffset, data.length);
    for (const p of places) {
      const kinds = p + 1 < buf.length ? BY_START.get(pairKey(buf[p]!, buf[p + 1]!)) : undefined;
      if (kinds) for (const kind of kinds) needleAt(buf, p, kind, from, found, unchecked);
    }
  } else pairsFound(data, from, found, unchecked);
  // In offset order; at one offset, in KINDS' order (as a search per kind, in turn, gave them).
  return found.sort((a, b) => a.at - b.at || a.kind - b.kind).map(({ at, kind }) => ({ at, kind: KINDS[kind]! }));
}

/** Needle `kind` added to `found` when it is whole at `start` and its header checks. */
function needleAt(buf: Buffer, start: number, kind: number, from: number, found: Array<{ at: number; kind: number }>, unchecked: boolean): void {
  const { needle, back, check } = KINDS[kind]!;
  if (start < 0 || start + needle.length > buf.length) return;
  let k = 0;
  while (k < needle.length && buf[start + k] === needle[k]) k++;
  if (k < needle.length) return;
  const at = start - back;
  if (at >= from && (unchecked || check(buf, at))) found.push({ at, kind });
}

/** `candidates` by the pairs' table, where WebAssembly is not. */
function pairsFound(data: Uint8Array, from: number, found: Array<{ at: number; kind: number }>, unchecked: boolean): void {
  // The words are read aligned: a view at an offset not a multiple of 4 is copied (a chunk's file body is 512-aligned).
  const bytes = data.byteOffset & 3 ? new Uint8Array(data) : data;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2);
  // Two words (four pairs) a step: the loop's own cost halves (0.37 → 0.2 ms a MiB), the table is the same.
  const pairs = words.length & ~1;
  for (let j = 0; j < pairs; j += 2) {
    const w = words[j]!;
    const v = words[j + 1]!;
    const a = PAIRS[w & 0xffff]!;
    const b = PAIRS[w >>> 16]!;
    const c = PAIRS[v & 0xffff]!;
    const d = PAIRS[v >>> 16]!;
    if ((a | b | c | d) === 0) continue;
    const i = 4 * j;
    if (a !== 0 && NEXT[(a << 8) | bytes[i + 2]!] !== 0) needlesAt(buf, i, a, from, found, unchecked);
    if (b !== 0 && NEXT[(b << 8) | bytes[i + 4]!] !== 0) needlesAt(buf, i + 2, b, from, found, unchecked);
    if (c !== 0 && NEXT[(c << 8) | bytes[i + 6]!] !== 0) needlesAt(buf, i + 4, c, from, found, unchecked);
    if (d !== 0 && (i + 8 >= bytes.length || NEXT[(d << 8) | bytes[i + 8]!] !== 0)) needlesAt(buf, i + 6, d, from, found, unchecked);
  }
  for (let i = pairs * 4; i + 1 < bytes.length; i += 2) {
    const list = PAIRS[pairKey(bytes[i]!, bytes[i + 1]!)]!;
    if (list !== 0) needlesAt(buf, i, list, from, found, unchecked);
  }
}

/** The needles of list `list` (of LISTS) that begin around the pair at `i` and whose headers check, added to `found`. */
function needlesAt(buf: Buffer, i: number, list: number, from: number, found: Array<{ at: number; kind: number }>, unchecked: boolean): void {
  const entries = LISTS[list]!;
  for (let e = 0; e < entries.length; e++) needleAt(buf, i - entries[e]!.off, entries[e]!.kind, from, found, unchecked);
}

/**
 * The junction of a chunk with the one before: `carry` (at most CARRY bytes) and the chunk's first bytes (at most CARRY),
 * in one buffer made once and written again for every junction — it is only searched (`candidates`, at once, keeping no
 * view of it), never handed to a decoder. Each push made one (8 KiB): bench/audit.ts's archives row made 5,415 (42 MiB).
 */
const JUNCTION = Buffer.allocUnsafeSlow(2 * CARRY);
function joined(carry: Uint8Array, head: Uint8Array): Buffer {
  JUNCTION.set(carry, 0);
  JUNCTION.set(head, carry.length);
  return JUNCTION.subarray(0, carry.length + head.length);
}

/**
 * The streams inside one content. `open(found)` opens a decoding for a stream found at an offset;
 * it is fed from there on, chunk by chunk, until it says it finished.
 */
export class EmbeddedStreams {
  #carry = new Uint8Array(0);
  #offset = 0;
  #active: Decoding[] = [];
  /** An archive found inside (zip, tar): its own later headers are its members', not archives of their own. */
  #archive: { decoding: Decoding; inner: Decoder[] } | undefined;
  /** The offsets of streams opened from the previous chunk's last CARRY bytes: the junction with the next finds them again. */
  #recent: number[] = [];
  #opened = 0;

  constructor(
    /** Streams starting before this offset are not looked for (the one a decoder at byte 0 already reads). */
    readonly from: number,
    readonly open: (found: Found) => Decoding | undefined,
    readonly maxStreams: number,
    readonly tooMany: () => void,
  ) {}

  async push(chunk: Uint8Array): Promise<void> {
    for (const d of this.#active) if (!d.finished) await d.push(chunk);
    await this.#settle();
    const carry = this.#carry;
    const junction = carry.length ? joined(carry, chunk.subarray(0, CARRY)) : undefined;
    // Headers that start in the carried bytes (checked now that their end is here), then those inside the chunk.
    const recent = this.#recent;
    this.#recent = [];
    const found = [
      ...(junction ? candidates(junction, 0).filter((c) => c.at < carry.length && !recent.includes(this.#offset - carry.length + c.at)) : []),
      ...candidates(chunk, 0).map((c) => ({ ...c, at: c.at + carry.length })),
    ];
    for (const { at, kind } of found) {
      if (at >= carry.length + chunk.length - CARRY) this.#recent.push(this.#offset - carry.length + at);
      // Until the chunk in which it ends is over: its headers after it in the chunk were read already.
      if (this.#archive?.inner.includes(kind.decoder)) continue;
      if (this.#offset - carry.length + at < this.from) continue;
      if (this.#opened++ >= this.maxStreams) {
        if (this.#opened === this.maxStreams + 1) this.tooMany();
        break;
      }
      const d = this.open({ offset: this.#offset - carry.length + at, decoder: kind.decoder });
      if (!d) continue;
      // Over as it opens: a member its decoder read already as part of one content (`concatenated.ts`), not a stream
      // of its own to count — a BGZF file of 20,000 members is one stream, read whole.
      if (d.finished) {
        this.#opened--;
        continue;
      }
      this.#active.push(d);
      const inner = ARCHIVES.get(kind.decoder);
      if (inner) this.#archive = { decoding: d, inner };
      if (at < carry.length) await d.push(carry.subarray(at));
      await d.push(chunk.subarray(Math.max(0, at - carry.length)));
    }
    this.#offset += chunk.length;
    this.#carry = chunk.length >= CARRY ? chunk.slice(chunk.length - CARRY) : Buffer.concat([carry, chunk]).subarray(-CARRY);
    // A chunk shorter than CARRY leaves bytes of the carry before it in the next carry: the streams opened there stay
    // recent, or the next junction opened them again (a second decoder over the same stream, its content read twice).
    const carried = this.#offset - this.#carry.length;
    for (const o of recent) if (o >= carried && !this.#recent.includes(o)) this.#recent.push(o);
    // An archive that ended in this chunk owned the headers in it, found above; from the next chunk on, none.
    if (this.#archive?.decoding.finished) this.#archive = undefined;
    await this.#settle();
  }

  async end(): Promise<void> {
    for (const d of this.#active.splice(0)) await d.end();
  }

  /** Streams that reached their end are closed. */
  async #settle(): Promise<void> {
    const finished = this.#active.filter((d) => d.finished);
    if (!finished.length) return;
    this.#active = this.#active.filter((d) => !d.finished);
    for (const d of finished) await d.end();
  }
}
