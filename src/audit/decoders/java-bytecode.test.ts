// Property: a value held in a Java array initializer — `static final byte[] K = {…}` of its UTF-8 bytes, a `char[]` or
// `short[]` of its characters — compiled by the real javac, is read back from the class file whole (its bytes one
// opcode operand apart: `dup`, index, value, store), however the file is cut into chunks, and found by the audit in
// the class file and in a jar; the clean twins (the value changed, an array of random bytes) give nothing, and random
// bytes route nothing. Nearest real-world variant: a key obfuscated in source as a byte array literal, the class
// shipped without its source (red team round 7, `java-byte-array` in variant7-binary.ts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { layoutGraph } from '../../oci/graph.js';
import { readLayoutRoot } from '../../oci/layout.js';
import { auditLayout } from '../audit.js';
import { JavaArrays } from './java-bytecode.js';
import { layoutOf } from './testing.js';

/** Generated inputs, from this seed before each test (HOIST_TEST_SEED replaces it); the tests that draw name it. */
const rand = seededPerTest(2807);

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Non-ASCII at most U+7FFF: javac pushes a char above it from the constant pool (`ldc`), which is not looked up. */
const WIDE = ['é', 'ü', '台', '€'];

/** A generated value: letters, the characters escapes are made of, and non-ASCII at random offsets (an emoji in byte[]s). */
function value(emoji: boolean): string {
  let v = 'k_';
  for (let n = rand.int(10, 40); n > 0; n--) {
    const k = rand.int(10);
    v += k < 6 ? rand.chars(LETTERS, 1) : k < 8 ? rand.pick([...'+/=&<>%"\\']) : rand.pick(emoji ? [...WIDE, '😀'] : WIDE);
  }
  return v;
}

const javaBytes = (b: Uint8Array) => [...b].map((x) => String(x < 128 ? x : x - 256)).join(', ');
const javaChars = (s: string) => [...s].map((c) => `(char) ${c.charCodeAt(0)}`).join(', ');

/** A class holding `v` as a byte[], a char[] or a short[] (`form`), among other fields and a random byte[] without it. */
function source(name: string, v: string, form: 'byte' | 'char' | 'short'): string {
  const held = form === 'byte' ? javaBytes(Buffer.from(v)) : form === 'char' ? javaChars(v) : [...v].map((c) => c.charCodeAt(0)).join(', ');
  return `public class ${name} {
  static final int RETRIES = 5;
  static final byte[] SALT = { ${javaBytes(rand.bytes(rand.int(8, 300)))} };
  static final ${form}[] KEY = { ${held} };
  static final String REGION = "eu-west-1";
  public static void main(String[] a) { byte[] b = new byte[] { 1, 2, 3 }; System.out.println(KEY.length + b.length + SALT.length); }
}
`;
}

