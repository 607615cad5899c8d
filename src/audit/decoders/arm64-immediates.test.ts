// Property: a short string Go's arm64 compiler cut into MOVZ/MOVK immediates — compared inline (`==`, `!=`, `switch`,
// a `[N]byte` array's `==`) or built in place (`bytes.Equal`'s `[]byte("…")`, a local `[N]byte` literal, a struct's
// byte-array field, one `strb` a character) — is read back whole, however the content is cut into chunks, for random
// values with `+/=&<>%"\` and lengths from 8 to 23; a twin built with other values routes none of them, and content
// that is not AArch64 code routes nothing (x86-64 code under an AArch64 header included). Nearest real-world variant:
// the programs themselves, built by this machine's Go for linux/arm64 (the lab installs golang-go; an image built for
// arm64 with qemu-user-static holds such binaries), for darwin/arm64 (Mach-O) and windows/arm64 (PE), optimised and
// as debug builds, through the reader and through the shipped bundle; rustc's compares as LLVM builds them for aarch64
// (Debian's rustc emits the IR, the lab's llc compiles it for aarch64); ORR's bitmask immediates against llvm-mc.
// Missed before (session 65's hunt, through the bundle): arm64 Go `==` of 12 and 16 bytes, a `switch` case of 14; after
// the first version (session 66's hunt, 20 of 120 values): if-chains and switches of one length, substrings at a
// register offset.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { immediatesRouted as routed, layoutOf } from './testing.js';
import { Arm64Window, bitmask } from './arm64-window.js';
import { arm64Code } from './arm64-immediates.js';

const rand = seededPerTest(0xa64);
const ROOT = new URL('../../../', import.meta.url).pathname;
const WORK = mkdtempSync(join(tmpdir(), 'hoist-arm64-'));
afterAll(() => rmSync(WORK, { recursive: true, force: true }));

/** What a value may hold: a password's characters, those a Go literal escapes among them. */
const VALUE = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789+/=&<>%"\\!#@*_-';
const literal = (v: string) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
const runes = (v: string) => [...v].map((c) => (c === '\\' ? `'\\\\'` : `'${c}'`)).join(',');

/** Each shape: a function of the program over `k` (the environment's key) whose value `v` the compiler cuts. */
const SHAPES: Array<{ name: string; length: number; source: (v: string, f: string) => string }> = [
  ...[8, 9, 12, 16].map((length) => ({
    name: `== (${length})`,
    length,
    source: (v: string, f: string) => `func ${f}(k string) bool { return k == ${literal(v)} }`,
  })),
  { name: '!= (11)', length: 11, source: (v, f) => `func ${f}(k string) bool { return k != ${literal(v)} }` },
  {
    name: 'switch (13)',
    length: 13,
    source: (v, f) => `func ${f}(k string) int { switch k { case "alpha": return 1; case ${literal(v)}: return 2; case "short-one-xx-": return 3 }; return 0 }`,
  },
  ...[12, 20].map((length) => ({
    name: `bytes.Equal (${length})`,
    length,
    source: (v: string, f: string) => `func ${f}(k string) bool { return bytes.Equal([]byte(k), []byte(${literal(v)})) }`,
  })),
  {
    name: '[N]byte == (10)',
    length: 10,
    source: (v, f) => `func ${f}(k string) bool { var a [${v.length}]byte; copy(a[:], k); return a == [${v.length}]byte{${runes(v)}} }`,
  },
  ...[9, 23].map((length) => ({
    name: `[N]byte literal (${length})`,
    length,
    source: (v: string, f: string) => `func ${f}(k string) bool { a := [${v.length}]byte{${runes(v)}}; a[0] ^= byte(len(k)); use(a[:]); return false }`,
  })),
  // The string's first 8 bytes loaded once for compares of one length, compared again after a RET or a jump (the code
  // there is reached by a branch); and a substring at a register offset (`ldr x1,[x0,x2]`, the tail at `[x0+x2, #8]`).
  {
    name: 'if-chain of one length, return between (12)',
    length: 12,
    source: (v, f) => `func ${f}(k string) int { if k == "filler-words" { return 1 }; if k == ${literal(v)} { return 2 }; return 0 }`,
  },
  {
    name: 'else-if of one length, no return (14)',
    length: 14,
    source: (v, f) => `func ${f}(k string) int { x := 0; if k == "filler-words-x" { x = 1 } else if k == ${literal(v)} { x = 2 }; return x }`,
  },
  {
    name: 'k[i:i+N] == (13)',
    length: 13,
    source: (v, f) => `func ${f}(k string) bool { i := len(k) % 3; return len(k) >= i+13 && k[i:i+13] == ${literal(v)} }`,
  },
  {
    name: 'string(b[1:]) == (12)',
    length: 12,
    source: (v, f) => `func ${f}(k string) bool { b := []byte(k); return len(b) > 0 && string(b[1:]) == ${literal(v)} }`,
  },
  {
    name: 'struct with a [N]byte (16)',
    length: 16,
    source: (v, f) =>
      `type T${f} struct { A [${v.length}]byte; N int }\nfunc ${f}(k string) bool { t := T${f}{A: [${v.length}]byte{${runes(v)}}, N: len(k)}; useT(t.A[:], t.N); return false }`,
  },
];

