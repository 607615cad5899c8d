/**
 * Text stored as UTF-16 (a BOM, or without one the zero byte beside every ASCII character):
 * Windows' "Unicode" — regedit exports, PowerShell 5's Out-File and Set-Content -Encoding Unicode,
 * .NET and Visual Studio files, SQL Server scripts. The value as UTF-16 is one of the forms the
 * scan looks for, but an escape inside such a text (`\"` in a .reg file, `\u0026` in a PowerShell
 * JSON file, a base64 run) is read only in UTF-8: so the text is read again as UTF-8 and routed as
 * content, `service.reg!(as UTF-16 text)`, where escapes, encoded runs and the rest apply.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Decoder } from './types.js';

/** Code units a BOM-less head must show, every one printable ASCII or a line break or tab. */
const BARE_UNITS = 16;

const textUnit = (c: number) => (c >= 0x20 && c < 0x7f) || c === 9 || c === 10 || c === 13;

/** 'le' or 'be' when `head` starts as UTF-16 text, with a BOM or with BARE_UNITS ASCII units; undefined when not. */
export function sniffUtf16(head: Uint8Array): 'le' | 'be' | undefined {
  if (head.length >= 4 && head[0] === 0xff && head[1] === 0xfe && !(head[2] === 0 && head[3] === 0)) return 'le';
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'be';
  if (head.length < 2 * BARE_UNITS) return undefined;
  for (const [order, lo, hi] of [
    ['le', 0, 1],
    ['be', 1, 0],
  ] as const) {
    let i = 0;
    while (i < BARE_UNITS && head[2 * i + hi] === 0 && textUnit(head[2 * i + lo]!)) i++;
    if (i === BARE_UNITS) return order;
  }
  return undefined;
}

export const utf16: Decoder = {
  name: 'UTF-16 text',
  sniff: (h) => sniffUtf16(h) !== undefined,
  open(env) {
    const sink = env.openAt(`${env.path.endsWith('!') ? env.path : `${env.path}!`}(as UTF-16 text)`);
    const text = new StringDecoder('utf16le');
    let order: 'le' | 'be' | undefined;
    let odd: number | undefined;
    let queue: Promise<void> = Promise.resolve();
    const out = (s: string) => {
      const bytes = Buffer.from(s.replace(/^\ufeff/, ''), 'utf8');
      if (!bytes.length || !env.allow(bytes.length)) return;
      queue = queue.then(() => sink.write(bytes));
    };
    /** Big-endian units swapped to little-endian, a byte left over carried to the next chunk. */
    const swapped = (bytes: Uint8Array) => {
      const all = odd === undefined ? Buffer.from(bytes) : Buffer.concat([Buffer.of(odd), bytes]);
      odd = all.length % 2 ? all[all.length - 1] : undefined;
      return Buffer.from(all.subarray(0, all.length - (all.length % 2))).swap16();
    };
    return {
      push(bytes) {
        if (env.stopped) return;
        order ??= sniffUtf16(bytes) ?? 'le';
        out(text.write(order === 'le' ? Buffer.from(bytes) : swapped(bytes)));
        return queue;
      },
      async end() {
        out(text.end());
        await queue;
        await sink.end();
      },
    };
  },
};
