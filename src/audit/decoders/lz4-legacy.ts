/**
 * LZ4's legacy format (`lz4 -l`, the Linux kernel's and initramfs's lz4): a magic number, then
 * blocks, each its compressed size (4 bytes, little-endian) and an independent LZ4 block of at most
 * 8 MiB decoded; no header, no end mark: the content's end (or another legacy magic) ends it. One
 * block is held at a time. A block that does not decode is a damaged stream, named as not audited.
 */
import { lz4Block } from './lz4.js';
import { startsWith, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const MAGIC = [0x02, 0x21, 0x4c, 0x18];
const MAGIC_WORD = 0x184c2102;
const BLOCK = 8 * 1024 * 1024;

/** The magic, then a first block size no larger than LZ4's bound for an 8 MiB block. */
export const isLz4Legacy = (h: Uint8Array, at = 0) =>
  startsWith(h, MAGIC, at) && h.length >= at + 8 && Buffer.from(h.buffer, h.byteOffset + at + 4, 4).readUInt32LE() <= BLOCK + (BLOCK >> 8) + 16;

export const lz4Legacy: Decoder = {
  name: 'lz4 (legacy)',
  sniff: (h) => isLz4Legacy(h),
  open(env: DecodeEnv): Decoding {
    const sink = env.open();
    let pending = Buffer.alloc(0);
    let need = 4; // the magic first, then size words and blocks
    let state: 'magic' | 'size' | 'block' | 'failed' = 'magic';
    let out: Uint8Array | undefined;
    const fail = (why: string) => {
      state = 'failed';
      env.limit(`a damaged lz4 (legacy) stream (${why}): the rest is not audited`);
    };
    const step = async () => {
      while (state !== 'failed' && pending.length >= need) {
        const part = pending.subarray(0, need);
        pending = pending.subarray(need);
        if (state === 'magic') [state, need] = ['size', 4];
        else if (state === 'size') {
          const size = part.readUInt32LE();
          if (size === MAGIC_WORD)
            [state, need] = ['size', 4]; // a further legacy frame (`cat a.lz4 b.lz4`)
          else if (size === 0 || size > BLOCK + (BLOCK >> 8) + 16) return fail(`a block of ${size} bytes`);
          else [state, need] = ['block', size];
        } else {
          out ??= new Uint8Array(BLOCK);
          let end: number;
          try {
            end = lz4Block(part, out, 0);
          } catch (e) {
            return fail((e as Error).message);
          }
          [state, need] = ['size', 4];
          if (!env.allow(end)) return void (state = 'failed');
          await sink.write(out.slice(0, end));
        }
      }
    };
    return {
      async push(bytes) {
        if (state === 'failed' || env.stopped) return;
        pending = pending.length ? Buffer.concat([pending, bytes]) : Buffer.from(bytes);
        await step();
      },
      async end() {
        await sink.end();
        if (state === 'block' && !env.stopped) fail('a block cut short');
      },
    };
  },
};