/** A Go program holding every shape, each with its value of `values`. */
function program(values: string[]): string {
  const functions = SHAPES.map((s, k) => s.source(values[k]!, `f${k}`).replace(`func f${k}(`, `//go:noinline\nfunc f${k}(`));
  const calls = SHAPES.map((_, k) => `fmt.Println(f${k}(k))`).join('; ');
  return `package main\nimport ("bytes";"fmt";"os")\nvar _ = bytes.Equal\n//go:noinline\nfunc use(b []byte) { fmt.Println(len(b), b[0]) }\n//go:noinline\nfunc useT(b []byte, n int) { fmt.Println(n, b[1]) }\n${functions.join('\n')}\nfunc main() { k := os.Getenv("K"); ${calls} }\n`;
}

let serial = 0;
/** `source` built by this machine's Go for `os`/arm64, stripped. */
function build(source: string, os = 'linux', flags: string[] = []): Buffer {
  const dir = join(WORK, `p${serial++}`);
  spawnSync('mkdir', ['-p', dir]);
  writeFileSync(join(dir, 'main.go'), source);
  writeFileSync(join(dir, 'go.mod'), 'module example.com/app\ngo 1.19\n');
  const env = { ...process.env, GOCACHE: join(WORK, 'gocache'), GOFLAGS: '-mod=mod', GOOS: os, GOARCH: 'arm64', CGO_ENABLED: '0' };
  const r = spawnSync('go', ['build', '-ldflags=-s -w', ...flags, '-o', 'app', '.'], { cwd: dir, env, encoding: 'utf8', timeout: 240_000 });
  if (r.status !== 0) throw new Error(`go build: ${r.stderr || r.error}`);
  return readFileSync(join(dir, 'app'));
}

const found = (lines: string[], value: string) => lines.some((l) => l.includes(value));
const values = () => SHAPES.map((s) => rand.chars(VALUE, s.length));

