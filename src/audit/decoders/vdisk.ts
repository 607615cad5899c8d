/**
 * Virtual machine disks whose clusters are compressed one by one: qcow2 (`qemu-img convert -c`: a
 * KubeVirt containerDisk's /disk/disk.qcow2, a cloud image; each compressed cluster raw deflate — no
 * header, so no search inside finds it — or, under compression type 1, a zstd frame) and VMDK's
 * streamOptimized extents (OVA appliances, Packer output: zlib grains after markers). A search inside
 * finds a zstd or zlib cluster on its own, but a file system cut to one cluster is read as an image
 * cut short, and a file across two clusters is cut. So the disk is held up to MAX_DISK and at its end
 * written as the guest sees it (`disk.qcow2!`: clusters in order, a hole as zeros, up to the guest's
 * size or past its last cluster by at most MAX_HOLE), where the file system's reader finds the files.
 * A disk over MAX_DISK is read on as plain content instead (the search inside still finds a zlib or
 * zstd cluster), named. qcow2 with encryption, an external data file or extended L2 entries is named.
 */
import { inflateRawSync, inflateSync, zstdDecompressSync } from 'node:zlib';
import { startsWith, trial, type Decoder, type DecodeEnv, type Decoding, type Sink } from './types.js';

// 64 MiB: the most any decoder holds (ext, squashfs, sqlite); 256 MiB would put the audit's peak RSS far past its 100 MiB goal. A larger disk is named.
const MAX_DISK = 64 << 20;
/** Zeros written for holes past the last cluster at most: a file system's tail (its last group's tables) is in a hole. */
const MAX_HOLE = 256 << 20;
const ZEROS = Buffer.alloc(1 << 20);

const QCOW = [0x51, 0x46, 0x49, 0xfb];
const VMDK = [0x4b, 0x44, 0x4d, 0x56];
const MAGIC_ZSTD = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

/** The guest's view: its clusters by guest offset (each decoded when written: a disk's clusters are not all held decoded), and its size. */
interface Guest {
  size: number;
  /** Why the disk is not all read where its clusters were still found (a stream that ends without its end marker). */
  note?: string;
  /** Where each starts in the guest, its length there, and its bytes (a string: why they cannot be had). */
  clusters: Map<number, { length: number; bytes: () => Buffer | string }>;
}

type Read = Guest | string;

const u64 = (b: Buffer, at: number) => Number(b.readBigUInt64BE(at));

function qcow2(img: Buffer): Read {
  if (img.length < 72) return 'a qcow2 header cut short';
  const version = img.readUInt32BE(4);
  const bits = img.readUInt32BE(20);
  const size = u64(img, 24);
  if ((version !== 2 && version !== 3) || bits < 9 || bits > 21) return 'a qcow2 header that does not hold';
  if (img.readUInt32BE(32)) return 'an encrypted qcow2 disk';
  let compression = 0;
  if (version === 3 && img.length >= 104) {
    const incompatible = img.readBigUInt64BE(72);
    if (incompatible & 0x14n) return 'a qcow2 disk with an external data file or extended L2 entries';
    if (img.readUInt32BE(100) > 104 && img.length > 104) compression = img[104]!;
  }
  if (compression > 1) return `a qcow2 disk of compression type ${compression}`;
  const cluster = 2 ** bits;
  const l1Size = img.readUInt32BE(36);
  const l1 = u64(img, 40);
  if (l1 + l1Size * 8 > img.length) return 'a qcow2 L1 table past the file';
  const perL2 = cluster / 8;
  const x = 62 - (bits - 8);
  const offsetMask = 2n ** BigInt(x) - 1n;
  const clusters: Guest['clusters'] = new Map();
  // Each L2 table and each host cluster is named once in a disk qemu-img writes (snapshots' tables are not read): one
  // met twice is a damaged (or crafted) table, which would have the walk read the same bytes without end.
  const met = new Set<number>();
  const twice = (at: number) => met.has(at) || (met.add(at), false);
  for (let i = 0; i < l1Size; i++) {
    const l2 = Number(img.readBigUInt64BE(l1 + i * 8) & 0x00fffffffffffe00n);
    if (!l2) continue;
    if (l2 + cluster > img.length) return 'a qcow2 L2 table past the file';
    if (twice(l2)) return 'a qcow2 L2 table named twice (a damaged table)';
    for (let j = 0; j < perL2; j++) {
      const e = img.readBigUInt64BE(l2 + j * 8);
      const guest = (i * perL2 + j) * cluster;
      if (guest >= size) {
        // A cluster past the disk's size: the size (or the table) damaged; the cluster would not be read.
        if (e & 0x00fffffffffffe00n) return 'a qcow2 cluster past the disk’s size (a damaged header or table)';
        continue;
      }
      if (e & (1n << 62n)) {
        const at = Number(e & offsetMask);
        if (twice(at)) return 'a qcow2 compressed cluster named twice (a damaged table)';
        const sectors = Number((e >> BigInt(x)) & (2n ** BigInt(62 - x) - 1n)) + 1;
        const end = Math.min(img.length, (at & ~511) + sectors * 512);
        const bytes = () => {
          const out = compression ? unzstd(img.subarray(at, end), cluster) : trial(() => inflateRawSync(img.subarray(at, end), { maxOutputLength: cluster }));
          return out instanceof Buffer ? out : `a qcow2 compressed cluster that does not decode (at ${at})`;
        };
        clusters.set(guest, { length: cluster, bytes });
      } else {
        const at = Number(e & 0x00fffffffffffe00n);
        if (!at || e & 1n) continue; // unallocated, or reads as zeros
        if (at + cluster > img.length) return 'a qcow2 cluster past the file';
        if (twice(at)) return 'a qcow2 cluster named twice (a damaged table)';
        clusters.set(guest, { length: cluster, bytes: () => img.subarray(at, at + cluster) });
      }
    }
  }
  return { size, clusters };
}

