// ar archives against whole real files (ar.ts), found by the real-filesystem sweep of session 53: a member header is
// 60 bytes, and one cut by the end of a chunk (the layer's stream hands the decoder 64 KiB pieces) was judged on the
// bytes it had — fewer than 60, so "without its end marker" — and the archive named damaged, every later member
// unread. 11 static libraries of this Debian machine (libc.a, libcrypto.a, libsqlite3.a, libLLVMCore.a, libtsan.a,
// openblas …), each listed whole by `ar t`, were "a damaged ar archive"; a .deb whose data.tar header falls across a
// chunk's end is the same. Property: an archive made by `ar rcs` (the real tool) is read the same whatever the chunk
// sizes — every size 1–130 and seeded random ones —: no limit, the same members' bytes, the value in its last member
// given. Nearest real-world variant: the distro's own static libraries (/usr/lib/x86_64-linux-gnu/*.a), read at the
// audit's 64 KiB chunks where installed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { ar } from './ar.js';
import { decodeWith } from './decode.testing.js';
import { has, SECRET, tool } from './testing.js';

const rng = seededPerTest(0x53a7);

/** A static library of members of odd and even sizes, a long name (the GNU table), the value in the last member. */
const lib = () =>
  tool(
    'sh',
    ['-c', 'ar rcs libapp.a a-rather-long-object-file-name.o b.o c.o last-member-config.o'],
    {
      'a-rather-long-object-file-name.o': 'a'.repeat(77),
      'b.o': 'b'.repeat(1000),
      'c.o': 'c'.repeat(3),
      'last-member-config.o': `DB_PASSWORD=${SECRET}\n`,
    },
    'libapp.a',
  );

describe.runIf(has('ar'))(`ar rcs: the same members whatever the chunk sizes (seed ${rng.seed})`, () => {
  it('every chunk size 1–130 and 64 random ones: no limit, the members read as from the whole file', async () => {
    const file = lib();
    const whole = await decodeWith(ar, file, { chunk: file.length });
    expect(whole.limits).toEqual([]);
    expect(whole.out.toString('latin1')).toContain(SECRET);
    const sizes = [...Array.from({ length: 130 }, (_, i) => i + 1), ...Array.from({ length: 64 }, () => rng.int(1, file.length))];
    const differ: number[] = [];
    for (const chunk of sizes) {
      const r = await decodeWith(ar, file, { chunk });
      if (r.limits.length || !r.out.equals(whole.out)) differ.push(chunk);
    }
    expect(differ).toEqual([]);
  });
});

const LIBS = '/usr/lib/x86_64-linux-gnu';
const staticLibs = (() => {
  try {
    return readdirSync(LIBS)
      .filter((n) => n.endsWith('.a'))
      .map((n) => join(LIBS, n))
      .filter((p) => statSync(p).isFile() && statSync(p).size <= 16 << 20 && ar.sniff(readFileSync(p).subarray(0, 512), p));
  } catch {
    return [];
  }
})();

describe.runIf(staticLibs.length > 0)("the distro's own static libraries", () => {
  it(`each of ${staticLibs.length} .a files of ${LIBS} (≤ 16 MiB) (ar archives; linker scripts aside) read at 64 KiB chunks without a limit`, async () => {
    const named: string[] = [];
    for (const p of staticLibs) {
      const { limits } = await decodeWith(ar, readFileSync(p), { chunk: 65536, cap: 2 ** 40 });
      if (limits.length) named.push(p);
    }
    expect(named).toEqual([]);
  }, 120_000);
});