/** The findings' places of an audit of `files` by the shipped bundle, for `secrets`. */
async function bundleAudit(files: Record<string, Buffer>, secrets: string[]): Promise<string[][]> {
  const dir = mkdtempSync(join(WORK, 'layer-'));
  await layoutOf(join(dir, 'layout'), files);
  writeFileSync(join(dir, 'values'), `${secrets.join('\n')}\n`, { mode: 0o600 });
  const audit = spawnSync(process.execPath, [join(ROOT, 'dist/cli.js'), 'audit', join(dir, 'layout'), '--audit-values-file', join(dir, 'values'), '--json'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const json = JSON.parse(audit.stdout.slice(audit.stdout.indexOf('{'))) as { findings: Array<{ severity: string; where: string }> };
  return json.findings.map((f) => [f.severity, f.where.replace(/^layer sha256:[0-9a-f]+ \([^)]*\), /, '')]).sort();
}

describe('strings cut into AArch64 immediates', () => {
  for (const flags of [[], ['-gcflags=all=-N -l']])
    it(`Go for linux/arm64${flags.length ? ' (a debug build)' : ''}: every shape's value read back whole, in any chunks; the twin's values are not there`, async () => {
      const ours = values();
      const binary = build(program(ours), 'linux', flags);
      expect(arm64Code(binary)?.length).toBeGreaterThan(0);
      // In the file's bytes, where the compiler kept the value whole (a debug build's `[N]byte` literals), or in what
      // is routed; an optimised build keeps none whole.
      const whole = await routed(binary, [binary.length]);
      const kept = ours.filter((v) => binary.includes(v));
      expect(
        SHAPES.filter((_, k) => !kept.includes(ours[k]!) && !found(whole.lines, ours[k]!)).map((s) => s.name),
        JSON.stringify(whole.lines.filter((l) => /^[\x20-\x7e]+$/.test(l))),
      ).toEqual([]);
      expect(kept.length).toBeLessThanOrEqual(flags.length ? 4 : 0);
      expect([...new Set(whole.names)]).toEqual(['arm64 immediates']);
      for (const sizes of [[rand.int(1, 16)], [rand.int(100, 5000), rand.int(1, 11)], [65536]])
        expect((await routed(binary, sizes)).lines, `chunks ${sizes}`).toEqual(whole.lines);
      const theirs = values();
      const twin = await routed(build(program(theirs), 'linux', flags), [65536]);
      expect(ours.filter((v) => found(twin.lines, v))).toEqual([]);
      expect(theirs.filter((v) => found(whole.lines, v))).toEqual([]);
      expect(theirs.filter((v) => found(twin.lines, v)).length).toBeGreaterThan(SHAPES.length / 2);
    }, 600_000);

  it('Go for darwin/arm64 (Mach-O) and windows/arm64 (PE) and linux/arm64, in one layer: found by the shipped bundle, the twin clean', async () => {
    const ours = values();
    const files: Record<string, Buffer> = {};
    for (const os of ['linux', 'darwin', 'windows']) files[`opt/${os}/app`] = build(program(ours), os);
    files['opt/twin/app'] = build(program(values()));
    const secrets = [ours[2]!, ours[9]!];
    // Each value in the immediates — or in the file's bytes, where the compiler kept it whole (Go for darwin copies a
    // `[N]byte` literal from its data).
    const expected = ['darwin', 'linux', 'windows'].flatMap((os) =>
      secrets.map((v) => ['leak', files[`opt/${os}/app`]!.includes(v) ? `opt/${os}/app` : `opt/${os}/app!(arm64 immediates)`]),
    );
    expect(expected.filter(([, where]) => where!.endsWith('(arm64 immediates)')).length).toBeGreaterThanOrEqual(4);
    expect((await bundleAudit(files, secrets)).map(([severity, where]) => [severity, where!.replace(/ at \d+\)$/, ')')])).toEqual(expected.sort());
  }, 600_000);

  it("rustc's compares as LLVM builds them for aarch64 (Debian's rustc's IR, llc for aarch64: an object file): read back, the twin clean", async () => {
    // LLVM's shape: movz/movk into registers between the loads, EOR with the loaded words, ORR, one CMP with 0.
    const object = (v: string[]) => {
      const dir = join(WORK, `r${serial++}`);
      spawnSync('mkdir', ['-p', dir]);
      const fns = v.map((x, k) => `#[no_mangle]\npub fn f${k}(k: &str) -> u32 { match k { "alpha" => 1, ${literal(x)} => 2, "bravo-charlie" => 3, _ => 0 } }`);
      writeFileSync(join(dir, 'lib.rs'), `${fns.join('\n')}\n`);
      const ir = spawnSync('/usr/bin/rustc', ['-O', '--crate-type=lib', '--emit=llvm-ir', '-o', 'lib.ll', 'lib.rs'], { cwd: dir, encoding: 'utf8' });
      if (ir.status !== 0) throw new Error(`rustc: ${ir.stderr}`);
      const text = readFileSync(join(dir, 'lib.ll'), 'utf8')
        .replace(/^target datalayout = .*$/m, 'target datalayout = "e-m:e-i8:8:32-i16:16:32-i64:64-i128:128-n32:64-S128"')
        .replace(/^target triple = .*$/m, 'target triple = "aarch64-unknown-linux-gnu"')
        .replace(/"target-(cpu|features)"="[^"]*"/g, '');
      writeFileSync(join(dir, 'lib.ll'), text);
      const llc = spawnSync('llc', ['-O2', '-mtriple=aarch64-linux-gnu', '-filetype=obj', '-o', 'lib.o', 'lib.ll'], { cwd: dir, encoding: 'utf8' });
      if (llc.status !== 0) throw new Error(`llc: ${llc.stderr}`);
      return readFileSync(join(dir, 'lib.o'));
    };
    const lengths = [9, 14, 20, 24, 32];
    const ours = lengths.map((n) => rand.chars(VALUE, n));
    const theirs = lengths.map((n) => rand.chars(VALUE, n));
    const binary = object(ours);
    // A relocatable object: every word read. (Its .rodata keeps the IR's constants, which a linker would drop: what is
    // routed is what is checked.)
    expect(arm64Code(binary)).toEqual([]);
    const lines = (await routed(binary, [rand.int(1, 64), 4096])).lines;
    expect(ours.filter((v) => !found(lines, v))).toEqual([]);
    const twin = (await routed(object(theirs), [65536])).lines;
    expect(ours.filter((v) => found(twin, v))).toEqual([]);
  }, 300_000);

  it('content that is not AArch64 code routes nothing: x86-64 code under an AArch64 header, the arm64 program under another machine, headerless', async () => {
    const ours = values();
    const binary = build(program(ours));
    const x86 = Buffer.from(readFileSync('/usr/bin/ls'));
    x86.writeUInt16LE(183, 18);
    const arm32 = Buffer.from(binary);
    arm32.writeUInt16LE(40, 18);
    for (const content of [x86, arm32, binary.subarray(4096), Buffer.concat([Buffer.from('#!/bin/sh\n'), binary])])
      expect((await routed(content, [65536])).lines).toEqual([]);
    expect(found((await routed(binary, [65536])).lines, ours[3]!)).toBe(true);
  }, 600_000);

  it("Go's own gofmt built for arm64: what is routed stays under 2 KiB a MiB (the runtime's and libraries' strings)", async () => {
    const out = join(WORK, 'gofmt');
    const env = { ...process.env, GOCACHE: join(WORK, 'gocache'), GOOS: 'linux', GOARCH: 'arm64', CGO_ENABLED: '0' };
    const r = spawnSync('go', ['build', '-ldflags=-s -w', '-o', out, 'cmd/gofmt'], { cwd: WORK, env, encoding: 'utf8', timeout: 240_000 });
    expect(r.status, r.stderr).toBe(0);
    const binary = readFileSync(out);
    const lines = (await routed(binary, [65536])).lines;
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.reduce((n, l) => n + l.length + 1, 0) / (binary.length / 1048576)).toBeLessThan(2048);
  }, 300_000);

  it('instructions that write a register or move a base (as llvm-mc decodes them) are followed: no wrong join, no miss', () => {
    // Each: words (a review's reproducers, checked with llvm-mc), the runs the window must write.
    const cases: Array<[string, string, string[]]> = [
      // A stack slot stored to, then another slot loaded: two places, never one key (ids were reused after a store).
      [
        'slots after a store',
        'f94007e1 f9400be2 f90007e9 f9400fe3 f9400044 d28c4c26 f2ac8c66 f2cccca6 f2ed0ce6 eb06009f 54000041 79401065 528d4d27 6b0700bf 54000041',
        ['abcdefgh'],
      ],
      // ldp x0, x1, [x0]: x1 loaded from the old x0's place.
      [
        'ldp x0, x1, [x0]',
        'a9400400 d28c4c23 f2ac8c63 f2cccca3 f2ed0ce3 eb03003f 54000041 f9400002 d28d4d24 f2ad8d64 f2cdcda4 f2ee0de4 eb04005f 54000041',
        ['abcdefgh', 'ijklmnop'],
      ],
      // ldr x3, #0x40 (literal) and ldrsw x3, [x1], #4 write x3: its constant is gone.
      ['ldr (literal)', 'd28a4ae3 f2a9c9e3 f2ce68e3 f2ee4e83 58000203 f9400002 eb03005f 54000041 79401002 528d4d24 6b04005f 54000041', []],
      ['ldrsw, post-index', 'd28a4ae3 f2a9c9e3 f2ce68e3 f2ee4e83 b8804423 f9400002 eb03005f 54000041 79401002 528d4d24 6b04005f 54000041', []],
      // str q0, [x2], #16 moves x2: the stur after it is another place.
      ['SIMD post-index', 'd28c4c23 f2ac8c63 f2cccca3 f2ed0ce3 f9000043 3c810440 d28d4d24 f2ad8d64 f2cdcda4 f2ee0de4 f81f8044', ['abcdefgh', 'ijklmnop']],
      // ccmn x0, x0, #4, ne writes flags only (its nzcv is not x4).
      ['ccmn', 'd28c4c24 f2ac8c64 f2cccca4 f2ed0ce4 ba401004 f9400002 eb04005f 54000041 79401002 528d4d25 6b05005f 54000041', ['abcdefghij']],
      // movk w3 zeroes x3's upper half: "ij" "cd" and four NULs is no text.
      ['movk w', 'd28c4c23 f2ac8c63 f2cccca3 f2ed0ce3 728d4d23 f9000be3', []],
    ];
    for (const [name, words, expected] of cases) {
      const bytes = Buffer.concat(words.split(' ').map((w) => Buffer.from(Uint32Array.of(parseInt(w, 16)).buffer)));
      const window = new Arm64Window();
      window.read(bytes, 0, bytes.length);
      expect(window.runs.map((r) => Buffer.from(r).toString('latin1')).sort(), name).toEqual(expected);
    }
  });

  it("ORR's bitmask immediates are the values llvm-mc disassembles (random N:immr:imms, both widths)", () => {
    const words: number[] = [];
    while (words.length < 400) {
      const wide = rand.int(0, 1) === 1;
      const n = wide ? rand.int(0, 1) : 0;
      const immr = rand.int(0, 63);
      const imms = rand.int(0, 63);
      if (!wide && (immr > 31 || imms > 31)) continue;
      if (!bitmask(n, immr, imms, wide)) continue;
      words.push(((wide ? 0xb2000000 : 0x32000000) | (n << 22) | (immr << 16) | (imms << 10) | (31 << 5) | 2) >>> 0);
    }
    const hex = words.map((w) => [0, 8, 16, 24].map((s) => `0x${((w >>> s) & 0xff).toString(16)}`).join(' ')).join('\n');
    const out = spawnSync('llvm-mc', ['--disassemble', '-triple=aarch64'], { input: hex, encoding: 'utf8' }).stdout;
    // `orr x2, xzr, #0x…`, or its alias `mov x2, #…` in signed decimal where a MOVZ or MOVN could not make the value.
    const theirs = [...out.matchAll(/(?:orr\s+([wx])2, [wx]zr|mov\s+([wx])2), #(-?(?:0x)?[0-9a-f]+)/g)].map((m) =>
      BigInt.asUintN((m[1] ?? m[2]) === 'x' ? 64 : 32, BigInt(m[3]!.replace(/^-(0x.*)$/, '-$1'))),
    );
    expect(theirs.length).toBe(words.length);
    for (const [k, w] of words.entries()) {
      const bytes = bitmask((w >>> 22) & 1, (w >>> 16) & 63, (w >>> 10) & 63, w >>> 31 === 1)!;
      expect(Buffer.from(bytes).readBigUInt64LE(0), `word ${w.toString(16)}`).toBe(theirs[k]);
    }
  });
});
