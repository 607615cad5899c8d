/**
 * U-Boot legacy images (`mkimage`: `uImage`, `uInitrd`, `boot.scr`; the firmware of embedded boards built by Yocto,
 * Buildroot or a vendor's pipeline): a 64-byte header — the magic 0x27051956, the header's CRC-32 (taken with its own
 * field zeroed), a timestamp, the payload's size, load and entry addresses, the payload's CRC-32, the OS, architecture,
 * image type and compression (0 none, 1 gzip, 2 bzip2, 3 lzma, 4 lzo, 5 lz4, 6 zstd) bytes and a 32-byte name — then
 * the payload. An lzma payload is LZMA-alone, which has no magic number a search inside could find at the payload's
 * offset 64; the payload is given as a content of its own (`uInitrd!/initrd`), which the router claims by its first
 * bytes (LZMA-alone, gzip, a cpio, a kernel) as it claims any file. A multi-file image (type 4) gives each of its
 * parts (a table of sizes ended by a zero, each part padded to 4 bytes). Claimed by the magic and the header's CRC;
 * the payload streams, never held. A payload cut short, or whose CRC-32 (the header's data CRC) does not hold, is
 * named: damage that leaves the payload unclaimed (its gzip magic set) or garbled passed in silence before.
 */
import { crc32 } from 'node:zlib';
import { Members, startsWith, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const MAGIC = [0x27, 0x05, 0x19, 0x56];
const HEADER = 64;
const MULTI = 4;

export function isUImage(h: Uint8Array): boolean {
  if (!startsWith(h, MAGIC) || h.length < HEADER) return false;
  const head = Buffer.from(h.subarray(0, HEADER));
  const want = head.readUInt32BE(4);
  head.fill(0, 4, 8);
  return crc32(head) === want;
}

/** The image's name (bytes 32–63 up to a NUL), made a member name. */
const imageName = (h: Buffer) => {
  const raw = h.toString('latin1', 32, 64).replace(/\0.*$/s, '').trim();
  return raw.replace(/[/\\]/g, '_') || 'payload';
};

/** A multi-file image's table of part sizes (big-endian, ended by a zero): the sizes, undefined until it ends, 'bad' past 4 KiB. */
function sizeTable(table: Buffer): number[] | undefined | 'bad' {
  let n = 0;
  while ((n + 1) * 4 <= table.length && table.readUInt32BE(n * 4) !== 0) n++;
  if ((n + 1) * 4 <= table.length) return Array.from({ length: n }, (_, i) => table.readUInt32BE(i * 4));
  return table.length > 4096 ? 'bad' : undefined;
}

/** A multi-file image's parts once its table is whole: [name, size, padding to 4 bytes (none after the last)], and the bytes after the table. */
function tableParts(name: string, sizes: number[], table: Buffer): { parts: [string, number, number][]; rest: Buffer } {
  const n = sizes.length;
  return { parts: sizes.map((size, i) => [`${name}.${i}`, size, i < n - 1 ? (4 - (size % 4)) % 4 : 0]), rest: table.subarray((n + 1) * 4) };
}

export const uImage: Decoder = {
  name: 'U-Boot image',
  sniff: isUImage,
  open(env: DecodeEnv): Decoding {
    const members = new Members(env);
    let head: Buffer = Buffer.alloc(0);
    /** The parts still to stream: [name, size, padding after]. */
    let parts: [string, number, number][] | undefined;
    let left = 0;
    let pad = 0;
    let done = false;
    let multi: { name: string } | undefined;
    let table: Buffer = Buffer.alloc(0);
    /** The payload's CRC-32 as it streams, over the header's data size. */
    let crc = 0;
    let counted = 0;

    const next = () => {
      const part = parts!.shift();
      if (!part) {
        members.close();
        return void (done = true);
      }
      members.start(part[0]);
      [, left, pad] = part;
    };

    return {
      get finished() {
        return done;
      },
      async push(bytes) {
        if (done) return;
        let chunk = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
        if (!parts && !multi) {
          head = Buffer.concat([head, chunk]);
          if (head.length < HEADER) return;
          chunk = head.subarray(HEADER);
          const name = imageName(head);
          const size = head.readUInt32BE(12);
          if (head[30] === MULTI) multi = { name };
          else {
            parts = [[name, size, 0]];
            next();
          }
        }
        const sum = Math.min(chunk.length, head.readUInt32BE(12) - counted);
        if (sum > 0) [crc, counted] = [crc32(chunk.subarray(0, sum), crc), counted + sum];
        if (multi) {
          table = Buffer.concat([table, chunk]);
          const sizes = sizeTable(table);
          if (sizes === 'bad') {
            done = true;
            members.close();
            env.limit('a damaged U-Boot multi-file image (no end to its table of sizes): its parts are not audited');
          }
          if (!Array.isArray(sizes)) return;
          ({ parts, rest: chunk } = tableParts(multi.name, sizes, table));
          multi = undefined;
          next();
        }
        while (chunk.length && !done && !env.stopped) {
          if (left > 0 || pad > 0) {
            // The part's bytes to its member, then the padding after it passed over.
            const take = Math.min(left > 0 ? left : pad, chunk.length);
            if (left > 0) members.data(chunk.subarray(0, take));
            if (left > 0) left -= take;
            else pad -= take;
            chunk = chunk.subarray(take);
            continue;
          }
          next();
        }
        if (!done && left === 0 && pad === 0 && parts && !parts.length) {
          members.close();
          done = true;
        }
        await members.settled;
      },
      async end() {
        if (!done && !env.stopped && (left > 0 || multi || !parts || parts.length)) env.limit('a U-Boot image cut short: its payload is not all there');
        else if (head.length >= HEADER && counted === head.readUInt32BE(12) && crc !== head.readUInt32BE(24) && !env.stopped)
          env.limit('a U-Boot image whose payload fails its CRC-32 (damaged): what it gave may be garbled or unread');
        members.close();
        await members.settled;
      },
    };
  },
};
