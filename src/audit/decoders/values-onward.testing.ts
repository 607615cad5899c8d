/**
 * What the unit tests of the readers that hand their values on (value-streams.ts `valuesOnward`: msgpack, CBOR, BSON,
 * LMDB) share: a container made by the distribution's python3 and its library, holding the test value compressed
 * with brotli, raw deflate and raw LZMA2 (the value read from a file, never argv); and the bounds every such reader
 * holds — damaged copies and crafted inputs read without a throw or a hang, random and real heads not claimed.
 */
import { existsSync } from 'node:fs';
import { expect } from 'vitest';
import { seeded, testSeed } from '../../../test/support/random.js';
import { damaged, decodeWith, fileHeads } from './decode.testing.js';
import { SECRET, tool } from './testing.js';
import type { Decoder } from './types.js';

export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** Whether the distribution's python3 has every module named. */
export function pyHas(...modules: string[]): boolean {
  try {
    tool(PYTHON, ['-c', modules.map((m) => `import ${m}`).join('\n')], {});
    return true;
  } catch {
    return false;
  }
}

/** The text each value is made of: the test value after `token=`, then numbers (compressible, kilobytes). */
export const TEXT = `token=${SECRET}`;

/**
 * The bytes `body` (python, after a prologue defining `text`, `deflate_raw`, `lzma_raw`, `brotli`, `os`) writes to
 * `out`; `value` (the test value by default) read from a file.
 */
export function pyMade(body: string, out: string, value = SECRET): Buffer {
  const prologue = `import brotli, lzma, os, zlib
text = ('token=' + open('value').read() + '\\n' + ' '.join(map(str, range(3000)))).encode()
def deflate_raw(b):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(b) + c.flush()
def lzma_raw(b):
    return lzma.compress(b, format=lzma.FORMAT_RAW, filters=[{'id': lzma.FILTER_LZMA2}])
`;
  return tool(PYTHON, ['-c', prologue + body], { value }, out);
}

/** The three magicless compressions as python expressions of `text`. */
export const STREAMS = ['brotli.compress(text)', 'deflate_raw(text)', 'lzma_raw(text)'];

/** The seed of the random heads the readers must not claim. */
export const HEADS_SEED = testSeed(0x21b);

/** How many of `n` random 512-byte heads, and of this machine's real file heads, `decoder` claims. */
export function claimed(decoder: Decoder, n: number): { random: number; real: number; realHeads: number } {
  const r = seeded(HEADS_SEED);
  let random = 0;
  for (let i = 0; i < n; i++) if (decoder.sniff(r.bytes(512), '')) random++;
  const heads = ['/usr/bin', '/usr/lib/x86_64-linux-gnu', '/usr/share/mime', '/var/lib/dpkg/info'].flatMap((d) => (existsSync(d) ? fileHeads(d, 1500) : []));
  return { random, real: heads.filter((h) => decoder.sniff(h, '')).length, realHeads: heads.length };
}

/**
 * Damaged copies of `file` (cut, bits flipped) and `crafted` inputs read by `decoder`: each ends within `ms` with no
 * throw (a limit or nothing said; what it read kept to the bounds).
 */
export async function holds(decoder: Decoder, file: Buffer, crafted: Buffer[], ms = 5000): Promise<void> {
  for (const bytes of [...damaged(file, 40), ...crafted]) {
    const started = performance.now();
    const { limits } = await decodeWith(decoder, bytes, { chunk: 4096, cap: 256 << 20 });
    expect({ threw: false, slow: performance.now() - started > ms, limits: limits.every((l) => typeof l === 'string') }).toEqual({
      threw: false,
      slow: false,
      limits: true,
    });
  }
}
