// Property: where `nothingToRead` says a whole content holds nothing for EncodedRuns, EncodedRuns (read as text or as
// binary, whole or cut anywhere) opens nothing in it — over random bytes, random bytes holding short text, UTF-8 and
// stray opcodes; and where one of its readers does open something (a base64 run, a Java initializer, a Cython table, a
// run of UTF-8 text), `nothingToRead` says there is something. The audit still finds a value stacked in a short content
// passed over (hex of a zlib or gzip stream of it, one line of a checksum list). Real-world: the digests of this
// machine's files, as sha1sum, sha256sum and md5sum print them, decode to contents passed over.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { EncodedRuns, NOTATION_LABELS, nothingToRead } from './runs.js';
import { auditFiles, SECRET } from './testing.js';
import { seededPerTest } from '../../../test/support/random.js';

const rand = seededPerTest(67028);

/** What EncodedRuns opens in `content`, read as text (`delimited`) or binary, pushed in the pieces `cuts` makes: each label and bytes. */
async function openedIn(content: Uint8Array, delimited: boolean, cuts: number[]): Promise<Array<{ label: string; bytes: Buffer }>> {
  const out: Array<{ label: string; parts: Buffer[] }> = [];
  const runs = new EncodedRuns((_, label) => {
    const parts: Buffer[] = [];
    out.push({ label, parts });
    return { write: (b) => void parts.push(Buffer.from(b)), end: () => undefined };
  }, delimited);
  const at = [0, ...cuts.filter((c) => c > 0 && c < content.length).sort((a, b) => a - b), content.length];
  for (let i = 0; i + 1 < at.length; i++) await runs.push(content.subarray(at[i], at[i + 1]));
  await runs.end();
  return out.map(({ label, parts }) => ({ label, bytes: Buffer.concat(parts) }));
}

const opened = async (content: Uint8Array, delimited: boolean, cuts: number[]) => (await openedIn(content, delimited, cuts)).length;

/**
 * What of EncodedRuns' openings could hold a value: a decoding, or a text notation's copy that itself holds text to read
 * (a copy is the content with a notation rewritten, each of its characters made of one or more of the content's).
 */
async function holding(content: Uint8Array, delimited: boolean, cuts: number[]): Promise<string[]> {
  const all = await openedIn(content, delimited, cuts);
  return all.filter((o) => !NOTATION_LABELS.has(o.label) || !nothingToRead(o.bytes)).map((o) => `${o.label}: ${o.bytes.toString('hex')}`);
}

const PRINTABLE = ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~';

/** Random bytes, with pieces a reader looks for dropped in: short printable runs, UTF-8 characters, `dup`/`iconst_0`, 0xff. */
function drawn(): Buffer {
  const parts: Buffer[] = [];
  const length = rand.int(1, rand.int(2) ? 64 : 700);
  let size = 0;
  while (size < length) {
    const kind = rand.int(6);
    const piece =
      kind === 0
        ? Buffer.from(rand.chars(PRINTABLE, rand.int(1, 12)))
        : kind === 1
          ? Buffer.from(rand.chars('é€𐍈ж', rand.int(1, 4)))
          : kind === 2
            ? Buffer.from([0xff, 0x59, 0x03, 0x0a].slice(rand.int(4)))
            : rand.bytes(rand.int(1, 24));
    parts.push(piece);
    size += piece.length;
  }
  return Buffer.concat(parts).subarray(0, length);
}

/** A javac-compiled `byte[]` initializer of `value`: newarray T_BYTE, then dup, the index, bipush, bastore per element. */
function javaInitializer(value: string): Buffer {
  const code = [0x10, value.length, 0xbc, 0x08];
  [...Buffer.from(value)].forEach((b, i) => code.push(0x59, ...(i <= 5 ? [0x03 + i] : [0x10, i]), 0x10, b, 0x54));
  return Buffer.from(code);
}

