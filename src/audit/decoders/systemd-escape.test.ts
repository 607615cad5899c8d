// Property: a value holding / - + = é 😀 made a unit name by the real systemd-escape (plain, --path under a directory,
// --template=backup@.service) and written into a script at a random place among plain lines is read back whole in the
// rewritten copy, in chunks of 1/7/64/whole; the clean twin (other values escaped the same) holds no leaky one, and
// random text with C-style \x escapes beside dashes holds no value. Nearest real-world variant: a provisioning script
// enabling a backup@.service instance per target URL, the URL holding a key (red team round 9, variant9-text.ts).
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { CHUNKS, expectNoneRead, expectReadBack, rewritten, tool } from './text-rewrite.testing.js';

const rand = seededPerTest(43);
const LABEL = 'systemd escape';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A value with the characters systemd-escape changes, never two slashes together nor one at an end. */
function value(): string {
  let v = 'k';
  for (let n = rand.int(12, 48); n > 0; n--) v += rand.int(3) ? rand.chars(LETTERS, 1) : rand.pick([...'+=-_.:%&é€😀', '/a', '/b']);
  return `${v}Z`;
}

const escaped = (v: string, mode: string) =>
  tool('sh', ['-c', `systemd-escape ${mode} "$(cat)"`], mode === '--path' ? `/srv/${v}` : v)
    .toString()
    .trim();

/** A script holding each value escaped in one of the modes, among plain lines at random. */
function script(values: string[]): Buffer {
  const modes = ['', '--path', '--template=backup@.service'];
  const plain = () => Array.from({ length: rand.int(0, 4) }, () => `echo ${rand.chars(LETTERS, rand.int(3, 20))}\n`).join('');
  return Buffer.from(values.map((v) => `${plain()}systemctl enable --now ${escaped(v, rand.pick(modes))}\n`).join(''));
}

describe(`systemd escape (seed ${rand.seed})`, () => {
  it('reads values escaped by systemd-escape back whole', async () => {
    const values = Array.from({ length: 12 }, value);
    const text = script(values);
    for (const v of values) expect(text.toString()).not.toContain(v);
    await expectReadBack(text, LABEL, values);
  });

  it("reads the clean twin's script without the leaky values", async () => {
    const leaky = Array.from({ length: 6 }, value);
    const text = script(leaky.map(() => value()));
    await expectNoneRead(text, LABEL, leaky);
  });

  it('finds no value in random text with \\x escapes beside dashes; a \\x with no dash in its run routes nothing', async () => {
    const values = Array.from({ length: 20 }, value);
    const pieces = () => rand.pick([rand.chars(LETTERS, rand.int(1, 8)), '-', '\\x2d', `\\x${rand.chars('0123456789abcdef', 2)}`, ' ', '\n', '/']);
    const text = Buffer.from(Array.from({ length: 4000 }, pieces).join(''));
    for (const size of CHUNKS) {
      const read = (await rewritten(text, size, LABEL)).join('\n');
      expect(values.filter((v) => read.includes(v))).toEqual([]);
      expect(await rewritten(Buffer.from('printf "\\x41\\x42" and s = "a\\x2eb";\n'), size, LABEL)).toEqual([]);
    }
  });
});
