/**
 * For the decoders' tests: one decoder run on bytes through a DecodeEnv of its own — what it wrote,
 * what it named as not audited — with the bounds' `allow` counting decoded bytes against a cap, as
 * the router's does. Fed in chunks of `chunk` bytes, so resumable decoding is exercised.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Decoder, DecodeEnv } from './types.js';
import { seeded, testSeed } from '../../../test/support/random.js';

export interface Decoded {
  out: Buffer;
  limits: string[];
  /** True when `allow` refused bytes (the cap was passed). */
  capped: boolean;
}

export async function decodeWith(decoder: Decoder, bytes: Uint8Array, { chunk = 65536, cap = 1 << 30, ratio = 200 } = {}): Promise<Decoded> {
  const parts: Buffer[] = [];
  const limits: string[] = [];
  let total = 0;
  let capped = false;
  const sink = { write: (b: Uint8Array) => void parts.push(Buffer.from(b)), end: () => undefined };
  const env: DecodeEnv = {
    path: 'x',
    open: () => sink,
    openAt: () => sink,
    allow(n) {
      total += n;
      if (total > cap) capped = true;
      return !capped;
    },
    limit: (what) => void limits.push(what),
    ratio,
    get stopped() {
      return capped;
    },
  };
  const d = decoder.open(env);
  for (let i = 0; i < bytes.length && !d.finished; i += chunk) await d.push(bytes.subarray(i, i + chunk));
  await d.end();
  return { out: Buffer.concat(parts), limits, capped };
}

/** The seed of `damaged`'s copies: fixed, so they are the same each run (HOIST_TEST_SEED replaces it); tests name it in their titles. */
export const DAMAGE_SEED = testSeed(1);

/** `n` damaged copies of `bytes`: cut at a random length, or with a few random bits flipped (from a seed: the same copies each run). */
export function damaged(bytes: Uint8Array, n: number, seed = DAMAGE_SEED): Uint8Array[] {
  const { int: rand } = seeded(seed);
  return Array.from({ length: n }, (_, i) => {
    if (i % 2 === 0) return bytes.subarray(0, rand(bytes.length));
    const copy = Uint8Array.from(bytes);
    for (let f = 1 + rand(4); f > 0; f--) copy[rand(copy.length)]! ^= 1 << rand(8);
    return copy;
  });
}

/** The first 512 bytes of each regular file in `dir` (not recursing), at most `max` files: real heads a sniff must not claim. */
export function fileHeads(dir: string, max: number): Buffer[] {
  const out: Buffer[] = [];
  for (const name of readdirSync(dir)) {
    if (out.length >= max) break;
    const path = join(dir, name);
    try {
      if (!statSync(path).isFile()) continue;
      const fd = openSync(path, 'r');
      const b = Buffer.alloc(512);
      const n = readSync(fd, b, 0, 512, 0);
      closeSync(fd);
      out.push(b.subarray(0, n));
    } catch {
      continue;
    }
  }
  return out;
}
