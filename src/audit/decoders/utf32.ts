/**
 * Text stored as UTF-32 (`iconv -t UTF-32`, which writes a BOM; Python's `encode('utf-32')`;
 * a few Windows and ICU tools): every character four bytes, so no form of a value the scan looks
 * for (UTF-8, UTF-16, Latin-1) appears in it. Read again as UTF-8 and routed as content,
 * `settings.txt!(as UTF-32 text)`. Told by a BOM, or without one by 8 ASCII units with their
 * three zero bytes (text that starts with a letter: binary tables of small integers rarely run
 * 8 words of printable values).
 */
import type { Decoder } from './types.js';

const BARE_UNITS = 8;
const textUnit = (c: number) => (c >= 0x20 && c < 0x7f) || c === 9 || c === 10 || c === 13;

/** 'le' or 'be' when `head` starts as UTF-32 text; undefined when not. */
export function sniffUtf32(head: Uint8Array): 'le' | 'be' | undefined {
  if (head.length >= 4 && head[0] === 0xff && head[1] === 0xfe && head[2] === 0 && head[3] === 0) return 'le';
  if (head.length >= 4 && head[0] === 0 && head[1] === 0 && head[2] === 0xfe && head[3] === 0xff) return 'be';
  if (head.length < 4 * BARE_UNITS) return undefined;
  for (const order of ['le', 'be'] as const) {
    let i = 0;
    for (; i < BARE_UNITS; i++) {
      const u = head.subarray(4 * i, 4 * i + 4);
      const [c, z1, z2, z3] = order === 'le' ? [u[0]!, u[1], u[2], u[3]] : [u[3]!, u[2], u[1], u[0]];
      if (z1 || z2 || z3 || !textUnit(c)) break;
    }
    if (i === BARE_UNITS) return order;
  }
  return undefined;
}

export const utf32: Decoder = {
  name: 'UTF-32 text',
  sniff: (h) => sniffUtf32(h) !== undefined,
  open(env) {
    const sink = env.openAt(`${env.path.endsWith('!') ? env.path : `${env.path}!`}(as UTF-32 text)`);
    let order: 'le' | 'be' | undefined;
    let carry: Buffer = Buffer.alloc(0);
    let first = true;
    const decode = async (all: Buffer, final: boolean) => {
      // The order is told once a BOM or BARE_UNITS units are in (or at the end): a chunk of one byte tells nothing.
      if (!order && !final && all.length < 4 * BARE_UNITS) return void (carry = all);
      order ??= sniffUtf32(all) ?? 'le';
      const whole = all.length - (all.length % 4);
      carry = Buffer.from(all.subarray(whole));
      let text = '';
      for (let i = 0; i < whole; i += 4) {
        const cp = order === 'le' ? all.readUInt32LE(i) : all.readUInt32BE(i);
        const bom = first && i === 0 && cp === 0xfeff;
        if (bom) continue;
        // A value beyond Unicode is no character: written as U+FFFD, as a decoder would show it.
        text += cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : '\ufffd';
      }
      if (whole) first = false;
      const out = Buffer.from(text, 'utf8');
      if (!out.length || !env.allow(out.length)) return;
      await sink.write(out);
    };
    return {
      push: (bytes) => decode(carry.length ? Buffer.concat([carry, bytes]) : Buffer.from(bytes), false),
      async end() {
        if (carry.length) await decode(carry, true);
        await sink.end();
      },
    };
  },
};
