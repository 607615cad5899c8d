// RFC 1924's base85 for the tests (Python's b85encode, git's): the value a base85 reader must read back.
import { A85_ALPHABET, B85_ALPHABET } from './runs-base85.js';
import { EncodedRuns } from './runs.js';

/** RFC 1924's base85 of `data`: each 4-byte group as 5 digits, a last short group of n bytes as n + 1. */
export function b85encode(data: Buffer): string {
  let out = '';
  for (let i = 0; i < data.length; i += 4) {
    const group = Buffer.alloc(4);
    data.copy(group, 0, i, i + 4);
    let v = group.readUInt32BE(0);
    let digits = '';
    for (let k = 0; k < 5; k++, v = Math.floor(v / 85)) digits = B85_ALPHABET[v % 85] + digits;
    out += digits.slice(0, Math.min(4, data.length - i) + 1);
  }
  return out;
}

/**
 * Python's base64.a85encode of `data` (no framing, a last group of n bytes as n + 1 characters); `z` for four zero bytes
 * unless `zeros` is false (then written as `!!!!!`, as a reader must read it too).
 */
export function a85encode(data: Buffer, zeros = true): string {
  let out = '';
  for (let i = 0; i < data.length; i += 4) {
    const group = Buffer.alloc(4);
    data.copy(group, 0, i, i + 4);
    let v = group.readUInt32BE(0);
    const n = Math.min(4, data.length - i);
    if (zeros && v === 0 && n === 4) {
      out += 'z';
      continue;
    }
    let digits = '';
    for (let k = 0; k < 5; k++, v = Math.floor(v / 85)) digits = A85_ALPHABET[v % 85] + digits;
    out += digits.slice(0, n + 1);
  }
  return out;
}

/** What EncodedRuns reads in `text`: whether some run decodes to bytes holding `value`, and how many readings it opened. */
export async function readRuns(text: string, value?: Buffer): Promise<{ found: boolean; opened: number }> {
  const out: Buffer[][] = [];
  const runs = new EncodedRuns(() => {
    const parts: Buffer[] = [];
    out.push(parts);
    return { write: (b) => void parts.push(Buffer.from(b)), end: () => undefined };
  });
  await runs.push(Buffer.from(text, 'latin1'));
  await runs.end();
  return { found: !!value && out.some((parts) => Buffer.concat(parts).includes(value)), opened: out.length };
}
