import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { seeded, testSeed } from '../../test/support/random.js';
import { compile } from './audit.js';
import { escapeFamilies, Families, type Family } from './escape-families.js';
import { EscapeScan, type EscapedMatch } from './escapes.js';

// Property: the shell family's quick look at a quote (`Family.quick`: the byte the reading makes next, the quote
// removed) is the byte its decoder makes, in every mode a quote is read in and before every next byte, or says it
// cannot tell; so a stop at a quote followed by a byte that goes on with no pattern is over before the place is tried
// (and before the island's walk), and the automaton does not tell it (`Families.readsOn`, with cmd's caret and
// PowerShell's backtick before a byte they make as it is) — `"module")` on source text — and no finding changes: shell-quoted spellings of
// values holding quotes, `$` and backslashes, beside quoted words, in random chunks, find the same as with no quick
// look at quotes (the scan before). The nearest real-world variant: bash's own `printf %q` and `${v@Q}` of the values.

const SECRETS = [
  { name: 'token', value: 'Kp7"vQ/9zW\'xR2sT' },
  { name: 'pass', value: 'p4$w0rd\\"q\'t' },
  { name: 'plain', value: 'hX3kQ9mZ2vB7nL4w' },
];
const COMPILED = compile(SECRETS);

type Tag = { kind: string; name?: string };

const shellOf = (families: Families) => families.list.find((f) => f.kinds.includes('shell-quoted'))!;

/** The families as they are, but the shell family's quick look at a quote taken away and every stop told (the scan before). */
function withoutQuoteLook(): Families {
  const families = new Families(
    escapeFamilies(false).map((f): Family => {
      const quick = f.quick;
      if (!f.kinds.includes('shell-quoted') || !quick) return f;
      return { ...f, quick: (chunk, i, mode) => (chunk[i] === 0x22 || chunk[i] === 0x27 ? -1 : quick(chunk, i, mode)) };
    }),
  );
  families.readsOn.fill(0);
  return families;
}

function matches(families: Families, text: Buffer, cuts: readonly number[]): string[] {
  const { automaton, span } = COMPILED;
  const found: string[] = [];
  const scan = new EscapeScan(automaton, families, span, (m: EscapedMatch<Tag>) => {
    if (m.tag.kind === 'secret') found.push(`${m.tag.name} ${m.end} ${m.escapes ?? ''}`);
  });
  let at = 0;
  for (const cut of [...cuts, text.length]) {
    scan.write(text.subarray(at, cut));
    at = cut;
  }
  return found;
}

/** A value as a shell word: cut into pieces, each single-quoted, double-quoted or bare, escaped as each needs. */
function shellWord(random: ReturnType<typeof seeded>, value: string): string {
  let out = '';
  for (let at = 0; at < value.length;) {
    const piece = value.slice(at, (at += random.int(1, 6)));
    const how = random.int(5);
    if (how === 3) out += piece.replace(/[\^&<>|"%()!]/g, '^$&');
    else if (how === 4) out += piece.replace(/[`$"']/g, '`$&');
    else if (how === 0 && !piece.includes("'")) out += `'${piece}'`;
    else if (how === 1) out += `"${piece.replace(/[\\"$`]/g, '\\$&')}"`;
    else out += piece.replace(/[\\"'$`]/g, '\\$&');
  }
  return out;
}

const WORDS = ['require("module")', "f('x')", '"a" "b"', '""', "''", '"\\n"', '"$HOME"', "'\\'", ' ', '\n', 'echo a^&b', '^"', '`$x', '`"', '^^'];

describe("the shell family's quick look at a quote", () => {
  it('is the byte its decoder makes next, in every mode a quote is read in, before every byte', () => {
    const families = new Families(escapeFamilies(false));
    const shell = shellOf(families);
    let told = 0;
    for (const q of [0x22, 0x27])
      for (let n = 0; n < 256; n++)
        for (const mode of shell.modes(q, n, 256) ?? []) {
          const made: number[] = [];
          const d = shell.decoder(mode);
          const sink = { out: (b: number) => made.push(b), cut: () => {} };
          d.push(q, sink);
          d.push(n, sink);
          const quick = shell.quick!(Uint8Array.of(q, n), 0, mode);
          if (quick === -1) continue;
          told++;
          expect(made, `${String.fromCharCode(q)} then ${n} in mode ${mode}`).toEqual([quick]);
          expect(d.idle).toBe(true);
        }
    // Told for all but `\` `$` and the quotes, in both modes of each quote.
    expect(told).toBe(2 * 2 * 252);
    // The automaton is spared the stops these end: a quote before a byte read as it is, not before one read otherwise.
    const pair = (s: string) => families.readsOn[(s.charCodeAt(0) << 8) | s.charCodeAt(1)];
    for (const p of ['")', '"]', "')", '"a', '^&']) expect(pair(p), p).toBe(1);
    for (const p of ['"\\', '"$', '""', "''", '\\x', '%4', '&#']) expect(pair(p), p).toBe(0);
  });

  const seed = testSeed(0x5157);
  it(`changes no finding on shell-quoted values beside quoted words (seed ${seed})`, () => {
    const random = seeded(seed);
    const [now, before] = [new Families(escapeFamilies(false)), withoutQuoteLook()];
    let found = 0;
    for (let n = 0; n < 300; n++) {
      const parts: string[] = [];
      for (let k = random.int(2, 10); k > 0; k--) parts.push(random.int(3) === 0 ? shellWord(random, random.pick(SECRETS).value) : random.pick(WORDS));
      const text = Buffer.from(parts.join(random.pick(['', ' ', '=', '"', "'"])));
      const cuts = Array.from({ length: random.int(3) }, () => random.int(text.length + 1)).sort((a, b) => a - b);
      const want = matches(before, text, cuts);
      expect(matches(now, text, cuts), `${JSON.stringify(text.toString())} cut at ${cuts.join(',')} (seed ${seed}, text ${n})`).toEqual(want);
      found += want.length;
    }
    expect(found).toBeGreaterThan(100);
  });

  it("finds bash's printf %q and ${v@Q} of each value, as before", () => {
    const [now, before] = [new Families(escapeFamilies(false)), withoutQuoteLook()];
    for (const { name, value } of SECRETS) {
      // The value through the environment, never argv.
      const text = execFileSync('bash', ['--norc', '--noprofile', '-c', 'printf "x=%q\\ny=${V@Q}\\n" "$V"'], { env: { V: value } });
      const want = matches(before, text, []);
      expect(want.filter((m) => m.startsWith(`${name} `)).length, `${text.toString()}`).toBeGreaterThanOrEqual(1);
      expect(matches(now, text, [text.length >> 1])).toEqual(matches(before, text, [text.length >> 1]));
      expect(matches(now, text, [])).toEqual(want);
    }
  });
});
