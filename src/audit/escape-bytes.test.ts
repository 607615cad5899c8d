// Backslash escapes read as a bytes literal's (round 12 of the variant corpus, issue 28): Python's repr of a value's
// UTF-16LE bytes (`b'a\x00\xe9\x00\xac '`: printable bytes as themselves, the rest `\x`) is the value's UTF-16 form only
// when `\xe9` is the byte — the backslash family reads a lone `\xe9` as é (Python's str, YAML, TOML). The nearest
// real-world variant: a Windows-interop script's log of the REG_SZ payload it wrote (print(data)), made here by the
// real python3. Another value of the same length is not found.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { findIn as find } from './escape-find.testing.js';

/** What the scan finds of `value` in `text`: each finding's encoding and escapes. */
/** The text as bytes one a character (`\xe9` written as the byte E9). */
const findIn = (value: string, text: string) => find(value, Buffer.from(text, 'latin1'));

/** python3's `repr(value.encode('utf-16-le'))` in a log line (the value on stdin). */
const reprUtf16 = (value: string) =>
  execFileSync('python3', ['-c', "import sys; print('writing REG_SZ Password=' + repr(sys.stdin.buffer.read().decode('utf-8').encode('utf-16-le')))"], {
    input: Buffer.from(value),
    encoding: 'latin1',
  });

describe("a bytes literal's \\x escapes as bytes", { timeout: 60_000 }, () => {
  it.each([
    ['beyond ASCII (é as \\xe9\\x00)', 'XNgq7R81wM94HTkt7zbhh7W4dPé'],
    ['a backslash, € (\\xac followed by a space) and an emoji (surrogates)', 'XN\\gq7R81wM94HTkt7zbhh€7W4dP😀x'],
    ['a quote (repr switches to "…") and ß', "XN'gq7R81wM94HTkt7ß7W4dPqq"],
  ])('python3 repr of UTF-16LE bytes, %s: found; another value of its length is not', (_name, value) => {
    const log = reprUtf16(value);
    expect(log).toContain('\\x00');
    expect(findIn(value, log)).toContainEqual(expect.stringMatching(/^UTF-16, .*\\x-escaped bytes/));
    expect(findIn(value, reprUtf16(value.replace(/[A-Za-z]/g, 'x')))).toEqual([]);
  });
});
