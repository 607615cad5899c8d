// Property: a short byte list is text when its bytes are, or when a binary header of at most 12 bytes holding a control
// byte comes before 8 or more bytes of text (Erlang's term_to_binary `131,109,0,0,0,N`, Java's ObjectOutputStream
// `-84,-19,0,5,116,0,N`); a magic number, a table of small numbers, or text under 8 bytes after a header is not.
// Nearest real-world variant: an Erlang node's log line `<<131,109,0,0,0,33,…>>`.
import { describe, expect, it } from 'vitest';
import { isText } from './runs-bytes-text.js';

const TEXT = Buffer.from('tok+/=Ab9xé€Q');

describe('isText', () => {
  it('text after a serialization header is text', () => {
    for (const head of [
      [131, 109, 0, 0, 0, TEXT.length],
      [131, 107, 0, TEXT.length],
      [0xac, 0xed, 0, 5, 0x74, 0, TEXT.length],
      [0xd9, 0x20],
      [0x0a, 0, TEXT.length],
    ])
      expect(isText(Buffer.concat([Buffer.from(head), TEXT])), String(head)).toBe(true);
  });

  it('magic numbers, small-number tables, a header too long or text too short are not', () => {
    expect(isText(Buffer.from([0x89, 0x4c, 0x5a, 0x4f, 0, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(false);
    expect(isText(Buffer.from([...Array(40).keys()]))).toBe(false);
    expect(isText(Buffer.concat([Buffer.alloc(13, 1), TEXT]))).toBe(false);
    expect(isText(Buffer.concat([Buffer.from([131, 109, 0, 0, 0, 7]), Buffer.from('abcdefg')]))).toBe(false);
    expect(isText(Buffer.concat([Buffer.from([131, 109, 0, 0, 0, 20]), TEXT, Buffer.from([1, 2])]))).toBe(false);
    // Small numbers (Rust's {:x?} hex `30, 31, 32, …` read as decimal): control bytes, no NUL and no tag beyond ASCII.
    expect(isText(Buffer.from([30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 61, 62, 63]))).toBe(false);
  });
});
