// Property: a value is found in the text encodings that do not keep ASCII — UTF-32LE (four bytes a
// character, no BOM: C's wchar_t, CPython's UCS-4 str) and EBCDIC (IBM037, IBM1047) — wherever it
// stands in other bytes, an ASCII value too; the forms are the ones iconv writes. Real-world
// variants beside: gcc's L"…" literal in .rodata, a Python process's memory (the str of a value with
// an emoji), a JCL deck by iconv -t IBM1047. Each of these tests fails without the forms (the
// value was missed: red team round 7's gcore-ucs4 and ebcdic).
import { describe, expect, it } from 'vitest';
import { compile } from './audit.js';
import { has, tool } from './decoders/testing.js';
import { EscapeScan } from './escapes.js';
import { ebcdic, utf32le } from './text-forms.js';
import { mulberry32, testSeed } from '../../test/support/random.js';

const findIn = (value: string, haystack: Buffer) => {
  const { automaton, families, span } = compile([{ name: 'secret', value }]);
  const found: string[] = [];
  new EscapeScan(automaton, families, span, (m) => m.tag.kind === 'secret' && found.push(m.tag.encoding)).write(haystack);
  return [...new Set(found)];
};
const SEED = testSeed(707070);
const rand = mulberry32(SEED);
const pick = (s: string) => [...s][Math.floor(rand() * [...s].length)]!;
const value = (chars: string) => Array.from({ length: 8 + Math.floor(rand() * 30) }, () => pick(chars)).join('');
const noise = () => Buffer.from(Array.from({ length: 100 + Math.floor(rand() * 400) }, () => Math.floor(rand() * 256)));
const ASCII = 'ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789+/=-_.:@![]^';

describe(`UTF-32LE and EBCDIC forms (seed ${SEED})`, () => {
  it('the forms are what iconv writes (UTF-32LE less its last zero bytes)', () => {
    if (!has('iconv')) return;
    const v = 'Tok€n-😀-[é]^¬Ý';
    const latin = 'Tok-[é]^¬Ý-£';
    expect(utf32le(v).equals(tool('sh', ['-c', 'iconv -f UTF-8 -t UTF-32LE < v'], { v }).subarray(0, -3))).toBe(true);
    for (const page of ['IBM037', 'IBM1047'] as const)
      expect(ebcdic(latin, page)!.equals(tool('sh', ['-c', `iconv -f UTF-8 -t ${page} < v`], { v: latin }))).toBe(true);
    expect(ebcdic(v)).toBeUndefined();
  });

  it.each([
    ['UTF-32LE', ASCII + '€😀中é', (v: string) => Buffer.from([...v].flatMap((c) => [...Buffer.from(Uint32Array.of(c.codePointAt(0)!).buffer)]))],
    ['UTF-32LE', ASCII, (v: string) => utf32le(v)],
    ['EBCDIC (IBM037)', ASCII + 'éßÝ¬', (v: string) => ebcdic(v, 'IBM037')!],
    ['EBCDIC (IBM1047)', ASCII + 'éßÝ¬', (v: string) => ebcdic(v, 'IBM1047')!],
  ])('%s: 50 generated values inside random bytes are found', (name, chars, encode) => {
    for (let i = 0; i < 50; i++) {
      const v = value(chars);
      const found = findIn(v, Buffer.concat([noise(), encode(v), noise()]));
      expect(
        found.some((f) => f.startsWith(name.split(' ')[0]!)),
        `seed ${SEED}, value ${i}: ${JSON.stringify(v)}`,
      ).toBe(true);
    }
  });

  it('a value is not found in a form of another value, nor in random bytes', () => {
    for (let i = 0; i < 50; i++) {
      const [v, w] = [value(ASCII + 'é'), value(ASCII + 'é')];
      expect(findIn(v, Buffer.concat([noise(), utf32le(w), ebcdic(w)!, noise()]))).toEqual([]);
    }
  });

  it.skipIf(!has('gcc'))('real world: a wchar_t literal (L"…") in a binary gcc built', () => {
    const v = 'wK7-q€2😀Lm9+ZpT';
    const bin = tool('sh', ['-c', 'gcc -O0 -o w w.c && cat w'], {
      'w.c': `#include <wchar.h>\n#include <stdio.h>\nconst wchar_t *KEY = L"${v}";\nint main(void) { printf("%d\\n", (int) wcslen(KEY)); return 0; }\n`,
    });
    expect(findIn(v, bin)).toContain('UTF-32LE');
  });

  it.skipIf(!has('python3') || !has('gcore'))("real world: a Python process's memory (gcore), a str with an emoji held as UCS-4", () => {
    const v = 'Py7-core😀€Tk2+xQ';
    const script = `import os, subprocess
fd = os.open('v', os.O_RDONLY); buf = bytearray(256); n = os.readv(fd, [buf]); os.close(fd)
held = {'token': str(memoryview(buf)[:n], 'utf-8')}
buf[:] = bytes(len(buf))
subprocess.run(['gcore', '-o', 'core', str(os.getpid())], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
print(held['token'][:0], end='')
`;
    const core = tool('sh', ['-c', 'python3 hold.py && cat core.*'], { 'hold.py': script, v });
    expect(core.includes(Buffer.from(v))).toBe(false);
    expect(findIn(v, core)).toContain('UTF-32LE');
  });

  it.skipIf(!has('iconv'))('real world: a JCL deck by iconv -t IBM1047 and a copybook by iconv -t IBM037', () => {
    const v = 'Jcl+Tok/9[x]=Q^2';
    for (const page of ['IBM1047', 'IBM037']) {
      const deck = tool('sh', ['-c', `iconv -f UTF-8 -t ${page} < j`], { j: `//STEP1 EXEC PGM=APP,PARM='TOKEN=${v}'\n` });
      expect(findIn(v, deck)).toEqual([`EBCDIC (${page})`]);
    }
  });
});
