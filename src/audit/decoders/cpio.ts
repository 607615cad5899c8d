/**
 * cpio archives: `newc` (070701) and its checksummed variant `crc` (070702) — rpm payloads,
 * initramfs — and the portable `odc` (070707). A header, the name, then the contents; concatenated
 * archives (an initramfs with early microcode) are walked one after another.
 */
import { recordWalk } from './records.js';
import { type Decoder } from './types.js';

const magicOf = (h: Uint8Array, at = 0) => Buffer.from(h.subarray(at, at + 6)).toString('latin1');
export const isCpio = (h: Uint8Array, at = 0) => /^0707(0[12]|07)$/.test(magicOf(h, at));

export const cpio: Decoder = {
  name: 'cpio archive',
  sniff: (h) => isCpio(h),
  // An initramfs is an uncompressed early archive (microcode) then the main one compressed: found as a stream after the trailer.
  more: true,
  open(env) {
    let name = '';
    let trailer = false;
    return recordWalk(
      env,
      'cpio archive',
      6,
      (first) => {
        // NUL padding between concatenated archives is skipped 4 bytes at a time (newc's alignment).
        if (first.subarray(0, 4).every((b) => b === 0)) return 4;
        const magic = magicOf(first);
        if (magic === '070701' || magic === '070702') {
          if (first.length < 110) return 110;
          const nameSize = parseInt(first.toString('latin1', 94, 102), 16);
          return Number.isNaN(nameSize) ? 'a name size that is not a number' : 110 + nameSize + ((4 - ((110 + nameSize) % 4)) % 4);
        }
        if (magic === '070707') {
          if (first.length < 76) return 76;
          const nameSize = parseInt(first.toString('latin1', 59, 65), 8);
          return Number.isNaN(nameSize) ? 'a name size that is not a number' : 76 + nameSize;
        }
        return trailer ? 'end' : 'a header that is not a cpio header';
      },
      (h) => {
        if (h.length === 4) return { name: undefined, skip: 0, size: 0, pad: 0 };
        const newc = h[5] !== 0x37;
        const size = newc ? parseInt(h.toString('latin1', 54, 62), 16) : parseInt(h.toString('latin1', 65, 76), 8);
        if (!Number.isSafeInteger(size)) return 'a size that is not a number';
        name = h.toString('utf8', newc ? 110 : 76).replace(/\0[\s\S]*$/, '');
        if (name === 'TRAILER!!!') {
          trailer = true;
          return { name: undefined, skip: 0, size: 0, pad: 0 };
        }
        trailer = false;
        return { name, skip: 0, size, pad: newc ? (4 - (size % 4)) % 4 : 0 };
      },
    );
  },
};
