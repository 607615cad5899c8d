// Round 18's families over their whole parameter space, written here as their writers write them: a value's bytes as
// words of 2, 4 and 8 bytes in either byte order, signed or not, between every separator a list is printed with, quoted
// or not, in hex or decimal; as one big number in decimal, octal and binary, either order; its characters between each
// separator (blank, line break, tab, comma, CRLF) in brackets, parentheses or bare; IDNA labels of random values.
// Property: each is read back whatever the chunk sizes (random, seeded), and text that only looks like such lists
// (timestamps, ports, prose, CSS, hyphenated words) gives no copy that holds a value. Nearest real-world variant: the
// debugging prints of runs-bytes-r18.test.ts, in the languages no test names.
import { describe, expect, it } from 'vitest';
import { listsOf } from './runs-bytes-r18.testing.js';
import { punycodeDecode } from './punycode-labels.js';

let seed = 0x18e;
const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const word = (n: number) => Array.from({ length: n }, () => ALNUM[rand(ALNUM.length)]).join('');
const value = () => `${word(6)}é${word(5)}€${word(7)}`;
const chunks = () => 1 + rand(40);

async function readsBack(text: string, v: string, label: string): Promise<boolean> {
  const lists = await listsOf(Buffer.from(text, 'utf8'), chunks);
  return lists.some((l) => l.alphabet === label && l.bytes.toString('utf8').includes(v));
}

/** The value's bytes as words of `width` bytes (padded with NULs), big- or little-endian, signed or not. */
function words(v: string, width: number, le: boolean, signed: boolean): bigint[] {
  const b = Buffer.from(v, 'utf8');
  const padded = Buffer.concat([b, Buffer.alloc((width - (b.length % width)) % width)]);
  const out: bigint[] = [];
  for (let i = 0; i < padded.length; i += width) {
    const w = padded.subarray(i, i + width);
    const n = BigInt(`0x${Buffer.from(le ? [...w].reverse() : w).toString('hex')}`);
    out.push(signed && n >= 1n << BigInt(width * 8 - 1) ? n - (1n << BigInt(width * 8)) : n);
  }
  return out;
}

const SEPARATORS = [', ', ',', ' ', '  ', '\n', ',\n  ', '\t', '; '];
const WRAPS: Array<[string, string]> = [
  ['[', ']'],
  ['(', ')'],
  ['{', '}'],
  ['', ''],
  ['array(', ')'],
];

describe('round 18 families over their parameter space', () => {
  it('word lists: widths 2, 4, 8 × byte orders × signed × separators × wraps × quotes × radix, in random chunks', async () => {
    const missed: string[] = [];
    for (const width of [2, 4, 8])
      for (const le of [false, true])
        for (const signed of [false, true])
          for (const sep of SEPARATORS)
            for (const [open, close] of WRAPS)
              for (const form of ['dec', 'hex', 'quoted']) {
                if (form !== 'dec' && signed) continue;
                const v = value();
                const ns = words(v, width, le, signed);
                const items = ns.map((n) => (form === 'dec' ? String(n) : form === 'hex' ? `0x${n.toString(16)}` : `'${n}'`));
                const text = `debug: key ${open}${items.join(sep)}${close} done\n`;
                if (!(await readsBack(text, v, 'word list'))) missed.push(JSON.stringify(text));
              }
    expect(missed).toEqual([]);
  }, 120_000);

  it('big numbers: decimal, octal, binary (no leading zeros) × byte orders, bare, after `n = ` or 0o/0b, in random chunks', async () => {
    const missed: string[] = [];
    for (let k = 0; k < 12; k++)
      for (const le of [false, true])
        for (const radix of [10, 8, 2]) {
          const v = value();
          const b = Buffer.from(v, 'utf8');
          const n = BigInt(`0x${Buffer.from(le ? [...b].reverse() : b).toString('hex')}`);
          const prefix = radix === 10 ? '' : ['', radix === 8 ? '0o' : '0b'][k % 2]!;
          const text = `${['n = ', '', 'id: '][k % 3]}${prefix}${n.toString(radix)}\n`;
          if (!(await readsBack(text, v, 'big number'))) missed.push(text);
        }
    expect(missed).toEqual([]);
  }, 60_000);

  it('spaced characters: separators × brackets × Tcl and Lisp quoting, in random chunks', async () => {
    const missed: string[] = [];
    for (const sep of [' ', '\n', '\t', ',', '\r\n'])
      for (const [open, close] of [
        ['', ''],
        ['[', ']'],
        ['(', ')'],
      ])
        for (let k = 0; k < 4; k++) {
          const v = value();
          const text = `chars: ${open}${[...v].join(sep)}${close}\nnext line\n`;
          if (!(await readsBack(text, v, 'spaced chars'))) missed.push(JSON.stringify(text));
        }
    for (let k = 0; k < 6; k++) {
      const v = `${word(8)}&{${word(3)}"\\${word(6)}`;
      const tcl = [...v].map((c) => ('{}"\\[]$'.includes(c) ? `\\${c}` : c)).join(' ');
      const lisp = `(${[...v].map((c) => `#\\${c}`).join(' ')})`;
      if (!(await readsBack(`puts: ${tcl}\n`, v, 'spaced chars'))) missed.push(tcl);
      if (!(await readsBack(`${lisp}\n`, v, 'spaced chars'))) missed.push(lisp);
    }
    expect(missed).toEqual([]);
  }, 60_000);

  it('punycode: random values beyond ASCII after xn-- (a label, a codec word), in random chunks; decoding is RFC 3492', async () => {
    // RFC 3492's sample (Arabic, Egyptian) and a known label.
    expect(punycodeDecode('egbpdaj6bu4bxfgehfvwxn')).toBe('ليهمابتكلموشعربي؟');
    expect(punycodeDecode('bcher-kva')).toBe('bücher');
    const missed: string[] = [];
    for (let k = 0; k < 20; k++) {
      const v = value().toLowerCase();
      const label = 'xn--' + (await import('node:url')).domainToASCII(`${v}.example`).split('.')[0]!.slice(4);
      const text = `https://${label}.example/path\n`;
      if (!(await readsBack(text, v, 'punycode'))) missed.push(text);
    }
    expect(missed).toEqual([]);
  }, 60_000);

  it('text that only looks like such lists gives no copy: timestamps, ports, prose, CSS, options, hyphenated words', async () => {
    const texts = [
      '[1700000000000, 1700000001000, 1700000002000, 1700000003000]\n',
      'ports: 8080, 8443, 9090, 3000, 5432, 6379, 27017, 11211\n',
      'sizes = (1024, 2048, 4096, 8192, 16384, 32768, 65536)\n',
      'The a b c of it: x y z and so on, i.e. a list of letters a b c d e f g h i j.\n'.replace('a b c d e f g h i j', 'a, b and c'),
      '.btn-primary { font-family: sans-serif; margin: 0 auto; }\n',
      'see font-size, x-n--y, --xn--, max-width and data-xn for names\n',
      'id 9223372036854775807 and 18446744073709551615 (limits)\n',
      // R's print of numbers no text's bytes (a row of single digits is a run of characters: read, harmless).
      '[1] 10 20 30 40 50 60 70 80 90 100\n',
      'v1 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]\n',
    ];
    for (const t of texts)
      expect(
        (await listsOf(Buffer.from(t), chunks))
          .filter((l) => /word list|big number|spaced chars|vector print|punycode/.test(l.alphabet))
          .map((l) => l.bytes.toString('latin1')),
        t,
      ).toEqual([]);
  });
});
