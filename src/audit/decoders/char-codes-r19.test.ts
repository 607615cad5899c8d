// Round 19's text notations read by the char codes' rewrite, each written by its real tool: a character a call —
// JavaScript's String.fromCharCode(N) + … (node), Lua's string.char(N) .. … (lua5.4), Ruby's N.chr + … (ruby), C#'s
// and Java's (char)N + … casts (as a generator writes them: no C# compiler on Debian; java's own print of them) — Go's
// %#U of a []rune (`U+0041 'A'`), and characters by their Unicode names: Python's namereplace (`\N{LATIN SMALL LETTER
// E WITH ACUTE}`), Perl's charnames (`\N{…}`), SBCL's print of a list of characters (`#\LATIN_SMALL_LETTER_E_WITH_ACUTE`).
// Property: each is read back whole in the rewritten copy (`char codes`), the text fed in chunks of 1, 7, 64, a random
// size and whole; a clean twin's copy holds no leaky value; text that only looks like them (one call, a cast of a
// variable, `.chr` after a word, an unknown name, `#\Space`) gives no copy. Nearest real-world variant: an obfuscated
// script in a web root or a generated config class hiding a key a character a call; a Lisp service's REPL log.
// All silent through the bundle of the session's start (/tmp/lead/dist-start).
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { rewritten } from './text-rewrite.testing.js';
import { has, tool } from './testing.js';

const rand = seededPerTest(1919);
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** A value with the characters writers escape, and one beyond ASCII where the notation allows it. */
const value = (wide: boolean) =>
  `k${rand.chars(LETTERS, 5)}+/=${rand.chars(LETTERS, 3)}&<>%"\\${rand.chars(LETTERS, 4)}${wide ? rand.pick([...'é€ßñ😀']) : 'q'}${rand.chars(LETTERS, 4)}Z`;

const JS = `const s = require("fs").readFileSync("v", "utf8"); console.log("var k = " + [...s].map((c) => "String.fromCharCode(" + c.codePointAt(0) + ")").join(" + ") + ";")`;
const JS_POINT = `const s = require("fs").readFileSync("v", "utf8"); console.log("k = " + [...s].map((c) => "String.fromCodePoint(" + c.codePointAt(0) + ")").join("+"))`;
const LUA = `local f = io.open("v", "rb"); local s = f:read("a"); local t = {} for i = 1, #s do t[#t + 1] = "string.char(" .. s:byte(i) .. ")" end print("local k = " .. table.concat(t, " .. "))`;
const RUBY = `s = File.read("v", encoding: "UTF-8"); puts "k = " + s.each_char.map { |c| "#{c.ord}.chr(Encoding::UTF_8)" }.join(" + ")`;
const RUBY_PLAIN = `s = File.binread("v"); puts "k = " + s.bytes.map { |b| "#{b}.chr" }.join(" + ")`;
const CS = `import sys; s = open("v", encoding="utf-8").read(); print('var k = "" + ' + " + ".join("(char)%d" % ord(c) for c in s) + ";")`;
const JAVA_HEX = `import sys; s = open("v", encoding="utf-8").read(); print('String k = "" + ' + " + ".join("(char) 0x%x" % ord(c) for c in s) + ";")`;
const GO = `package main
import ("fmt"; "os")
func main() { b, _ := os.ReadFile("v"); fmt.Printf("%#U\\n", []rune(string(b))) }`;
const PY_NAMES = `import sys; sys.stdout.write(open("v", encoding="utf-8").read().encode("ascii", "namereplace").decode() + "\\n")`;
const PERL_NAMES = `use charnames (); open F, "<:encoding(UTF-8)", "v"; local $/; $s = <F>; print join("", map { ord($_) < 128 ? $_ : "\\\\N{" . charnames::viacode(ord $_) . "}" } split //, $s), "\\n";`;
const SBCL = `(with-open-file (f "v" :external-format :utf-8) (print (coerce (read-line f) (quote list))))`;