describe('nothingToRead: EncodedRuns passes over a whole content only when none of its readers finds anything there', () => {
  it('opens nothing in 3,000 drawn contents said to hold nothing, read as text or as binary, whole or cut', async () => {
    let nothing = 0;
    let something = 0;
    for (let i = 0; i < 3000; i++) {
      const content = drawn();
      const cuts = [rand.int(content.length + 1), rand.int(content.length + 1)];
      if (!nothingToRead(content)) {
        something += Math.sign((await opened(content, true, cuts)) + (await opened(content, false, cuts)));
        continue;
      }
      nothing++;
      const hex = content.toString('hex');
      expect([hex, await holding(content, true, cuts), await holding(content, false, cuts)]).toEqual([hex, [], []]);
    }
    // Both kinds were drawn: the property is not vacuous, and some contents it keeps are opened.
    expect(nothing).toBeGreaterThan(500);
    expect(something).toBeGreaterThan(5);
  });

  it('says there is something where a reader opens it: a base64 run, a Java initializer, a byte list, overstruck text, an executable', async () => {
    const binary = (middle: Buffer) => Buffer.concat([Buffer.from([0x00, 0x91, 0x02]), middle, Buffer.from([0x00, 0xfe])]);
    const cases = {
      base64: binary(Buffer.from(Buffer.from(SECRET).toString('base64'))),
      java: binary(javaInitializer('hunter2-Secret!')),
      list: binary(Buffer.from(`{${[...Buffer.from(SECRET)].map((b) => `0x${b.toString(16)}`).join(', ')}}`)),
      overstrike: binary(Buffer.from([...SECRET].map((c) => `${c}\b${c}`).join(''))),
    };
    for (const [name, content] of Object.entries(cases)) {
      expect([name, nothingToRead(content)]).toEqual([name, false]);
      expect([name, (await opened(content, false, [])) + (await opened(content, true, []))]).not.toEqual([name, 0]);
    }
    // Read only where something stands: eight UTF-8 characters, an ELF's or a PE's first bytes, 0xff before 8 literals.
    expect(nothingToRead(Buffer.from('\x00жжжжжжжж\x00'))).toBe(false);
    expect(nothingToRead(Buffer.from('\x00жжжжжжж\x00'))).toBe(true);
    expect(nothingToRead(Buffer.from('\x00\x1b[1mabcd\x00'))).toBe(false);
    expect(nothingToRead(Buffer.from('\x00\x1b[1mabc\x00'))).toBe(true);
    expect(nothingToRead(Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01'), Buffer.alloc(9)]))).toBe(false);
    expect(nothingToRead(Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03]))).toBe(false);
    expect(nothingToRead(Buffer.from([0x00, 0xff, ...Buffer.from('abcdefgh'), 0x00]))).toBe(false);
    expect(nothingToRead(Buffer.from([0x00, 0xff, ...Buffer.from('abcdefg'), 0x00]))).toBe(true);
    // Overlong and surrogate UTF-8 forms are no characters: they end a run.
    expect(nothingToRead(Buffer.from([...Buffer.from('abcd'), 0xc0, 0xaf, ...Buffer.from('efgh')]))).toBe(true);
    expect(nothingToRead(Buffer.from([...Buffer.from('abcd'), 0xed, 0xa0, 0x80, ...Buffer.from('efg')]))).toBe(true);
  });

  it("passes over the digests of this machine's files as checksum lists print them (sha1sum, sha256sum, md5sum)", () => {
    const files = readdirSync('/usr/bin')
      .map((n) => `/usr/bin/${n}`)
      .filter((p) => {
        const stat = statSync(p, { throwIfNoEntry: false });
        return stat?.isFile() && stat.size < 1 << 20;
      })
      .slice(0, 300)
      .map((p) => readFileSync(p));
    // A digest is random bytes: eight ASCII bytes in a row (one in 256 at a place), or a `dup iconst_0`, are rare.
    const passed = (algorithm: string) => files.filter((f) => nothingToRead(createHash(algorithm).update(f).digest())).length / files.length;
    expect(passed('md5')).toBeGreaterThan(0.95);
    expect(passed('sha1')).toBeGreaterThan(0.93);
    expect(passed('sha256')).toBeGreaterThan(0.88);
  });

  it('finds a value stacked in a line of a checksum list: hex of a zlib stream, of a gzip member, of its base64', async () => {
    const lines = Array.from({ length: 300 }, (_, i) => `${rand.bytes(20).toString('hex')}  usr/lib/file${i}.so`);
    const stacked = [deflateSync(SECRET), gzipSync(SECRET), Buffer.from(Buffer.from(SECRET).toString('base64'))];
    for (const [i, bytes] of stacked.entries()) lines.splice(rand.int(lines.length), 0, `${bytes.toString('hex')}  usr/share/stacked${i}`);
    const findings = await auditFiles({ SHA1SUMS: `${lines.join('\n')}\n` });
    expect(
      findings
        .filter((f) => f.severity === 'leak')
        .map((f) => f.path.replace(/!.*/, ''))
        .sort(),
    ).toEqual(['SHA1SUMS', 'SHA1SUMS', 'SHA1SUMS']);
    // Its clean twin: the random digests alone give nothing.
    expect(await auditFiles({ SHA1SUMS: `${lines.filter((l) => !l.includes('stacked')).join('\n')}\n` })).toEqual([]);
  });
});
