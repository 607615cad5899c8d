/**
 * Flattened device trees (`d00dfeed`): U-Boot FIT images (`mkimage -f`: `image.itb`, `kernel.fit`, `initrd.itb` — the
 * format newer U-Boot builds and Yocto's kernel-fitimage class use) and compiled device trees (`.dtb`). A FIT holds
 * its kernel, initrd and device trees as `data` properties of nodes under /images, compressed as the node's
 * `compression` says (an lzma one is LZMA-alone, which has no magic number a search inside could find at its
 * offset); each `data` property is given as a content of its own (`initrd.itb!/images/ramdisk-1/data`), which the
 * router claims by its first bytes as it claims any file; so is a node's external data (`mkimage -E`: `data-size` and
 * `data-offset` from the tree's 4-byte aligned end, or `data-position` from the file's start). Read as libfdt reads
 * the tree: the header (big-endian: the
 * total size at 4, the structure block's offset at 8, the strings block's at 12, the version at 20 and the last
 * compatible one at 24), then the structure block's tokens — BEGIN_NODE (1) and its NUL-ended name, END_NODE (2),
 * PROP (3: the value's length, the name's offset in the strings block, the value), NOP (4), END (9) — each padded to 4
 * bytes. The file's own bytes are read on as plain (its header as zeros: the tree's strings and small properties are
 * there); held up to MAX_FILE. A larger file, or a structure block that does not parse, is named.
 */
import { heldImage } from './held-image.js';
import { startsWith, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const MAGIC = [0xd0, 0x0d, 0xfe, 0xed];
const HEADER = 40;
const MAX_FILE = 64 << 20;

class Bad extends Error {}

export function isFdt(h: Uint8Array): boolean {
  if (!startsWith(h, MAGIC) || h.length < HEADER) return false;
  const b = Buffer.from(h.buffer, h.byteOffset, h.length);
  const [total, struct, strings, rsv, version, compat] = [4, 8, 12, 16, 20, 24].map((o) => b.readUInt32BE(o)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (version < 16 || version > 17 || compat < 2 || compat > version) return false;
  if (struct < HEADER || strings < HEADER || rsv < HEADER || struct % 4 || rsv % 8 || struct >= total || strings > total || rsv >= total) return false;
  // The structure block opens with the root node: BEGIN_NODE and an empty name.
  return struct + 8 > h.length || (b.readUInt32BE(struct) === 1 && b.readUInt32BE(struct + 4) === 0);
}

/** Every `data` property of the tree in `d` (or external data a node's data-size and data-offset or data-position place), by its node's path. */
function* dataProps(d: Buffer): Generator<[string, Buffer | undefined]> {
  const total = Math.min(d.length, d.readUInt32BE(4));
  const strings = d.readUInt32BE(12);
  const path: string[] = [];
  /** Each open node's external data: data-size, data-offset (after the tree, from its 4-byte aligned end), data-position. */
  const external: { size?: number; offset?: number; position?: number }[] = [];
  const seen = new Map<string, number>();
  const named = (where: string) => {
    const n = seen.get(where) ?? 0;
    seen.set(where, n + 1);
    return n ? `${where}.${n}` : where;
  };
  let at = d.readUInt32BE(8);
  const align = (n: number) => (n + 3) & ~3;
  for (;;) {
    if (at + 4 > total) throw new Bad();
    const token = d.readUInt32BE(at);
    at += 4;
    if (token === 1) {
      const end = d.indexOf(0, at);
      if (end < 0 || end >= total) throw new Bad();
      path.push(d.toString('latin1', at, end).replace(/[/\\]/g, '_'));
      external.push({});
      at = align(end + 1);
    } else if (token === 2) {
      if (!path.length) throw new Bad();
      const x = external.pop()!;
      const start = x.position ?? (x.offset === undefined ? undefined : align(d.readUInt32BE(4)) + x.offset);
      if (x.size !== undefined && start !== undefined)
        yield [named([...path.filter(Boolean), 'data'].join('/')), start + x.size <= d.length ? d.subarray(start, start + x.size) : undefined];
      path.pop();
    } else if (token === 3) {
      if (at + 8 > total) throw new Bad();
      const len = d.readUInt32BE(at);
      const nameoff = d.readUInt32BE(at + 4);
      at += 8;
      if (at + len > total) throw new Bad();
      const nameEnd = d.indexOf(0, strings + nameoff);
      const name = nameEnd < 0 ? '' : d.toString('latin1', strings + nameoff, nameEnd);
      if (name === 'data' && len > 0) yield [named([...path.filter(Boolean), 'data'].join('/')), d.subarray(at, at + len)];
      const x = external.at(-1);
      if (x && len === 4 && (name === 'data-size' || name === 'data-offset' || name === 'data-position'))
        x[name === 'data-size' ? 'size' : name === 'data-offset' ? 'offset' : 'position'] = d.readUInt32BE(at);
      at = align(at + len);
    } else if (token === 4) continue;
    else if (token === 9) return;
    else throw new Bad();
  }
}

export const fdt: Decoder = {
  name: 'flattened device tree (FIT image)',
  sniff: isFdt,
  open(env: DecodeEnv): Decoding {
    return heldImage(env, {
      header: HEADER,
      max: MAX_FILE,
      tooLarge: `a FIT image or device tree over ${MAX_FILE >> 20} MiB: its data properties are not read`,
      unreadable: 'a FIT image property that could not be read',
      *files(img) {
        try {
          yield* dataProps(img);
        } catch (e) {
          if (!(e instanceof Bad)) throw e;
          env.limit('a damaged FIT image or device tree (its structure block does not parse): the rest of its data properties are not read');
        }
      },
    });
  },
};
