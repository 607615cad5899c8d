/**
 * LZ4 frames (`lz4` CLI, zstd's cousin in kernels, initramfs and some layer tools), decoded here:
 * the frame format is small and Node has no LZ4. One block (at most 4 MiB) is held at a time, with
 * the 64 KiB of history that linked blocks may copy from. Checksums are not verified: a damaged
 * frame shows as an impossible offset or length, or a frame cut short.
 */
import { startsWith, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const MAGIC = [0x04, 0x22, 0x4d, 0x18];
const HISTORY = 64 * 1024;

/** Magic, then a FLG byte of version 01 with its reserved bit clear, and a BD byte naming a block size. */
export const isLz4 = (h: Uint8Array, at = 0) =>
  startsWith(h, MAGIC, at) && h.length > at + 5 && (h[at + 4]! & 0xc2) === 0x40 && (h[at + 5]! & 0x8f) === 0 && h[at + 5]! >> 4 >= 4;

/** Decodes one LZ4 block into `dst` from `at` (history before it); returns where the output ends. */
export function lz4Block(src: Uint8Array, dst: Uint8Array, at: number): number {
  let i = 0;
  let o = at;
  while (i < src.length) {
    const token = src[i++]!;
    let lit = token >> 4;
    if (lit === 15) for (let b = 255; b === 255 && i < src.length; lit += b) b = src[i++]!;
    if (i + lit > src.length || o + lit > dst.length) throw new Error('a literal run past the block');
    dst.set(src.subarray(i, i + lit), o);
    i += lit;
    o += lit;
    if (i >= src.length) break; // the last sequence has no match
    const offset = src[i]! | (src[i + 1]! << 8);
    i += 2;
    let len = (token & 15) + 4;
    if (len === 19) for (let b = 255; b === 255 && i < src.length; len += b) b = src[i++]!;
    if (offset === 0 || offset > o) throw new Error('a match before the start of the data');
    if (o + len > dst.length) throw new Error('a match past the block');
    for (let k = 0; k < len; k++, o++) dst[o] = dst[o - offset]!;
  }
  return o;
}

/** A block, compressed or stored, decoded into `window` after `kept` bytes of history; returns where it ends. */
function blockInto(data: Uint8Array, raw: boolean, window: Uint8Array, kept: number): number {
  if (!raw) return lz4Block(data, window, kept);
  window.set(data, kept);
  return kept + data.length;
}

/** A frame header's length, flags and block size, from its first bytes (undefined: more are needed). */
function frameHeader(peek: Uint8Array): { length: number; flags: number; blockMax: number } | undefined {
  const flags = peek[4]!;
  const length = 7 + (flags & 0x08 ? 8 : 0) + (flags & 0x01 ? 4 : 0);
  return peek.length < length ? undefined : { length, flags, blockMax: 1 << (8 + 2 * (peek[5]! >> 4)) };
}

export const lz4: Decoder = {
  name: 'lz4',
  sniff: (h) => isLz4(h),
  more: true,
  open(env: DecodeEnv): Decoding {
    const sink = env.open();
    const parts: Uint8Array[] = [];
    let have = 0;
    let state: 'header' | 'size' | 'block' | 'done' | 'failed' = 'header';
    let flags = 0;
    let blockMax = 0;
    let need = 7;
    let block = { size: 0, raw: false };
    let window = new Uint8Array(0);
    let kept = 0; // history bytes at the start of `window`
    const take = (n: number) => {
      const all = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      parts.length = 0;
      if (all.length > n) parts.push(all.subarray(n));
      have -= n;
      return all.subarray(0, n);
    };
    const fail = (why: string) => {
      state = 'failed';
      env.limit(`a damaged lz4 frame (${why}): the rest is not audited`);
    };
    const step = async () => {
      while (have >= need && (state === 'header' || state === 'size' || state === 'block')) {
        if (state === 'header') {
          const peek = take(Math.min(have, 19));
          if (!isLz4(peek)) return fail('not a frame header');
          const header = frameHeader(peek);
          const length = header?.length ?? 19;
          parts.unshift(peek.subarray(header ? length : 0));
          have += peek.length - (header ? length : 0);
          if (!header) {
            need = 7 + (peek[4]! & 0x08 ? 8 : 0) + (peek[4]! & 0x01 ? 4 : 0);
            continue;
          }
          ({ flags, blockMax } = header);
          window = new Uint8Array(HISTORY + blockMax);
          [state, need] = ['size', 4];
        } else if (state === 'size') {
          const b = take(4);
          const word = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
          if (word === 0) return void (state = 'done'); // the end mark (a content checksum may follow: not read)
          block = { size: word & 0x7fffffff, raw: word >>> 31 === 1 };
          if (block.size > blockMax) return fail(`a block of ${block.size} bytes in a frame of ${blockMax}-byte blocks`);
          [state, need] = ['block', block.size + (flags & 0x10 ? 4 : 0)];
        } else {
          let end: number;
          try {
            end = blockInto(take(need).subarray(0, block.size), block.raw, window, kept);
          } catch (e) {
            return fail((e as Error).message);
          }
          const produced = window.slice(kept, end);
          const keep = Math.min(HISTORY, end);
          window.copyWithin(0, end - keep, end);
          kept = flags & 0x20 ? 0 : keep; // independent blocks copy from nothing before them
          [state, need] = ['size', 4];
          if (!env.allow(produced.length)) return void (state = 'failed');
          await sink.write(produced);
        }
      }
    };
    return {
      get finished() {
        return state === 'done' || state === 'failed';
      },
      async push(bytes) {
        if (state === 'done' || state === 'failed' || env.stopped) return;
        parts.push(bytes.slice());
        have += bytes.length;
        await step();
      },
      async end() {
        await sink.end();
        if (state !== 'done' && state !== 'failed' && !env.stopped) fail('the frame is cut short');
      },
    };
  },
};
