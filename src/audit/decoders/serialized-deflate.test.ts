// Property: a value deflated raw (no header) and kept inside a language's serialization — PHP's gzdeflate in a session
// and in a serialized cache entry, Ruby's Zlib::Deflate(-15) in a Marshal dump (text, and a Marshal dump deflated),
// Node's deflateRawSync in a v8.serialize, Python's compressobj(wbits=-15) in a pickle, Java's Deflater(nowrap) in an
// ObjectOutputStream — is found at `FILE@OFFSET!`, however the file is cut into chunks (1, 7, 64, random, whole); the
// clean twin gives no finding; a copy cut inside the value is named (what inflated read), never passed in silence; heads
// of other formats and random heads are not claimed. Fails before serialized-deflate.ts: every one of these files passes
// in silence (the bundle of the session's start: 0 of 7 found). Nearest real-world variant: PHP sessions or a Rails /
// Node cache directory baked into an image, holding an API token the app cached compressed.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seeded, testSeed } from '../../../test/support/random.js';
import { decodeWith } from './decode.testing.js';
import { serializedDeflate, serializedFormat } from './serialized-deflate.js';
import { auditFiles, has, SECRET, tool } from './testing.js';

const OTHER = 'tok-clean-twin-7e2d0a9c5b3f+/=value';

/** `script` run by `command` in a scratch directory holding `secret`; its output file `out`. */
const made = (command: string, script: string, out: string) => (v: string) => tool('sh', ['-c', `${command} <<'EOF'\n${script}\nEOF`], { secret: v }, out);

const MAKERS: Array<{ id: string; tool: string; file: string; make: (v: string) => Buffer }> = [
  {
    id: 'PHP session (gzdeflate)',
    tool: 'php',
    file: 'sess_abc',
    make: made(
      'php',
      '<?php $s=file_get_contents("secret"); file_put_contents("sess_abc", "data|".serialize(gzdeflate(serialize(["token"=>$s,"rows"=>range(1,2000)]))));',
      'sess_abc',
    ),
  },
  {
    id: 'PHP serialize (cache entry)',
    tool: 'php',
    file: 'cache.ser',
    make: made(
      'php',
      '<?php $s=file_get_contents("secret"); file_put_contents("cache.ser", serialize(["k"=>"cfg","v"=>gzdeflate("token=".$s.json_encode(range(1,2000)))]));',
      'cache.ser',
    ),
  },
  {
    id: 'Ruby Marshal (a deflated Marshal dump)',
    tool: 'ruby',
    file: 'cache.bin',
    make: made(
      'ruby -rzlib',
      's=File.read("secret"); z=Zlib::Deflate.new(6,-15); d=z.deflate(Marshal.dump({token: s, rows: (1..2000).map(&:to_s)}), Zlib::FINISH); File.binwrite("cache.bin", Marshal.dump({k: "cfg", v: d}))',
      'cache.bin',
    ),
  },
  {
    id: 'Node v8.serialize (deflateRawSync)',
    tool: 'node',
    file: 'cache.bin',
    make: made(
      'node',
      'const fs=require("fs"),z=require("zlib"),v8=require("v8");const s=fs.readFileSync("secret","utf8");fs.writeFileSync("cache.bin",v8.serialize({k:"cfg",v:z.deflateRawSync(Buffer.from(JSON.stringify({token:s,rows:Array.from({length:2000},(_, i)=>i)})))}))',
      'cache.bin',
    ),
  },
  {
    id: 'Python pickle (compressobj wbits=-15)',
    tool: '/usr/bin/python3',
    file: 'cache.pkl',
    make: made(
      '/usr/bin/python3',
      'import pickle, zlib\ns = open("secret").read()\nc = zlib.compressobj(6, zlib.DEFLATED, -15)\nd = c.compress(("token=" + s + " " + ",".join(map(str, range(2000)))).encode()) + c.flush()\nopen("cache.pkl", "wb").write(pickle.dumps({"k": "cfg", "v": d}))',
      'cache.pkl',
    ),
  },
];

/** Chunk sizes the file is fed in: 1, 7, 64, a random one (from the test seed), whole. */
const CHUNKS = [1, 7, 64, 1 + seeded(testSeed(19)).int(4096), 1 << 30];

