// Property: the mangled C++ names of a real binary's dynamic symbol table are told apart from
// encoded runs, and are not decoded and routed as content — while base64url of random bytes (one
// that happens to begin with `_Z` too, most of the time) still is. Nearest real-world variant: an
// image with a JDK, whose libjvm.so holds 28,587 mangled names of 40+ characters; its audit spent
// the 20 s per-file bound on them and was named as not fully audited.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EncodedRuns } from './runs.js';
import { isMangledSymbol, isWords } from './symbols.js';

/** The defined dynamic symbols of libstdc++ (on every Debian with g++), as `.dynstr` holds them: NUL-separated. */
const LIBSTDCXX = execFileSync('sh', ['-c', 'ls /usr/lib/*-linux-gnu/libstdc++.so.6 | head -1'], { encoding: 'utf8' }).trim();
const symbols = execFileSync('nm', ['-D', '--defined-only', LIBSTDCXX], { encoding: 'utf8', maxBuffer: 64 << 20 })
  .split('\n')
  .map((l) => (l.split(' ')[2] ?? '').replace(/@.*/, '')) // nm adds the version (`@@GLIBCXX_3.4`); .dynstr holds the name alone
  .filter((s) => s.startsWith('_Z') && s.length >= 40);

async function routed(bytes: Buffer, delimited: boolean): Promise<Array<{ at: number; alphabet: string }>> {
  const opened: Array<{ at: number; alphabet: string }> = [];
  const runs = new EncodedRuns((at, alphabet) => {
    opened.push({ at, alphabet });
    return { write: () => undefined, end: () => undefined };
  }, delimited);
  for (let i = 0; i < bytes.length; i += 65536) await runs.push(bytes.subarray(i, i + 65536));
  await runs.end();
  return opened;
}

describe('mangled C++ symbols', () => {
  it("are told by their grammar: nine in ten of libstdc++'s long names", () => {
    expect(symbols.length).toBeGreaterThan(500);
    const told = symbols.filter((s) => isMangledSymbol(s.slice(0, 64))).length;
    expect(told / symbols.length).toBeGreaterThan(0.9);
  });

  it('base64url of random bytes is not taken for one, even after a _Z', () => {
    let taken = 0;
    for (let i = 0; i < 20_000; i++) {
      const run = randomBytes(48).toString('base64url');
      if (!run.startsWith('_Z') && isMangledSymbol(run)) taken++; // one in 4,096 starts with _Z: the next loop's case
    }
    expect(taken).toBe(0);
    let afterZ = 0;
    for (let i = 0; i < 20_000; i++) if (isMangledSymbol(`_Z${randomBytes(48).toString('base64url').slice(0, 62)}`)) afterZ++;
    expect(afterZ / 20_000).toBeLessThan(0.1); // and a run starts with _Z one time in 4,096
  });

  // Property: qualified names and paths are words; base64 of random bytes or of text never is.
  // Nearest real-world variant: a class file's constant pool (java/util/concurrent/ConcurrentHashMap).
  it('names in words are told; base64 of random bytes, of printable text and of lower-case words is not', () => {
    const jars = execFileSync('sh', ['-c', 'for j in /usr/lib/jvm/*/lib/jrt-fs.jar; do unzip -Z1 "$j"; done'], { encoding: 'utf8' })
      .split('\n')
      .flatMap((n) => n.replace(/\.[a-z]+$/, '').match(/[A-Za-z0-9/_+]{40,}/g) ?? []);
    expect(jars.length).toBeGreaterThan(20);
    expect(jars.filter((n) => isWords(n.slice(0, 64))).length / jars.length).toBeGreaterThan(0.95);
    const text = (alphabet: string) => Array.from({ length: 30 + randomInt(40) }, () => alphabet[randomInt(alphabet.length)]).join('');
    const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
    for (let i = 0; i < 20_000; i++) {
      expect(isWords(randomBytes(48).toString('base64'))).toBe(false);
      expect(isWords(Buffer.from(text(printable)).toString('base64'))).toBe(false);
      expect(isWords(Buffer.from(text('abcdefghijklmnopqrstuvwxyz  ')).toString('base64').slice(0, 64))).toBe(false);
    }
  });

  it.each([false, true])('a symbol table is not routed as encoded runs (delimited %s); a base64url run among them is', async (delimited) => {
    const value = randomBytes(60).toString('base64url');
    const table = Buffer.from(`\0${symbols.join('\0')}\0${value}\0${symbols.slice(0, 50).join('\0')}\0`, 'latin1');
    const opened = await routed(table, delimited);
    const at = table.indexOf(value);
    expect(opened.filter((o) => o.at >= at && o.at < at + 4).length).toBeGreaterThan(0);
    // Of the thousands of names (each four lanes in binary content), a few percent at most.
    expect(opened.length).toBeLessThan(symbols.length * 0.15);
  });
});