/** The class files javac makes of `sources` (one run), and a jar of them (`jar`). */
function javac(sources: Record<string, string>): { classes: Record<string, Buffer>; jar: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-javac-'));
  try {
    for (const [name, text] of Object.entries(sources)) writeFileSync(join(dir, `${name}.java`), text);
    execFileSync('javac', ['-d', 'out', ...Object.keys(sources).map((n) => `${n}.java`)], { cwd: dir, stdio: 'pipe' });
    execFileSync('jar', ['cf', 'app.jar', '-C', 'out', '.'], { cwd: dir, stdio: 'pipe' });
    const classes = Object.fromEntries(Object.keys(sources).map((n) => [n, readFileSync(join(dir, 'out', `${n}.class`))]));
    return { classes, jar: readFileSync(join(dir, 'app.jar')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What the reader routes from `bytes` fed in chunks of `size`: each array's name and bytes. */
async function arrays(bytes: Uint8Array, size: number): Promise<Array<{ name: string; at: number; bytes: Buffer }>> {
  const out: Array<{ name: string; at: number; parts: Buffer[] }> = [];
  const reader = new JavaArrays((at, name) => {
    const run = { name, at, parts: [] as Buffer[] };
    out.push(run);
    return { write: (b) => void run.parts.push(Buffer.from(b)), end: () => undefined };
  });
  for (let i = 0; i < bytes.length; i += size) await reader.push(bytes.subarray(i, i + size));
  await reader.end();
  return out.map((r) => ({ name: r.name, at: r.at, bytes: Buffer.concat(r.parts) }));
}

/** The audit's findings of `v` in a layer holding `files`: each finding's path. */
async function audit(v: string, files: Record<string, Uint8Array>): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-java-arrays-'));
  try {
    await layoutOf(dir, files);
    const result = await auditLayout(dir, await layoutGraph(dir, await readLayoutRoot(dir)), {
      secrets: [{ name: 'token', value: v }],
      handedKeys: new Map(),
      redact: (t) => t,
    });
    return result.findings.map((f) => f.where.replace(/^layer sha256:[0-9a-f]+ \([^)]*\), /, ''));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe(`Java array initializers in bytecode (seed ${rand.seed})`, () => {
  it('reads javac byte[], char[] and short[] initializers back whole, in chunks of 1, 7, 64 bytes and whole', async () => {
    const forms = ['byte', 'char', 'short'] as const;
    const values = Array.from({ length: 18 }, (_, k) => value(forms[k % 3] === 'byte'));
    const sources = Object.fromEntries(values.map((v, k) => [`Keys${k}`, source(`Keys${k}`, v, forms[k % 3]!)]));
    const { classes } = javac(sources);
    for (const size of [1, 7, 64, 1 << 20])
      for (const [k, v] of values.entries()) {
        const read = await arrays(classes[`Keys${k}`]!, size);
        expect(classes[`Keys${k}`]!.includes(Buffer.from(v))).toBe(false);
        // The random SALT, then the value, each under its kind; `{ 1, 2, 3 }` is too short to route.
        expect(read.map((r) => r.name)).toEqual(['Java byte[] initializer', `Java ${forms[k % 3]}[] initializer`]);
        expect(read[1]!.bytes.toString('utf8'), `${v} in chunks of ${size}`).toBe(v);
      }
  });

  it('reads an array longer than the reader gathers at once, and routes nothing from random bytes', async () => {
    // As javac writes one (longer than a method may hold, 64 KiB of code): an index above 127 is sipush, below 32768.
    const n = 30_000;
    const data = rand.bytes(n);
    const code: number[] = [0x11, n >> 8, n & 0xff, 0xbc, 0x08];
    for (let i = 0; i < n; i++) {
      const index = i <= 5 ? [0x03 + i] : i < 128 ? [0x10, i] : [0x11, i >> 8, i & 0xff];
      const b = data[i]! < 128 ? data[i]! : data[i]! - 256;
      code.push(0x59, ...index, ...(b >= -1 && b <= 5 ? [0x03 + b] : [0x10, b & 0xff]), 0x54);
    }
    const bytes = Buffer.concat([rand.bytes(1000), Buffer.from(code), Buffer.from([0xb3, 0x00, 0x07]), rand.bytes(1000)]);
    for (const size of [7, 4096, 1 << 20]) expect(await arrays(bytes, size)).toEqual([{ name: 'Java byte[] initializer', at: 1003, bytes: data }]);
    expect(await arrays(rand.bytes(8 << 20), 1 << 18)).toEqual([]);
  });

  it('reads no array past an index out of order, and none shorter than 8 elements', async () => {
    const opening = [0x10, 0x0a, 0xbc, 0x08];
    const element = (i: number, b: number) => [0x59, ...(i <= 5 ? [0x03 + i] : [0x10, i]), 0x10, b, 0x54];
    const skipped = [...opening, ...[0, 1, 2, 3, 5, 6, 7, 8, 9].flatMap((i) => element(i, 0x41 + i))];
    expect(await arrays(Buffer.from(skipped), 3)).toEqual([]);
    const short = [...opening, ...[0, 1, 2, 3, 4, 5, 6].flatMap((i) => element(i, 0x41 + i)), 0xb3, 0, 1];
    expect(await arrays(Buffer.from(short), 1)).toEqual([]);
  });

  it('is audited in a class file and in a jar: the value found under its array, the clean twins silent', async () => {
    const v = value(true);
    const twin = v.replace(/[A-Za-z0-9]$|[A-Za-z0-9](?=[^A-Za-z0-9]*$)/, (c) => (c === 'x' ? 'y' : 'x'));
    const { classes, jar } = javac({
      Keys: source('Keys', v, 'byte'),
      Clean: source('Clean', twin, 'byte'),
      Chars: source('Chars', v.replaceAll('😀', 'é'), 'char'),
    });
    const found = await audit(v, { 'app/Keys.class': classes.Keys!, 'app/app.jar': jar, 'app/Clean.class': classes.Clean! });
    expect(found).toContainEqual(expect.stringMatching(/^app\/Keys\.class!\(Java byte\[\] initializer at \d+\)$/));
    expect(found).toContainEqual(expect.stringMatching(/^app\/app\.jar!\/Keys\.class!\(Java byte\[\] initializer at \d+\)$/));
    expect(found.filter((p) => p.includes('Clean'))).toEqual([]);
    expect(await audit(v.replaceAll('😀', 'é'), { 'app/Chars.class': classes.Chars! })).toEqual([
      expect.stringMatching(/^app\/Chars\.class!\(Java char\[\] initializer at \d+\)$/),
    ]);
    expect(await audit(v, { 'app/Clean.class': classes.Clean! })).toEqual([]);
  });
});
