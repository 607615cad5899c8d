/**
 * FAT file system images (FAT12/16/32: an EFI system partition, a boot floppy or SD card image,
 * what `mkfs.vfat` and mtools' `mcopy` make). A file's clusters are wherever the allocation table
 * put them: a file copied into a hole an earlier deletion left runs on past the next file's
 * clusters, so a value is cut between two places of the image. The image is held up to MAX_IMAGE
 * and at its end each file whose clusters are not one run is written whole, its chain followed, as
 * `esp.img!/EFI/APP/APP.CFG` (8.3 names); a file in one run is found in the image's own bytes,
 * which are read on as plain content under the image's path (its boot sector as zeros: it holds no
 * file), as before. An image larger than MAX_IMAGE is named: its cut files are not joined.
 */
import { heldImage } from './held-image.js';
import { type Decoder, type DecodeEnv, type Decoding } from './types.js';

const MAX_IMAGE = 64 << 20;
const BOOT = 512;

interface Fat {
  bps: number;
  spc: number;
  fatStart: number;
  bits: 12 | 16 | 32;
  rootStart: number;
  rootBytes: number;
  rootCluster: number;
  dataStart: number;
  clusters: number;
}

/** The boot sector's BPB where it is a FAT one (jump, 0x55AA, sizes that hold, the FAT type string). */
export function fatGeometry(b: Uint8Array): Fat | undefined {
  if (b.length < BOOT || b[510] !== 0x55 || b[511] !== 0xaa || !(b[0] === 0xeb || b[0] === 0xe9)) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const bps = v.getUint16(11, true);
  const spc = b[13]!;
  const reserved = v.getUint16(14, true);
  const nFats = b[16]!;
  const rootEntries = v.getUint16(17, true);
  const total = v.getUint16(19, true) || v.getUint32(32, true);
  const fatSize = v.getUint16(22, true) || v.getUint32(36, true);
  const label = (at: number) => String.fromCharCode(...b.subarray(at, at + 5));
  if (![512, 1024, 2048, 4096].includes(bps) || !spc || spc & (spc - 1) || !reserved || nFats < 1 || nFats > 2 || !fatSize || !total) return undefined;
  if (!/^FAT(12|16|32| {2})$/.test(label(54)) && label(82) !== 'FAT32') return undefined;
  const rootBytes = rootEntries * 32;
  const rootStart = (reserved + nFats * fatSize) * bps;
  const dataStart = rootStart + Math.ceil(rootBytes / bps) * bps;
  const clusters = Math.floor((total * bps - dataStart) / (spc * bps));
  if (clusters < 1) return undefined;
  const bits = clusters < 4085 ? 12 : clusters < 65525 ? 16 : 32;
  return { bps, spc, fatStart: reserved * bps, bits, rootStart, rootBytes, rootCluster: bits === 32 ? v.getUint32(44, true) : 0, dataStart, clusters };
}

/** The next cluster after `n`, or undefined at the chain's end (or a bad, free or out-of-range entry). */
function next(img: Buffer, f: Fat, n: number): number | undefined {
  let e: number;
  if (f.bits === 12) {
    const at = f.fatStart + n + (n >> 1);
    if (at + 2 > img.length) return undefined;
    e = img.readUInt16LE(at);
    e = n & 1 ? e >> 4 : e & 0xfff;
  } else if (f.bits === 16) {
    const at = f.fatStart + n * 2;
    e = at + 2 > img.length ? 0 : img.readUInt16LE(at);
  } else {
    const at = f.fatStart + n * 4;
    e = at + 4 > img.length ? 0 : img.readUInt32LE(at) & 0x0fffffff;
  }
  return e >= 2 && e < f.clusters + 2 ? e : undefined;
}

/**
 * A chain from `first`: its clusters, at most `limit` of them, a loop ending it; and whether it ran into a cluster of
 * `used` (another file's or directory's: cross-linked, as a damaged table leaves a chain) or of its own (a loop), where
 * it ends too. Each cluster is added to `used`, so that the image's chains together walk each cluster once.
 */
function chain(img: Buffer, f: Fat, first: number, limit: number, used: Set<number>): [number[], boolean] {
  const out: number[] = [];
  for (let c: number | undefined = first; c !== undefined && out.length < limit; c = next(img, f, c)) {
    if (c < 2 || c >= f.clusters + 2) break;
    if (used.has(c)) return [out, true];
    used.add(c);
    out.push(c);
  }
  return [out, false];
}

const clusterBytes = (img: Buffer, f: Fat, c: number) => {
  const size = f.spc * f.bps;
  const at = f.dataStart + (c - 2) * size;
  return img.subarray(at, Math.min(img.length, at + size));
};

/**
 * Every file of the image whose clusters are not one run: its path and bytes; undefined bytes for a file whose chain
 * runs into another's clusters or its own (cross-linked, a loop: a damaged table), not joined.
 */
export function* cutFiles(img: Buffer, f: Fat): Generator<[string, Buffer | undefined]> {
  const size = f.spc * f.bps;
  const used = new Set<number>();
  let crossedOnce = false;
  const dirs: Array<[string, Buffer]> = [
    [
      '',
      f.bits === 32
        ? Buffer.concat(chain(img, f, f.rootCluster, 65536, used)[0].map((c) => clusterBytes(img, f, c)))
        : img.subarray(f.rootStart, f.rootStart + f.rootBytes),
    ],
  ];
  const visited = new Set<number>();
  while (dirs.length) {
    const [base, dir] = dirs.pop()!;
    for (let i = 0; i + 32 <= dir.length; i += 32) {
      const e = dir.subarray(i, i + 32);
      if (e[0] === 0) break;
      const attr = e[11]!;
      if (e[0] === 0xe5 || e[0] === 0x2e || attr === 0x0f || attr & 0x08) continue;
      const name = `${e.subarray(0, 8).toString('latin1').trimEnd()}${e[8] === 0x20 ? '' : `.${e.subarray(8, 11).toString('latin1').trimEnd()}`}`;
      const first = (e.readUInt16LE(20) << 16) | e.readUInt16LE(26);
      const path = `${base}${name}`;
      if (attr & 0x10) {
        if (first < 2 || visited.has(first)) continue;
        visited.add(first);
        dirs.push([`${path}/`, Buffer.concat(chain(img, f, first, 65536, used)[0].map((c) => clusterBytes(img, f, c)))]);
        continue;
      }
      const length = e.readUInt32LE(28);
      if (first < 2 || !length) continue;
      const [clusters, crossed] = chain(img, f, first, Math.ceil(length / size), used);
      // The first such file named (the image is then named): a crafted table can cross-link every file.
      if (crossed && !crossedOnce) yield [path, undefined];
      crossedOnce ||= crossed;
      if (crossed || clusters.length < 2 || clusters.every((c, k) => k === 0 || c === clusters[k - 1]! + 1)) continue;
      yield [path, Buffer.concat(clusters.map((c) => clusterBytes(img, f, c))).subarray(0, length)];
    }
  }
}

export const fat: Decoder = {
  name: 'FAT image',
  sniff: (h) => fatGeometry(h) !== undefined,
  open: (env: DecodeEnv): Decoding =>
    heldImage(env, {
      header: BOOT,
      max: MAX_IMAGE,
      tooLarge: `a FAT image over ${MAX_IMAGE >> 20} MiB: files cut across its clusters are not joined`,
      unreadable: 'a FAT file whose clusters run into another file’s or its own (a damaged table): it is not joined',
      files: (img) => {
        const f = fatGeometry(img);
        return f ? cutFiles(img, f) : [];
      },
    }),
};
