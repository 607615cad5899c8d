// Property: a value set in bold or italic in a man page and formatted by the real nroff (each character, a backspace,
// the character again; `_`, a backspace, the character) is read back whole in the rewritten copy, placed at random
// among plain words, in chunks of 1/7/64/whole; its clean twin (another value formatted the same) and random text with
// stray backspaces give no copy holding a value. Nearest real-world variant: a CLI's cat page (nroff -man of pod2man's
// output) shipped in an image with a default token in bold (red team round 9, variant9-text.ts).
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { CHUNKS, rewritten, tool } from './text-rewrite.testing.js';
import { looksBinary } from './trial.js';

const rand = seededPerTest(29);
const LABEL = 'overstrike';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const WIDE = ['é', '€', 'ß', '中', '😀'];

function value(): string {
  let v = 'k';
  for (let n = rand.int(12, 40); n > 0; n--) {
    const k = rand.int(10);
    v += k < 6 ? rand.chars(LETTERS, 1) : k < 8 ? rand.pick([...'+/=&<>%"_']) : rand.pick(WIDE);
  }
  return `${v}Z`;
}

/** A man page holding each value in bold or italic among random words, formatted by preconv and nroff -man. */
function page(values: string[]): Buffer {
  const words = () => Array.from({ length: rand.int(0, 8) }, () => rand.chars(LETTERS, rand.int(2, 9))).join(' ');
  const body = values.map((v) => `${words()} \\f${rand.pick(['B', 'I'])}${v}\\fR ${words()}\n.PP\n`).join('');
  const roff = Buffer.from(`.TH DEPLOY 1\n.SH OPTIONS\n.nh\n.ll 200\n${body}`);
  return tool('nroff', ['-man'], tool('preconv', [], roff));
}

async function missed(bytes: Buffer, values: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const v of values) if (bytes.toString('utf8').includes(v)) out.push(`${v}: in the text as it is`);
  for (const size of CHUNKS) {
    const read = (await rewritten(bytes, size, LABEL)).join('\n');
    for (const v of values) if (!read.includes(v)) out.push(`${v} (chunks of ${size})`);
  }
  return out;
}

describe(`overstrike (seed ${rand.seed})`, () => {
  it('reads values in bold and italic in an nroff page back whole', async () => {
    const values = Array.from({ length: 12 }, value);
    expect(await missed(page(values), values)).toEqual([]);
  });

  it("reads the clean twin's page without the leaky values", async () => {
    const leaky = Array.from({ length: 6 }, value);
    const text = page(leaky.map(() => value()));
    for (const size of CHUNKS) {
      const read = (await rewritten(text, size, LABEL)).join('\n');
      expect(leaky.filter((v) => read.includes(v))).toEqual([]);
    }
  });

  it('finds no value in random text with stray backspaces, and routes nothing from binary around one', async () => {
    const values = Array.from({ length: 20 }, value);
    const stray = Array.from({ length: 400 }, () => `${rand.chars(LETTERS, rand.int(1, 30))}\b${rand.chars(LETTERS, rand.int(1, 30))}`).join(' ');
    const noisy = Buffer.concat([rand.bytes(64).map((c) => c & 0x1f), Buffer.from('a\ba'), rand.bytes(64).map((c) => c & 0x1f)]);
    for (const size of CHUNKS) {
      const read = (await rewritten(Buffer.from(stray), size, LABEL)).join('\n');
      expect(values.filter((v) => read.includes(v))).toEqual([]);
      expect(await rewritten(noisy, size, LABEL)).toEqual([]);
    }
  });

  it('reads `c\\b_` (underline after the character) as the character', async () => {
    expect(await rewritten(Buffer.from('key: t_\bo_\bk\b_en\n'), 1, LABEL)).toEqual(['key: token\n']);
  });

  it('takes an nroff page for text, so the text readers see it; control bytes between unlike characters stay binary', () => {
    const text = page(Array.from({ length: 4 }, value));
    expect(text.subarray(0, 512).filter((c) => c === 8).length * 10).toBeGreaterThan(512); // binary by control count before
    expect(looksBinary(text)).toBe(false);
    const controls = Buffer.from(Array.from({ length: 512 }, (_, i) => (i % 6 === 3 ? 8 : 0x41 + (i % 26))));
    expect(looksBinary(controls)).toBe(true);
  });
});
