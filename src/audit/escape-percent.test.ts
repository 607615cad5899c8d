// Property: a value written by JavaScript's escape() — `%uXXXX` for code units beyond Latin-1 (an emoji as a surrogate
// pair), `%XX` for a Latin-1 character as ONE byte (é is `%E9`, not UTF-8's `%C3%A9`) — or any spelling unescape()
// reads back (any subset of its characters escaped, hex digits in either case) is found by the escape scan however the
// text is cut into chunks, named 'JavaScript escape()', beside a value percent-encoded as UTF-8 in the same file; the
// clean twin and near misses (a spelling unescape() does not read back as the value) give nothing, and the escape
// islands (`escape-islands.ts`) lose no finding of these spellings. Nearest real-world variant: a legacy front end's
// session cookie written with escape() and saved by curl -c in a cookie jar (red team round 7, `js-escape-cookie`).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { seededPerTest } from '../../test/support/random.js';
import { layoutGraph } from '../oci/graph.js';
import { readLayoutRoot } from '../oci/layout.js';
import { auditLayout, compile } from './audit.js';
import { layoutOf } from './decoders/testing.js';
import { islands } from './escape-islands.js';
import { EscapeScan } from './escapes.js';

/** Generated inputs, from this seed before each test (HOIST_TEST_SEED replaces it); the tests that draw name it. */
const rand = seededPerTest(28);

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const SPECIAL = [...'+/=&<>%"\\'];
const WIDE = ['é', 'ü', '台', '😀'];

/** A generated value: letters, with the characters escape() writes as %XX and non-ASCII ones at random offsets. */
function value(): string {
  let v = '';
  const n = rand.int(10, 36);
  for (let i = 0; i < n; i++) {
    const k = rand.int(10);
    v += k < 5 ? rand.chars(LETTERS, 1) : k < 8 ? rand.pick(SPECIAL) : rand.pick(WIDE);
  }
  return v;
}

/** What a finding of `v` written by escape() is named: an ASCII value's `%XX` escapes are percent-encoding's too, named first. */
const named = (v: string, spelled = '') =>
  [...v].some((c) => c.charCodeAt(0) > 0x7f) || spelled.includes('%u') ? ['v: JavaScript escape()'] : ['v: URL-encoded'];

/** The real escape() of each value: one node process, the values on its stdin (never in argv). */
function escaped(values: readonly string[]): string[] {
  const script = "process.stdout.write(JSON.stringify(JSON.parse(require('fs').readFileSync(0, 'utf8')).map((v) => escape(v))))";
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { input: JSON.stringify(values) }).toString()) as string[];
}

/** The automaton of the values looked for last: compiling one takes longer than a scan here. */
let compiled: ({ key: string } & ReturnType<typeof compile>) | undefined;

/** The findings of `values` in `text` fed in chunks of `size`: `name: escapes` each. */
function findIn(values: Record<string, string>, text: string | Buffer, size = 1 << 20): string[] {
  const key = JSON.stringify(values);
  if (compiled?.key !== key) compiled = { key, ...compile(Object.entries(values).map(([name, v]) => ({ name, value: v }))) };
  const { automaton, families, span } = compiled;
  const found = new Set<string>();
  const scan = new EscapeScan(automaton, families, span, (m) => {
    if (m.tag.kind === 'secret' && m.tag.encoding === 'plain') found.add(`${m.tag.name}: ${m.escapes ?? ''}`);
  });
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) scan.write(bytes.subarray(i, i + size));
  return [...found].sort();
}

const hex = (n: number, width: number) => {
  const h = n.toString(16).padStart(width, '0');
  return rand.int(2) ? h.toUpperCase() : h;
};

/** `v` with a random subset of its characters escaped as unescape() reads them (`%XX` up to U+00FF, `%uXXXX` any code unit). */
function anySubset(v: string): string {
  let out = '';
  for (const c of v) {
    const roll = rand.int(3);
    // A character beyond U+FFFF escaped as its two code units: a text of UTF-8 cannot hold one of them alone.
    if (c !== '%' && roll === 0) out += c;
    else if (c.length === 1 && c.charCodeAt(0) <= 0xff && roll === 1) out += `%${hex(c.charCodeAt(0), 2)}`;
    else for (let k = 0; k < c.length; k++) out += `%u${hex(c.charCodeAt(k), 4)}`;
  }
  return out;
}

afterEach(() => {
  islands.on = true;
});

