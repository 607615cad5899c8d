// Property: a value beyond ASCII printed by the real `cat -v` or `cat -A` (each byte above 0x7F as M-x or M-^X) is read
// back whole in the rewritten copy, in chunks of 1/7/64/whole, and BSD vis's \M- form too; text holding M- words
// (Emacs's M-x, part numbers) is not read. Nearest real-world variant: a CI log of `cat -v .env` kept in an image
// (red team round 8, variant8-text.ts).
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { CHUNKS, rewritten, tool } from './text-rewrite.testing.js';

const rand = seededPerTest(11);
const LABEL = 'meta notation';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const WIDE = ['é', '€', 'ß', '£', 'Ж', '中', '😀', 'ÿ'];

function value(): string {
  let v = `t${rand.pick(WIDE)}`;
  for (let n = rand.int(12, 40); n > 0; n--) {
    const k = rand.int(10);
    v += k < 6 ? rand.chars(LETTERS, 1) : k < 8 ? rand.pick([...'+/=&<>%"\\^-']) : rand.pick(WIDE);
  }
  return `${v}Z`;
}

/** The values (with the chunk size) not read back whole from `bytes` in the rewritten copy; each is asserted absent from `bytes` first. */
async function missed(bytes: Buffer, values: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const v of values) if (bytes.toString('utf8').includes(v)) out.push(`${v}: in the text as it is`);
  for (const size of CHUNKS) {
    const read = (await rewritten(bytes, size, LABEL)).join('\n');
    for (const v of values) if (!read.includes(v)) out.push(`${v} (chunks of ${size})`);
  }
  return out;
}

describe(`meta notation (seed ${rand.seed})`, () => {
  it.each([['-v'], ['-A']])('reads cat %s output back whole', async (flag) => {
    const values = Array.from({ length: 10 }, value);
    const text = values.map((v) => `${rand.pick(['API_TOKEN', 'user\tpass'])}=${v}\n`).join('');
    expect(await missed(tool('cat', [flag], text), values)).toEqual([]);
  });

  it("reads a cat -A line that is all of base85's alphabet back whole (each value alone, 200 draws)", async () => {
    // Round 8's `cat-A` at its default seed: `deploy^I<letters>M-CM-)<letters>M-CM-^_…$` has no blank and only RFC 1924
    // characters, so it passed for a line a base85 encoder wrote, whose needles are the run's data (base85Line): the
    // copy was not made. Two meta sequences making one UTF-8 character are evidence no encoder's line gives by chance.
    const word = (n: number) => rand.chars(LETTERS, n);
    const values = Array.from({ length: 200 }, () => `${word(6)}é${word(5)}ß${word(6)}£${word(5)}`);
    const lost: string[] = [];
    for (const v of values) {
      const read = (await rewritten(tool('cat', ['-A'], `user\tpassword\ndeploy\t${v}\n`), 64, LABEL)).join('\n');
      if (!read.includes(v)) lost.push(v);
    }
    expect(lost).toEqual([]);
  });

  it("reads BSD vis's \\M- form back whole", async () => {
    expect(await rewritten(Buffer.from('key=t\\M-C\\M-)\\M-b\\M-^B\\M-,Z\n'), 1, LABEL)).toEqual(['key=té€Z\n']);
  });

  it('keeps a backslash of the text before a wide character in cat -v output (vis writes its own \\M-)', async () => {
    // Seed 2 drew `…K\😀f…`: cat -v printed `K\M-p^_M-^XM-^@f`, read as vis's \M- with the backslash dropped.
    const text = tool('cat', ['-v'], 'key=t中lxЖgw😀K\\😀f€Z\n');
    for (const size of CHUNKS) expect(await rewritten(text, size, LABEL)).toEqual(['key=t中lxЖgw😀K\\😀f€Z\n']);
  });

  it('reads no M- words that are not UTF-8 in meta notation', async () => {
    const near = ['Press M-x to run a command, M-BM-x moves, M-- and M-^ too', 'part M-C100 and M-CM-A (Ã then Á as Latin-1 bytes)'];
    for (const text of near) for (const size of CHUNKS) expect(await rewritten(Buffer.from(text), size, LABEL), text).toEqual([]);
  });
});
