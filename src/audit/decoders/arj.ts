/**
 * ARJ archives (`arj a`: methods 1–3, LZ77 under static Huffman codes in blocks, the -lh7- coding of LHA with a 26 KiB
 * window; method 4, its fast variable-length code; 0 stored): each member's data decoded with lha-huffman.ts's
 * decoder (dictionary of 2^16: ARJ's NP of 17 and PBIT of 5) or, method 4, arj-fast.ts's, and written at
 * `file.arj!/name`. Garbled (password-scrambled) members are named. The archive is gathered (at most 64 MiB) and its headers walked — each a
 * basic header whose CRC-32 holds (`isArjHeader`, unread.ts), its extended headers, then the member's data —; its own
 * bytes are read as plain beside (the first header's `60 EA` blanked). Headers that stop walking are named.
 */
import { crc32 } from 'node:zlib';
import { arjFastDecode } from './arj-fast.js';
import { BOMB_AFTER, nameBomb } from './bomb.js';
import { gathered, within } from './gathered.js';
import { lhDecode } from './lha-huffman.js';
import { trial, type Decoder, type DecodeEnv } from './types.js';
import { isArjHeader } from './unread.js';

const u16 = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8);
const u32 = (b: Uint8Array, i: number) => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
const GARBLED = 0x01;

async function read(env: DecodeEnv, b: Buffer): Promise<void> {
  const named = new Set<string>();
  const say = (what: string) => {
    if (!named.has(what)) env.limit(what);
    named.add(what);
  };
  let main = true;
  for (let at = 0, k = 0; !env.stopped; k++) {
    if (at + 4 > b.length) return say('an ARJ archive cut short (no end header)');
    const size = u16(b, at + 2);
    if (b[at] === 0x60 && b[at + 1] === 0xea && size === 0) return;
    if (!isArjHeader(b, at)) return say('an ARJ archive whose headers could not be walked: its members past there are not decoded');
    const h = at + 4;
    // Extended headers (a length, the header, its CRC-32) until one of length 0.
    let p = h + size + 4;
    while (p + 2 <= b.length && u16(b, p)) p += 2 + u16(b, p) + 4;
    p += 2;
    if (main) {
      main = false;
      at = p;
      continue;
    }
    const method = b[h + 5]!;
    const packed = u32(b, h + 12);
    const original = u32(b, h + 16);
    const nameAt = h + b[h]!;
    const nameEnd = b.indexOf(0, nameAt);
    const name = b.toString('latin1', nameAt, nameEnd > nameAt && nameEnd < h + size ? nameEnd : nameAt) || `(member ${k})`;
    if (p + packed > b.length) return say('an ARJ archive cut short (a member past its end)');
    const data = b.subarray(p, p + packed);
    at = p + packed;
    if (b[h + 4]! & GARBLED) say('an ARJ archive with garbled (password-scrambled) members, which the audit does not read');
    else if (method >= 1 && method <= 4) {
      // The header's original size is the archive's word, not a size to allocate: a member is decoded only as far as
      // bomb.ts lets a stream run (its first BOMB_AFTER bytes, past them the audit's ratio to its packed bytes), the rest
      // named a bomb (a 5 KB arj -m1 of 768 MiB of zeros was decoded whole into one buffer: 824 MiB peak RSS).
      const cap = Math.min(original, Math.max(BOMB_AFTER, env.ratio * packed));
      const out = trial(() => (method === 4 ? arjFastDecode(data, cap) : lhDecode(data, 16, cap)));
      if (!(out instanceof Buffer)) {
        say(`an ARJ archive whose member ${name} does not decode`);
        continue;
      }
      if (cap < original) nameBomb(env, out.length, within(env.path, `/${name}`));
      // Read on either way (a value before the damage is still there); the header's CRC-32 of the original tells a
      // member whose data was damaged yet decoded to its size — its bytes garbled past the damage, unsaid otherwise.
      else if (out.length !== original || crc32(out) !== u32(b, h + 20)) say(`an ARJ archive whose member ${name} fails its CRC-32 (damaged)`);
      if (!env.allow(out.length)) return;
      const sink = env.openAt(within(env.path, `/${name}`));
      await sink.write(out);
      await sink.end();
    } else if (method !== 0) say(`an ARJ archive with members of method ${method}, which the audit does not decode`);
  }
}

export const arj: Decoder = {
  name: 'ARJ archive',
  sniff: (h) => isArjHeader(h),
  open: (env) =>
    gathered(env, {
      skip: 2,
      over: (e, max) => e.limit(`an ARJ archive over ${max} bytes, whose compressed members the audit does not gather`),
      read: (file) => read(env, file),
    }),
};
