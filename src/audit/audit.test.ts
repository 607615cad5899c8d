import { describe, expect, it } from 'vitest';
import { compile, encodings } from './audit.js';

const findIn = (value: string, haystack: string) => {
  const { automaton } = compile([{ name: 'secret', value }]);
  const found: string[] = [];
  automaton.scanner((m) => m.tag.kind === 'secret' && found.push(m.tag.encoding)).write(Buffer.from(haystack));
  return [...new Set(found)];
};

describe('encodings', () => {
  it('lists each form once, with its name', () => {
    const forms = Object.fromEntries(encodings('p@ss w0rd/"x"').map(([form, name]) => [name + ':' + form, true]));
    expect(Object.keys(forms)).toEqual(
      expect.arrayContaining([
        'plain:p@ss w0rd/"x"',
        'hex:7040737320773072642f227822',
        'URL-encoded:p%40ss%20w0rd%2F%22x%22',
        'JSON-escaped:p@ss w0rd/\\"x\\"',
      ]),
    );
  });

  it.each([0, 1, 2])('finds a secret base64-encoded inside a longer text, at byte offset %i mod 3', (k) => {
    const value = 'npm_0123456789abcdef';
    const encoded = Buffer.from(`${'u'.repeat(k)}user:${value}:more`).toString('base64');
    expect(findIn(value, `auth=${encoded}\n`)).toEqual(['base64']);
  });

  it('finds base64url, hex, URL- and JSON-escaped forms', () => {
    const value = 'tok/en+with?odd=chars"';
    expect(findIn(value, Buffer.from(value).toString('base64url'))).toContain('base64url');
    expect(findIn(value, Buffer.from(value).toString('hex').toUpperCase())).toEqual(['hex']);
    expect(findIn(value, `q=${encodeURIComponent(value)}`)).toEqual(['URL-encoded']);
    expect(findIn(value, JSON.stringify({ v: value }))).toEqual(['JSON-escaped']);
  });

  it('leaves out values too short to look for, saying so', () => {
    expect(compile([{ name: "secret 'pin'", value: '1234' }]).skipped).toEqual([
      "secret 'pin' is shorter than 8 characters: not looked for (it would match by chance)",
    ]);
  });
});