describe('raw deflate values inside serializations, made by the real tools', { timeout: 120_000 }, () => {
  const ready = MAKERS.filter((m) => has(m.tool));

  it.each(ready.map((m) => [m.id, m] as const))('%s: found at FILE@OFFSET! through the audit; the clean twin passes', async (_, m) => {
    const leaky = m.make(SECRET);
    expect(leaky.includes(SECRET)).toBe(false);
    expect(serializedFormat(leaky.subarray(0, 512))).toBeDefined();
    expect(await auditFiles({ [`srv/${m.file}`]: leaky })).toContainEqual({
      severity: 'leak',
      what: 'token',
      path: expect.stringMatching(new RegExp(`^srv/${m.file.replace('.', '\\.')}@\\d+!$`)),
    });
    expect(await auditFiles({ [`srv/${m.file}`]: m.make(OTHER) })).toEqual([]);
  });

  it.each(ready.map((m) => [m.id, m] as const))('%s: found fed in chunks of 1, 7, 64, random and whole', async (_, m) => {
    const leaky = m.make(SECRET);
    const outs = await Promise.all(CHUNKS.map((chunk) => decodeWith(serializedDeflate, leaky, { chunk })));
    expect(outs.map((o) => ({ found: o.out.includes(SECRET), limits: o.limits }))).toEqual(CHUNKS.map(() => ({ found: true, limits: [] })));
  });

  it.each(ready.map((m) => [m.id, m] as const))('%s: cut inside the value, named (what inflated read), not silent', async (_, m) => {
    const leaky = m.make(SECRET);
    // The value is most of the file: a cut at two thirds is inside its deflate stream.
    const cut = await decodeWith(serializedDeflate, leaky.subarray(0, Math.floor((leaky.length * 2) / 3)));
    expect(cut.limits).toEqual([expect.stringMatching(/^a raw deflate value at byte \d+ of .* cut by the file's end: read up to there$/)]);
  });
});

describe.runIf(has('java'))('a Java ObjectOutputStream holding a byte[] of Deflater(9, true)', { timeout: 60_000 }, () => {
  const make = (v: string) =>
    tool(
      'sh',
      [
        '-c',
        `mkdir -p j && cat > j/G.java <<'EOF'
import java.nio.file.*; import java.util.zip.*; import java.io.*; import java.util.*;
public class G { public static void main(String[] a) throws Exception {
 String s = Files.readString(Path.of("secret")); StringBuilder b = new StringBuilder("API_TOKEN=" + s + "\\n"); for (int i = 0; i < 3000; i++) b.append("LINE_" + i + "\\n");
 ByteArrayOutputStream bo = new ByteArrayOutputStream(); try (DeflaterOutputStream o = new DeflaterOutputStream(bo, new Deflater(9, true))) { o.write(b.toString().getBytes()); }
 HashMap<String,Object> m = new HashMap<>(); m.put("k", "cfg"); m.put("v", bo.toByteArray());
 try (ObjectOutputStream o = new ObjectOutputStream(new FileOutputStream("session.ser"))) { o.writeObject(m); } } }
EOF
java j/G.java`,
      ],
      { secret: v },
      'session.ser',
    );

  it('found at session.ser@N!; the clean twin passes', async () => {
    expect(await auditFiles({ 'srv/session.ser': make(SECRET) })).toContainEqual({
      severity: 'leak',
      what: 'token',
      path: expect.stringMatching(/^srv\/session\.ser@\d+!$/),
    });
    expect(await auditFiles({ 'srv/session.ser': make(OTHER) })).toEqual([]);
  });
});

describe('what is not claimed', () => {
  it('random heads (seeded) and text are not taken for a serialization', () => {
    const { int } = seeded(testSeed(20));
    const heads = Array.from({ length: 20_000 }, () => Uint8Array.from({ length: 64 }, () => int(256)));
    expect(heads.filter((h) => serializedFormat(h) !== undefined).length).toBe(0);
    expect(serializedFormat(Buffer.from('data: {"a": 1}\nline two\n'))).toBeUndefined();
  });

  it('a pickle with no deflated value (only text and numbers) gives nothing and names nothing', async () => {
    const pickle = tool(
      '/usr/bin/python3',
      ['-c', 'import pickle; open("p", "wb").write(pickle.dumps({"rows": list(range(3000)), "name": "x" * 500}))'],
      {},
      'p',
    );
    const got = await decodeWith(serializedDeflate, pickle);
    expect({ limits: got.limits, bytes: got.out.length }).toEqual({ limits: [], bytes: pickle.length });
  });

  const BABEL = '/usr/share/python-babel-localedata/locale-data';
  // The 60 largest: a chance mark's trial in the largest (fi, fr, it, bs: a distance-1 match repeating one letter 258
  // times at a go, `FBGGGG…`) was named "a damaged raw deflate value" before a damaged value's text had to vary.
  it.runIf(existsSync(BABEL))("this machine's pickles (python-babel's locale data, the 60 largest): claimed, no value found, nothing named", async () => {
    const files = readdirSync(BABEL)
      .filter((n) => n.endsWith('.dat'))
      .sort((a, b) => statSync(join(BABEL, b)).size - statSync(join(BABEL, a)).size || a.localeCompare(b))
      .slice(0, 60);
    const got = await Promise.all(files.map((n) => decodeWith(serializedDeflate, readFileSync(join(BABEL, n)))));
    const claimed = files.filter((n) => serializedFormat(readFileSync(join(BABEL, n)).subarray(0, 512)) !== undefined);
    expect({
      claimed: claimed.length,
      extra: got.filter((g, i) => g.out.length !== readFileSync(join(BABEL, files[i]!)).length).length,
      limits: got.flatMap((g) => g.limits),
    }).toEqual({ claimed: files.length, extra: 0, limits: [] });
  });
});
