/** The text rewrites' tests share this: what the runs reader routes under one label, the text fed in chunks of a size. */
import { execFileSync } from 'node:child_process';
import { expect } from 'vitest';
import type { Seeded } from '../../../test/support/random.js';
import { EncodedRuns } from './runs.js';

/** The chunk sizes every rewrite is read in: a byte at a time, odd cuts, small, the whole text. */
export const CHUNKS = [1, 7, 64, 1 << 20];

/** The contents the runs reader routes as `label` from `bytes` fed in chunks of `size`, as UTF-8 text. */
export async function rewritten(bytes: Buffer, size: number, label: string): Promise<string[]> {
  const out: Array<{ alphabet: string; parts: Buffer[] }> = [];
  const runs = new EncodedRuns((_at, alphabet) => {
    const run = { alphabet, parts: [] as Buffer[] };
    out.push(run);
    return { write: (b) => void run.parts.push(Buffer.from(b)), end: () => undefined };
  });
  for (let i = 0; i < bytes.length; i += size) await runs.push(bytes.subarray(i, i + size));
  await runs.end();
  return out.filter((r) => r.alphabet === label).map((r) => Buffer.concat(r.parts).toString('utf8'));
}

/** Every one of `values` is read back whole from `text` under `label`, in each of CHUNKS. */
export async function expectReadBack(text: Buffer, label: string, values: string[]): Promise<void> {
  for (const size of CHUNKS) {
    const read = (await rewritten(text, size, label)).join('\n');
    expect(
      values.filter((v) => !read.includes(v)),
      `chunks of ${size}`,
    ).toEqual([]);
  }
}

/** None of `values` is in what is read from `text` under `label` (a clean twin's, a random text's), in each of CHUNKS. */
export async function expectNoneRead(text: Buffer, label: string, values: string[]): Promise<void> {
  for (const size of CHUNKS) {
    const read = (await rewritten(text, size, label)).join('\n');
    expect(
      values.filter((v) => read.includes(v)),
      `chunks of ${size}`,
    ).toEqual([]);
  }
}

/** Random text of a notation: 4000 pieces, each one of its `words` or 1-7 of `letters` (drawn from `rand`). */
export function notationText(rand: Seeded, words: string[], letters: string): Buffer {
  const pieces = () => rand.pick([rand.chars(letters, rand.int(1, 8)), ...words]);
  return Buffer.from(Array.from({ length: 4000 }, pieces).join(''));
}

/** Nothing of `text` is routed under `label` (text of the notation's look without one of its places), in each of CHUNKS. */
export async function expectNoneRouted(text: string, label: string): Promise<void> {
  for (const size of CHUNKS) expect(await rewritten(Buffer.from(text), size, label), `chunks of ${size}`).toEqual([]);
}

/** A tool's output for `input` on its stdin (generated values never in argv). */
export const tool = (cmd: string, args: string[], input: string | Buffer): Buffer =>
  execFileSync(cmd, args, { input, maxBuffer: 1 << 26, env: { ...process.env, LC_ALL: 'C.UTF-8' } });

/** python3 of the distribution running `body` with the generated values as `values` (a JSON list on stdin). */
export const python = (body: string, values: string[]): string =>
  tool('/usr/bin/python3', ['-c', `import json, sys\nvalues = json.load(sys.stdin)\n${body}`], JSON.stringify(values)).toString('utf8');
