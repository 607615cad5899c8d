// RFC 1924's base85 for the tests (Python's b85encode, git's): the value a base85 reader must read back.
import { B85_ALPHABET } from './runs-base85.js';

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
