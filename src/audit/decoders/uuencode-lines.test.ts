// Property: PHP's convert_uuencode of a value under 45 bytes — one short line whose length character tells its length
// exactly, then a line of one backquote — is read back through the audit; a line that only looks like one (a wrong
// length character, too few distinct characters, no backquote line after it) is none. Nearest real-world variant: a
// cache file written by convert_uuencode($token).
import { describe, expect, it } from 'vitest';
import { shortUuLine } from './uuencode-lines.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

const uuLine = (b: Buffer) => {
  let out = String.fromCharCode(0x20 + b.length);
  const p = Buffer.concat([b, Buffer.alloc((3 - (b.length % 3)) % 3)]);
  for (let i = 0; i < p.length; i += 3) {
    const v = (p[i]! << 16) | (p[i + 1]! << 8) | p[i + 2]!;
    for (const s of [18, 12, 6, 0]) out += String.fromCharCode(((v >> s) & 63) === 0 ? 0x60 : 0x20 + ((v >> s) & 63));
  }
  return out;
};

describe('a short uuencoded line standing alone', () => {
  it('shortUuLine: exact lines of 8 to 44 bytes are, look-alikes are not', () => {
    for (let n = 8; n < 45; n++) expect(shortUuLine(uuLine(Buffer.from(SECRET.repeat(2).slice(0, n)))), String(n)).toBe(true);
    expect(shortUuLine(uuLine(Buffer.from('abcdefg')))).toBe(false);
    expect(shortUuLine(`${uuLine(Buffer.from(SECRET.slice(0, 20)))}AAAA`)).toBe(false);
    expect(shortUuLine('5' + 'A'.repeat(28))).toBe(false);
    expect(shortUuLine('M' + 'ABCD'.repeat(15))).toBe(false);
  });

  it.skipIf(!has('php'))("PHP's convert_uuencode of the value: found; with no backquote line after it: none", async () => {
    const php = tool('php', ['-r', 'echo convert_uuencode(file_get_contents("v"));'], { v: SECRET }).toString('latin1');
    expect(php.endsWith('`\n')).toBe(true);
    expect((await auditFiles({ 'var/cache/k.uu': php })).length).toBeGreaterThan(0);
    expect(await auditFiles({ 'var/cache/k.uu': php.replace(/`\n$/, '') })).toEqual([]);
  });
});
