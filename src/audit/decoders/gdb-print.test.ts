// Property: a buffer holding a value, printed by gdb in the forms a debugging session prints one — `p/c` (each byte's
// number, signed, and its character quoted: `{97 'a', -61 '\303', 0 '\000' <repeats 40 times>}`), `x/64cb` (the same
// after each line's address, tab-separated), `x/64db` and `x/64ub` (bytes in decimal), `x/16xw`, `x/32xh` and `x/8xg`
// (little-endian hex words, 4, 2 and 8 bytes) — holds the value whole where the runs reader routes it, in any chunking;
// the value holding ' " \ é € 😀 and a blank. The clean twin (another value printed the same) holds no leaky one; text
// with a few such elements, tab-separated numbers after no address, and `x/Nxb`'s neighbours are no place. Nearest
// real-world variant: a debugging session's log (gdb -batch) of a service that had just read its key into a fixed
// buffer (round 16, variant16-text.ts: gdb p/c, x/cb, x/db, x/ub, x/xh, x/xw, x/xg were silent; x/xb alone was read).
import { describe, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { has, tool } from './testing.js';
import { expectNoneRead, expectNoneRouted, expectReadBack } from './text-rewrite.testing.js';

const rand = seededPerTest(1616);
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A value of 12 to 30 characters, some of them ' " \ é € 😀 or a blank (at most 60 bytes: the buffer holds 64). */
function value(): string {
  let v = 'k';
  for (let n = rand.int(10, 28); n > 0; n--) v += rand.int(3) ? rand.chars(LETTERS, 1) : rand.pick([...`'"\\& é€😀+/=`]);
  return `${v}Z`;
}

const PROGRAM = `#include <stdio.h>
char buf[64];
void loaded(void) {}
int main(void) { FILE *f = fopen("secret", "r"); if (!f) return 1; fread(buf, 1, sizeof buf - 1, f); fclose(f); loaded(); return 0; }
`;

/** What gdb -batch prints for `command` (e.g. `p/c buf`) at loaded(), once the program has read `secret` into buf. */
function gdbPrints(command: string, secret: string): Buffer {
  const script = `gcc -g -O0 -o m m.c && gdb -q -nx -batch -ex 'break loaded' -ex run -ex '${command}' ./m 2>&1`;
  return tool('sh', ['-c', script], { 'm.c': PROGRAM, secret });
}

const COMMANDS: Array<[string, string]> = [
  ['p/c buf', 'char list'],
  ['x/64cb buf', 'char list'],
  ['x/64db buf', 'gdb dump'],
  ['x/64ub buf', 'gdb dump'],
  ['x/16xw buf', 'gdb dump'],
  ['x/32xh buf', 'gdb dump'],
  ['x/8xg buf', 'gdb dump'],
];

describe.skipIf(!has('gdb') || !has('gcc'))(`gdb's prints of a buffer (seed ${rand.seed})`, () => {
  it.each(COMMANDS)('%s: the value is read back whole (as %s), in any chunking; the clean twin holds none', async (command, label) => {
    const [leaky, clean] = [value(), value()];
    await expectReadBack(gdbPrints(command, leaky), label, [leaky]);
    await expectNoneRead(gdbPrints(command, clean), label, [leaky]);
  });

  it('text with a few quoted characters, numbers between tabs after no address, or a short print is no place', async () => {
    await expectNoneRouted("$1 = {97 'a', 98 'b', 99 'c'}\nchars: 1 'x', 2 'y'\n", 'char list');
    await expectNoneRouted('name:\t12\t34\t56\t78\t90\t12\t34\t56\nsize:\t1\t2\t3\t4\t5\t6\t7\t8\n', 'gdb dump');
    await expectNoneRouted("it's\tfine\nwe're\t42 'x' done\n", 'char list');
  });
});

describe('a repeat in gdb p/c', () => {
  it('is given back as the bytes it stands for (a value with a run of one character)', async () => {
    const text = "$1 = {116 't', 111 'o', 107 'k', 101 'e', 110 'n', 61 '=', 97 'a' <repeats 12 times>, 98 'b', 99 'c', 0 '\\000' <repeats 40 times>}\n";
    await expectReadBack(Buffer.from(text), 'char list', ['token=aaaaaaaaaaaabc']);
  });
});
