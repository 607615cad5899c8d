// Round 17's byte-list readers (keyed lists — `=>` and `{0: ` triggers —, dotted, binary, octal and signed lists, hex
// groups between dashes or colons) on adversarial text stay linear: 16 MiB within 8× the time of 4 MiB (the readers
// as the audit drives them, ByteLists in 64 KiB chunks), and no text takes more than 20 s. The texts: a keyed list
// begun again at every entry (`[0] => 1`), one keyed list 16 MiB long (held up to 1 MiB, read again only when it has
// doubled), triggers without values (`0 =>0 =>`), nested Python dicts (`{0: {0: `), one dotted run of millions of
// numbers, bits and dashes, colons between hex groups, quoted hex strings, octal triples, hex code points after `[`,
// and a seeded mix of all their characters (seed named below).
// Nearest real-world variant: a PHP var_dump of a large array, a Perl %vd of a long buffer, a log of MAC addresses.
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { ByteLists } from './runs-bytes.js';

const rand = seededPerTest(17);

async function cpuMs(text: Buffer): Promise<number> {
  const lists = new ByteLists(() => ({ write: () => undefined, end: () => undefined }));
  const t = process.cpuUsage();
  for (let i = 0; i < text.length; i += 65536) await lists.push(text.subarray(i, i + 65536));
  await lists.end();
  const u = process.cpuUsage(t);
  return (u.user + u.system) / 1000;
}

const MIB = 1 << 20;
const fill = (piece: (i: number) => string, size: number) => {
  const parts: string[] = [];
  let n = 0;
  for (let i = 0; n < size; i++) {
    const p = piece(i);
    parts.push(p);
    n += p.length;
  }
  return Buffer.from(parts.join('').slice(0, size), 'latin1');
};

describe(`round 17's list readers on adversarial text (seed ${rand.seed})`, () => {
  const alphabet = '0123456789abcdef[]{}=>:,.- \n\'"int()string';
  const texts: Array<[string, (i: number) => string]> = [
    ['a keyed list begun at every entry', () => '[0] => 1\n'],
    ['one keyed list', (i) => `    [${i}] => ${65 + (i % 26)}\n`],
    ['triggers without values', () => '0 =>'],
    ['nested Python dicts', () => '{0: '],
    ['one dotted run', (i) => `${i % 256}.`],
    ['bits and blanks', (i) => (i % 9 === 8 ? ' ' : String(i & 1))],
    ['dashed hex pairs', () => 'ab-'],
    ['colon hex groups', () => 'abcd:'],
    ['quoted hex strings', (i) => `'0x${(i % 256).toString(16).padStart(2, '0')}', `],
    ['octal triples', (i) => `${(i % 512).toString(8).padStart(3, '0')} `],
    ['hex code points after a bracket', (i) => (i % 1000 ? `${(i * 97).toString(16)} ` : '[')],
    ['a seeded mix', () => rand.chars(alphabet, 64)],
  ];
  it.each(texts)(
    '%s: 16 MiB within 8× the time of 4 MiB',
    async (_name, piece) => {
      const [small, large] = [fill(piece, 4 * MIB), fill(piece, 16 * MIB)];
      const a = await cpuMs(small);
      const b = await cpuMs(large);
      expect(b, `${a.toFixed(0)} ms for 4 MiB, ${b.toFixed(0)} ms for 16 MiB`).toBeLessThan(8 * a + 200);
      expect(b).toBeLessThan(20_000);
    },
    120_000,
  );
});
