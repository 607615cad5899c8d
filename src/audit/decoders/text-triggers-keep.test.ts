// Property: the notations' cheap tests (`Notation.may`: char codes' call and cast, wrapped text's line break) refuse no
// place their `at` confirms — `Triggers.find` given them lists, of each notation's needles, every place `at` holds at,
// and drops only places `at` refuses — and a notation a copy does not read (null) gets no place. Drawn: wrapped lines
// of long words cut at a width (textwrap, fold), narrow columns (`fold -w 8`..`-w 15` of base64, chunk_split), comment
// leaders, CRLF, records, and VBA/PHP/SQL/PowerShell char-code calls, `U+` code points, among code and prose; reads from
// any start to any limit, 2 KiB or more (the one pass) and shorter (native searches). Nearest real-world variants:
// argparse's help holding a default token, `fold -w 12` of a key, a VBA macro's characters each as a Chr call joined by `&`.
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { notations } from './runs.js';
import { Triggers, type Keep } from './text-triggers.js';

const rand = seededPerTest(20261207);

const TOKEN = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=-_.:@%';

/** A stretch of text of the kinds drawn. */
function stretch(): string {
  switch (rand.int(8)) {
    case 0: {
      // A long word cut at a width, indented or after a leader, maybe CRLF.
      const width = rand.int(20, 90);
      const lead = rand.pick(['', '  ', '    ', '# ', '// ', ' * ', '> ', ';; ']);
      const nl = rand.pick(['\n', '\n', '\r\n']);
      const words = `${rand.chars('abc def ', rand.int(0, 30))}${rand.chars(TOKEN, rand.int(10, 200))} ${rand.chars('xyz ', rand.int(0, 20))}`;
      const lines: string[] = [];
      for (let at = 0; at < words.length; at += width) lines.push(lead + words.slice(at, at + width));
      return lines.join(nl) + nl;
    }
    case 1: {
      // A narrow column: a token folded at 8 to 15, from the first column or indented.
      const width = rand.int(6, 18);
      const token = rand.chars(TOKEN, rand.int(8, 120));
      const indent = rand.pick(['', '', '  ']);
      return (token.match(new RegExp(`.{1,${width}}`, 'g')) ?? []).map((l) => indent + l).join('\n') + '\n';
    }
    case 2: {
      // Records: lines that begin alike and end in tokens.
      const head = rand.chars(TOKEN, 8);
      return (
        Array.from({ length: rand.int(2, 6) }, () => `${head}${rand.chars(TOKEN, rand.int(4, 40))} ${rand.chars(TOKEN, rand.int(8, 30))}`).join('\n') + '\n'
      );
    }
    case 3: {
      // Char-code calls joined, and calls that are none.
      const call = () =>
        rand.pick([
          () =>
            `${rand.pick(['Chr', 'ChrW', 'Chr$', 'chr', 'CHAR', 'char', 'CharW$'])}(${rand.pick(['', ' '])}${rand.pick([String(rand.int(32, 127)), `0x${rand.int(32, 127).toString(16)}`, `&H${rand.int(32, 127).toString(16)}`])})`,
          () => `[char]${rand.pick(['', ' '])}${rand.int(32, 127)}`,
          () =>
            `${rand.pick(['handler', 'require', 'for', 'arr', 'Shr', 'xchar', '$'])}${rand.pick(['(', '['])}${rand.pick(['1', 'x', ' 2', '&'])}${rand.pick([')', ']'])}`,
        ])();
      let s = call();
      for (let n = rand.int(0, 5); n > 0; n--) s += rand.pick([' & ', '&', ' + ', '.', ' || ', ', ', ' & _\n    ']) + call();
      return s + rand.pick([';\n', '\n', ' ']);
    }
    case 4: {
      // Code points.
      const points = Array.from({ length: rand.int(1, 5) }, () => `U+${rand.int(0x20, 0x1ffff).toString(16).toUpperCase().padStart(4, '0')}`);
      return `[${points.join(rand.pick([' ', ', ', ',']))}]${rand.pick(['\n', ' '])}`;
    }
    case 5:
      return rand.chars('const x = f(a, b[0]); // ok\n{}()[]', rand.int(1, 120));
    case 6:
      return rand.chars(TOKEN + ' \n', rand.int(1, 200));
    default:
      return rand.chars('the value of it\n\t', rand.int(1, 80));
  }
}

describe(`text triggers: the notations' cheap tests before a place is listed (seed ${rand.seed})`, () => {
  it('every place `at` confirms is listed with `may`, and only places of the needles', () => {
    const list = notations();
    const triggers = new Triggers(list.map((n) => n.needles));
    const keep: Keep[] = list.map((n) => n.may);
    const withMay = list.flatMap((n, i) => (n.may ? [i] : []));
    expect(withMay.map((i) => list[i]!.label).sort()).toEqual(['char codes', 'char list', 'wrapped text']);
    const differ: string[] = [];
    const confirmed = new Map<string, number>();
    for (let round = 0; round < 400; round++) {
      let text = '';
      const size = rand.pick([rand.int(16, 2048), rand.int(2048, 20_000)]);
      while (text.length < size) text += stretch();
      const b = Buffer.from(text, 'latin1');
      const from = rand.pick([0, 0, rand.int(b.length)]);
      const limit = rand.pick([b.length, rand.int(from, b.length + 1)]);
      const all = triggers.find(b, from, limit);
      const kept = triggers.find(b, from, limit, keep);
      for (const i of withMay) {
        const n = list[i]!;
        const want = all[i]!.filter((p) => n.at(b, p));
        const got = kept[i]!.filter((p) => n.at(b, p));
        confirmed.set(n.label, (confirmed.get(n.label) ?? 0) + want.length);
        if (JSON.stringify(got) !== JSON.stringify(want)) differ.push(`${n.label} ${JSON.stringify(text)} [${from}, ${limit}): ${got} ≠ ${want}`);
        if (kept[i]!.some((p) => !all[i]!.includes(p))) differ.push(`${n.label}: a place that is no needle's`);
      }
      for (let i = 0; i < list.length; i++)
        if (!list[i]!.may && JSON.stringify(kept[i]) !== JSON.stringify(all[i])) differ.push(`${list[i]!.label}: places differ with no test`);
    }
    expect(differ.slice(0, 3)).toEqual([]);
    // Not vacuous: both notations' places were drawn and confirmed.
    expect(confirmed.get('wrapped text')).toBeGreaterThan(50);
    expect(confirmed.get('char codes')).toBeGreaterThan(50);
  });

  it('a notation given null gets no place', () => {
    const list = notations();
    const triggers = new Triggers(list.map((n) => n.needles));
    // Made of pieces: src/'s own files are read for char codes by char-codes.test, which must find none.
    const calls = ['Chr', '(112) & ', 'Chr', '(97)'].join('');
    const b = Buffer.from(`${calls}\nabcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\nU+0061 U+0062\n`.repeat(40));
    const none = list.map(() => null);
    for (const from of [0, 5])
      for (const limit of [b.length, 100]) {
        expect(triggers.find(b, from, limit, none).every((places) => places.length === 0)).toBe(true);
        expect(triggers.find(b, from, limit).some((places) => places.length > 0)).toBe(true);
      }
  });
});
