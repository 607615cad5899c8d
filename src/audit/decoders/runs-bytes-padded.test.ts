// Property: a value's bytes listed as numbers with a C buffer's NULs after them — the terminator and padding of a
// fixed-size buffer — are read as the value's list: gdb's `p/x buf` and `p/d buf` of a `char[48]` (`{0x74, 0x6f, …,
// 0x0, 0x0}`), Rust's `{:?}` of a `[u8; 48]` (`[116, 111, …, 0, 0]`), Go's `%v` of a `[48]byte` (`[116 111 … 0 0]`),
// each made by the real tool. Nearest real-world variant: a debugging session's log or a service's debug line printing
// the key buffer it had just filled (round 15, variant15-text.ts: all three silent — a short list had to be text, and
// the NULs made it none). A short list of NULs alone, or a magic number with a NUL inside, is still no list routed.
import { describe, expect, it } from 'vitest';
import { auditFiles, has, SECRET, tool } from './testing.js';
import { ByteLists } from './runs-bytes.js';
import type { Sink } from './types.js';

const CLEAN = SECRET.replace('7f3a', 'a3f7');

const gdb = (print: string, value: string) =>
  tool('sh', ['-c', `gcc -g -O0 -o m m.c && gdb -q -nx -batch -ex 'break loaded' -ex run -ex '${print} buf' ./m 2>&1 | grep '^\\$'`], {
    secret: value,
    'm.c': `#include <stdio.h>
char buf[48];
void loaded(void) {}
int main(void) { FILE *f = fopen("secret", "r"); if (!f) return 1; fread(buf, 1, sizeof buf - 1, f); fclose(f); loaded(); return 0; }
`,
  });

const rust = (value: string) =>
  tool('sh', ['-c', 'rustc -O -o m m.rs 2>/dev/null && ./m'], {
    secret: value,
    'm.rs': `fn main() {
    let mut key = [0u8; 48];
    let s = std::fs::read("secret").unwrap();
    key[..s.len()].copy_from_slice(&s);
    println!("loaded key: {:?}", key);
}
`,
  });

const go = (value: string) =>
  tool('sh', ['-c', 'GOCACHE="$PWD/.gocache" GOPATH="$PWD/.gopath" GOTOOLCHAIN=local GO111MODULE=off CGO_ENABLED=0 go run m.go'], {
    secret: value,
    'm.go': `package main
import ("fmt"; "os")
func main() {
	var key [48]byte
	s, _ := os.ReadFile("secret")
	copy(key[:], s)
	fmt.Printf("session key %v\\n", key)
}
`,
  });

/** What ByteLists routes from `text`, each list's bytes. */
async function lists(text: string): Promise<Buffer[]> {
  const got: Buffer[] = [];
  const b = new ByteLists(() => {
    const parts: Uint8Array[] = [];
    return {
      write: async (x: Uint8Array) => void parts.push(Buffer.from(x)),
      end: async () => void got.push(Buffer.concat(parts)),
    } as unknown as Sink;
  });
  await b.push(Buffer.from(text));
  await b.end();
  return got;
}

describe('byte lists with a C buffer’s NULs after the value', () => {
  const cases = [
    ...(has('gdb') && has('gcc') ? [['gdb p/x', (v: string) => gdb('p/x', v)] as const, ['gdb p/d', (v: string) => gdb('p/d', v)] as const] : []),
    ...(has('rustc') ? [['rust {:?} of [u8; 48]', rust] as const] : []),
    ...(has('go') ? [['go %v of [48]byte', go] as const] : []),
  ];

  it.each(cases)(
    '%s: the list is read (the value then NULs), audited found; the clean twin gives nothing',
    async (_, make) => {
      const out = make(SECRET);
      expect(out.toString()).not.toContain(SECRET);
      const read = await lists(out.toString('latin1'));
      // gdb writes 10 or more equal elements as one with `<repeats 15 times>`: its list ends at the first NUL.
      expect(read.map((b) => b.toString('latin1'))).toContainEqual(expect.stringMatching(new RegExp(`^${SECRET.replace(/[+/=]/g, '\\$&')}\0+$`)));
      const found = await auditFiles({ 'var/log/debug.log': out });
      expect(found.filter((f) => f.severity === 'leak').length).toBeGreaterThan(0);
      expect(await auditFiles({ 'var/log/debug.log': make(CLEAN) })).toEqual([]);
    },
    120_000,
  );

  it('NULs alone, or a magic number with a NUL inside or few bytes before the NULs, are still no list routed', async () => {
    expect(await lists('static const char z[] = {0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0};\n')).toEqual([]);
    expect(await lists('magic = [0x89, 0x4c, 0x5a, 0x4f, 0x00, 0x0d, 0x0a, 0x1a, 0x0a];\n')).toEqual([]);
    expect(await lists('hdr = {0x50, 0x4b, 0x05, 0x06, 0x0, 0x0, 0x0, 0x0, 0x0, 0x0};\n')).toEqual([]);
    expect(await lists('v = [65, 66, 67, 0, 0, 0, 0, 0, 0, 0, 0, 0]\n')).toEqual([]);
  });
});