/** [name, command, args, files besides v, the value's kind: bytes (ASCII only: a byte a call) or wide]. */
const cases: Array<[string, string, string[], Record<string, string>, boolean]> = [
  ['JavaScript String.fromCharCode(N) + … (node)', 'node', ['-e', JS], {}, true],
  ['JavaScript String.fromCodePoint(N)+… (node)', 'node', ['-e', JS_POINT], {}, true],
  ['Lua string.char(N) .. … (lua5.4)', 'lua5.4', ['-e', LUA], {}, false],
  ['Ruby N.chr(Encoding::UTF_8) + … (ruby)', 'ruby', ['-e', RUBY], {}, true],
  ['Ruby N.chr + … of bytes (ruby)', 'ruby', ['-e', RUBY_PLAIN], {}, false],
  ["C#'s (char)N + … (a generator's print, python3)", 'python3', ['-c', CS], {}, false],
  ["Java's (char) 0xN + … (a generator's print, python3)", 'python3', ['-c', JAVA_HEX], {}, false],
  ["Go's %#U of a []rune (go)", 'go', ['run', 'main.go'], { 'main.go': GO }, true],
  ["Python's namereplace (\\N{…})", 'python3', ['-c', PY_NAMES], {}, true],
  ["Perl's charnames::viacode (\\N{…})", 'perl', ['-e', PERL_NAMES], {}, true],
];

/** The chunk sizes: a byte, odd cuts, small, a random size, whole. */
const sizes = () => [1, 7, 64, rand.int(2, 300), 1 << 20];

describe(`round 19: characters a call each and by their names, by the real tools (seed ${rand.seed})`, () => {
  it.each(cases)('%s: read back whole in every chunking; the clean twin gives none of it', async (_name, command, args, files, wide) => {
    if (!has(command)) return;
    const v = value(wide);
    const clean = value(wide);
    const text = Buffer.concat([Buffer.from('// generated\n'), tool(command, args, { ...files, v }), Buffer.from('// end\n')]);
    const twin = tool(command, args, { ...files, v: clean });
    for (const size of sizes()) {
      const read = (await rewritten(text, size, 'char codes')).join('\n');
      expect(read.includes(v), `${text.toString('latin1').slice(0, 160)} in chunks of ${size}: ${read.slice(0, 200)}`).toBe(true);
      expect((await rewritten(twin, size, 'char codes')).join('\n').includes(v), `twin, chunks of ${size}`).toBe(false);
    }
  });

  // SBCL writes a list of characters: the copy is that list with the name read (`#\é`), which the spaced characters'
  // reader takes when the copy is audited (the integration round reads it whole).
  it("SBCL's list of characters with a named one: the name read in place, #\\ kept", async () => {
    if (!has('sbcl')) return;
    const v = `k${rand.chars(LETTERS, 6)}é${rand.chars(LETTERS, 6)}€${rand.chars(LETTERS, 3)}`;
    const text = tool('sbcl', ['--noinform', '--non-interactive', '--eval', SBCL], { v });
    expect(text.toString('latin1')).toContain('#\\LATIN_SMALL_LETTER_E_WITH_ACUTE');
    const list = [...v].map((c) => `#\\${c}`).join(' ');
    for (const size of sizes()) expect((await rewritten(text, size, 'char codes')).join('\n').replace(/\s+/g, ' '), `chunks of ${size}`).toContain(list);
  });

  it('look-alikes give no copy: one call, casts of variables, .chr after a word, unknown names, #\\Space', async () => {
    const text = [
      'var x = String.fromCharCode(65);',
      'int n = (char)c + (char)d;',
      'obj.chr + other.chr',
      'url = "https://x.example/chrome.chr";',
      'print("\\N{NOT A NAME AT ALL} and \\N{}")',
      '(list #\\Space #\\Newline #\\a #\\FOO_BAR_BAZ_QUUX)',
      "U+0041 alone, then U+0042 'B' alone",
      'local s = string.char(72)',
    ].join('\n');
    for (const size of sizes()) expect(await rewritten(Buffer.from(text), size, 'char codes'), `chunks of ${size}`).toEqual([]);
  });
});