describe(`JavaScript escape() (seed ${rand.seed})`, () => {
  it.each([1, 7, 64, 1 << 20])('finds the real escape() of values at random offsets, in chunks of %i bytes', (size) => {
    const values = Array.from({ length: 16 }, value);
    const spelled = escaped(values);
    values.forEach((v, k) => {
      const text = `# Netscape HTTP Cookie File\n${rand.chars(`${LETTERS}.=; `, rand.int(0, 300))}\nexample.com\tFALSE\t/\tFALSE\t0\tremember_token\t${spelled[k]}\n`;
      expect(text).not.toContain(v);
      expect(findIn({ v }, text, size), `${spelled[k]}`).toEqual(named(v));
    });
  });

  it('finds any subset of the characters escaped, either hex case, as unescape() reads it', () => {
    for (let k = 0; k < 200; k++) {
      const v = value();
      const spelled = anySubset(v);
      expect(unescape(spelled)).toBe(v);
      if (spelled === v) continue;
      expect(findIn({ v }, `token=${spelled};`, rand.pick([1, 7, 64, 1 << 20])), spelled).toEqual(named(v, spelled));
    }
  });

  it('finds a cookie written by escape() beside one written by encodeURIComponent() in the same file', () => {
    const [a, b] = [value(), value()];
    const [ea] = escaped([a]);
    const text = `a=${ea}; Path=/\nb=${encodeURIComponent(b)}; Path=/\nc=${escaped([b])[0]}; d=${encodeURIComponent(a)}\n`;
    for (const size of [1, 7, 64, 1 << 20])
      expect(findIn({ a, b }, text, size)).toEqual(['a: JavaScript escape()', 'a: URL-encoded', 'b: JavaScript escape()', 'b: URL-encoded']);
  });

  it('gives the clean twin and near misses nothing', () => {
    const values = Array.from({ length: 40 }, () => `${value()}é台😀`);
    // One node process for all: each value's clean twin (a letter changed), then the value.
    const spelled = escaped(values.flatMap((v) => [v.replace(/[A-Za-z0-9]/, (c) => (c === 'x' ? 'y' : 'x')), v]));
    values.forEach((v, k) => {
      const [twin, whole] = [spelled[2 * k], spelled[2 * k + 1]];
      const near = [
        twin!,
        whole!.slice(0, -6), // the last character left out
        whole!.replaceAll('%u', '%U'), // unescape() reads only a lower-case u
        whole!.replace('%E9', '%C3%A9'), // é as UTF-8 among escape()'s escapes: no reading makes the value
        whole!.replace('%uDE00', '%uDE01'), // the emoji's low half another
        whole!.replace('%uD83D%uDE00', '%uD83D+%uDE00'), // a pair broken by a character
      ];
      for (const text of near) expect(findIn({ v }, `${text}\n`, rand.pick([1, 7, 64, 1 << 20])), text).toEqual([]);
    });
  });

  it('loses no finding to the escape islands: the spellings between binary bytes, islands on and off', () => {
    const values = Array.from({ length: 30 }, value);
    const spelled = escaped(values);
    values.forEach((v, k) => {
      const text = Buffer.concat([rand.bytes(rand.int(0, 40)), Buffer.from([0]), Buffer.from(spelled[k]!), Buffer.from([0xff]), rand.bytes(rand.int(0, 40))]);
      const on = findIn({ v }, text, 7);
      islands.on = false;
      expect(findIn({ v }, text, 7)).toEqual(on);
      islands.on = true;
      expect(on).toEqual(named(v));
    });
  });

  it('is audited through a layer: the cookie jar named, the escapes named, the clean twin silent', async () => {
    const v = value() + 'é台😀';
    const [leaky, clean] = escaped([v, v.replace('é', 'è')]);
    const audit = async (cookie: string) => {
      const dir = mkdtempSync(join(tmpdir(), 'hoist-js-escape-'));
      try {
        await layoutOf(dir, { 'app/e2e/cookies.txt': `# Netscape HTTP Cookie File\nexample.com\tFALSE\t/\tFALSE\t0\tremember_token\t${cookie}\n` });
        const result = await auditLayout(dir, await layoutGraph(dir, await readLayoutRoot(dir)), {
          secrets: [{ name: 'token', value: v }],
          handedKeys: new Map(),
          redact: (t) => t,
        });
        return result.findings.map((f) => `${f.where.replace(/^layer sha256:[0-9a-f]+ \([^)]*\), /, '')} ${f.what}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    expect(await audit(leaky!)).toEqual([expect.stringMatching(/^app\/e2e\/cookies\.txt .*JavaScript escape\(\)/)]);
    expect(await audit(clean!)).toEqual([]);
  });
});