/**
 * The zstd frame at the start of `b`, a compressed cluster's sectors: qemu packs clusters, so the next one's frame may
 * follow it in the same sector (zstd would read it as a second frame, cut short), or zeros may pad it. It is cut at the
 * next frame's magic, or before the padding, to decode.
 */
function unzstd(b: Buffer, max: number): Buffer | undefined {
  const ends: number[] = [];
  for (let at = b.indexOf(MAGIC_ZSTD, 4); at > 0; at = b.indexOf(MAGIC_ZSTD, at + 1)) ends.push(at);
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  for (let pad = 0; pad <= 8 && end + pad <= b.length; pad++) ends.push(end + pad);
  for (const e of ends) {
    const out = trial(() => zstdDecompressSync(b.subarray(0, e), { maxOutputLength: max }));
    if (out instanceof Buffer) return out;
  }
  return undefined;
}

/** VMDK: a streamOptimized extent's markers (grains: guest sector, size, zlib data), each from a sector's start. */
function vmdk(img: Buffer): Read {
  if (img.length < 80) return 'a VMDK header cut short';
  const flags = img.readUInt32LE(8);
  const size = Number(img.readBigUInt64LE(12)) * 512;
  const overhead = Number(img.readBigUInt64LE(64)) * 512;
  if (!(flags & 0x10000) || img.readUInt16LE(77) !== 1)
    // Not compressed: its sectors are plain (the search inside reads them) — unless its descriptor says otherwise.
    return img.subarray(0, 65536).includes('createType="streamOptimized"')
      ? 'a streamOptimized VMDK whose header does not say its grains are deflated (damaged)'
      : '';
  const clusters: Guest['clusters'] = new Map();
  const grain = Number(img.readBigUInt64LE(20)) * 512;
  let early = false;
  for (let at = overhead; at + 16 <= img.length;) {
    const lba = Number(img.readBigUInt64LE(at));
    const length = img.readUInt32LE(at + 8);
    if (length) {
      if (at + 12 + length > img.length) return 'a VMDK grain past the file';
      if (lba * 512 >= size) return 'a VMDK grain past the disk’s capacity (a damaged header or marker)';
      const from = at;
      const bytes = () => {
        const out = trial(() => inflateSync(img.subarray(from + 12, from + 12 + length), { maxOutputLength: Math.max(grain, 512) }));
        return out instanceof Buffer ? out : `a VMDK grain that does not inflate (at ${from})`;
      };
      clusters.set(lba * 512, { length: grain, bytes });
      at += Math.ceil((12 + length) / 512) * 512;
      continue;
    }
    const type = img.readUInt32LE(at + 12);
    if (type === 0) {
      // The end of stream, among the file's last sectors (a footer after it at most): one met long before the file's
      // end is a walk gone astray (from a damaged offset, into zeros).
      early = img.length - at > 65536;
      break;
    }
    at += 512 + lba * 512; // a grain table, directory or footer: `lba` sectors of it follow the marker
  }
  // No grain met in a file with room for many (an offset past it, or into zeros), or the end marker met long before the
  // file's end: the walk gone astray from a damaged offset, the grains not met.
  const astray = early || (!clusters.size && img.length - Math.min(overhead, img.length) > 65536) || overhead >= img.length;
  return { size, clusters, ...(astray ? { note: 'a VMDK stream whose grains were not all met (a damaged offset)' } : {}) };
}

