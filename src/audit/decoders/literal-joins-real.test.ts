// Joined literals against whole real files (literal-joins.ts), found by the real-filesystem sweep of session 53: borg's
// test suite (python3-borg, borg/testsuite/hashindex.py) holds a zlib-compressed hash index as base64 in three adjacent
// bytes literals joined by Python's explicit line joining — `b'…' \` at each line's end, the next line's `b'…'` — which
// the joint did not take (only blanks, a `+` and the line break): no joined copy was made, the pieces read one by one,
// the stream cut at the first piece's end. Property: a value cut the same way — base64 of a gzip'd config in `b'…' \`
// pieces, as Python writes a long bytes constant by hand — is found, its clean twin passes. (The borg file itself is
// still named once, at its first piece's own run — `hashindex.py!(base64 at 121)`, a damaged zlib stream —: the joined
// copy is read whole, but the text's own run reader reads the first piece as well; that is runs.ts's, left to it.)
// Nearest real-world variant: any Python source holding a long bytes or str constant continued with backslashes (test
// fixtures, embedded keys, setup.py blobs).
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { auditFiles, SECRET } from './testing.js';

/** A Python constant: base64 of gzip'd `text`, in pieces of 60 characters joined by `' \` line ends. */
const pieces = (text: string) => {
  const b64 = gzipSync(Buffer.from(text), { level: 9 }).toString('base64');
  const parts = b64.match(/.{1,60}/g)!;
  return `BLOB = b'${parts.join("' \\\n       b'")}'\n`;
};

describe("adjacent literals joined by Python's explicit line joining (`b'…' \\`)", () => {
  it("base64 of a gzip'd config in backslash-joined pieces: the value found, the clean twin passes", async () => {
    const config = `[service]\nname = billing\ntoken = ${SECRET}\n`;
    expect(await auditFiles({ 'srv/app/fixtures.py': pieces(config) })).toEqual([expect.objectContaining({ severity: 'leak' })]);
    expect(await auditFiles({ 'srv/app/fixtures.py': pieces(config.replace(SECRET, 'clean-twin-value-000000')) })).toEqual([]);
  });
});