/** Writes the guest's disk: clusters in order, holes as zeros, up to its size or MAX_HOLE past its last cluster. */
async function writeGuest(env: DecodeEnv, g: Guest): Promise<void> {
  if (g.note) env.limit(`${g.note}: the guest's bytes there are not all read`);
  const offsets = [...g.clusters.keys()].sort((a, b) => a - b);
  const last = offsets.length ? offsets.at(-1)! + g.clusters.get(offsets.at(-1)!)!.length : 0;
  const end = Math.min(g.size, last + MAX_HOLE);
  const sink = env.open();
  let pos = 0;
  const zeros = async (to: number) => {
    while (pos < to) {
      const n = Math.min(ZEROS.length, to - pos);
      if (!env.allow(n)) return false;
      await sink.write(ZEROS.subarray(0, n));
      pos += n;
    }
    return true;
  };
  for (const at of offsets) {
    if (at < pos) continue; // a cluster over the one before (a damaged table): the first is kept
    if (at >= end || !(await zeros(at))) break;
    const b = g.clusters.get(at)!.bytes();
    if (typeof b === 'string') {
      env.limit(`${b}: the guest's bytes there are not read`);
      continue;
    }
    const c = b.subarray(0, end - at);
    if (!env.allow(c.length)) break;
    await sink.write(c);
    pos += c.length;
  }
  if (!env.stopped) await zeros(end);
  await sink.end();
}

/** Holds the disk up to MAX_DISK (past it, reads it on as plain, its magic as zeros) and at its end writes the guest's disk. */
function heldDisk(env: DecodeEnv, kind: string, read: (img: Buffer) => Read): Decoding {
  let held: Buffer[] | undefined = [];
  let size = 0;
  let plain: Sink | undefined;
  const toPlain = async (bytes: Uint8Array) => {
    if (env.allow(bytes.length)) await plain!.write(bytes);
  };
  return {
    async push(bytes) {
      if (env.stopped) return;
      if (plain) return toPlain(bytes);
      size += bytes.length;
      held!.push(Buffer.from(bytes));
      if (size <= MAX_DISK) return;
      env.limit(`a ${kind} disk over ${MAX_DISK >> 20} MiB: read as plain bytes, its guest's files not joined across clusters`);
      plain = env.openAt(env.path);
      const all = Buffer.concat(held!);
      held = undefined;
      all.fill(0, 0, 4);
      await toPlain(all);
    },
    async end() {
      if (plain) return plain.end();
      const img = Buffer.concat(held!);
      held = undefined;
      if (env.stopped) return;
      const g = read(img);
      if (typeof g !== 'string') return writeGuest(env, g);
      if (g) env.limit(`${g}: its clusters are read as plain bytes`);
      img.fill(0, 0, 4);
      const sink = env.openAt(env.path);
      if (env.allow(img.length)) await sink.write(img);
      await sink.end();
    },
  };
}

export const qcow2Disk: Decoder = {
  name: 'qcow2 disk',
  sniff: (h) => startsWith(h, QCOW),
  open: (env) => heldDisk(env, 'qcow2', qcow2),
};

export const vmdkDisk: Decoder = {
  name: 'VMDK disk',
  sniff: (h) => startsWith(h, VMDK),
  open: (env) => heldDisk(env, 'VMDK', vmdk),
};
