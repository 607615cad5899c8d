// Property: a zip is read member by member as it streams, whatever wrote it — Java's ZipOutputStream
// (jar, jmod: every deflated member with a data descriptor, sizes 0 in its local header), Info-ZIP to a
// pipe or with -fd/-fz, Python's zipfile to a pipe (stored members with descriptors too) — and in
// whatever chunks it arrives, 1 byte to whole: every member's content is its file's, byte for byte,
// and nothing is named. Damaged or cut short it never throws or hangs, and whatever it does not name
// it read whole. Nearest real-world variants: the JDK's own jars and jmods, a Spring Boot fat jar, a
// wheel or backup written by a script to stdout.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { damaged } from './decode.testing.js';
import { auditFiles, has, SECRET, tool } from './testing.js';
import { isZipLocal } from './zip-records.js';
import { walkZip } from './zip.testing.js';
import { seededPerTest } from '../../../test/support/random.js';

/** Generated inputs, from this seed before each test (HOIST_TEST_SEED replaces it); the tests that draw name it. */
const rand = seededPerTest(1);

const files: Record<string, Buffer> = {
  'conf/app.properties': Buffer.from(`# app\ndb.user=app\ndb.password=${SECRET}\n`.repeat(30)),
  'lib/native.bin': rand.bytes(70_000), // incompressible: deflate keeps it as stored blocks, across many chunks
  'docs/README.md': Buffer.from('# readme\nnothing to see here\n'.repeat(2000)),
  'empty.txt': Buffer.alloc(0),
};
const names = Object.keys(files).join(' ');
const py = (method: string) =>
  `python3 -c "import sys, zipfile\nwith zipfile.ZipFile(sys.stdout.buffer, 'w', zipfile.${method}) as z:\n  [z.write(n) for n in '${names}'.split()]" | cat`;

/** Each writer: the command (run where the files are) and what it writes the archive to (stdout when none). */
const writers: Array<[string, string, string | undefined]> = [
  ['jar cf (Java: deflated, descriptors)', `jar cf out.zip ${names}`, 'out.zip'],
  ['jar --no-compress (Java: stored, sizes first)', `jar --create --no-compress --file out.zip ${names}`, 'out.zip'],
  ['zip -fd (Info-ZIP: descriptors forced)', `zip -q -fd out.zip ${names}`, 'out.zip'],
  ['zip - to a pipe (Info-ZIP: descriptors)', `zip -q - ${names} | cat`, undefined],
  ['zip -fz - to a pipe (zip64 sizes, 64-bit descriptors)', `zip -q -fz - ${names} | cat`, undefined],
  ["Python's zipfile to a pipe, ZIP_STORED (stored members with descriptors)", py('ZIP_STORED'), undefined],
  ["Python's zipfile to a pipe, ZIP_DEFLATED", py('ZIP_DEFLATED'), undefined],
];

describe(`the zip walker on what real writers make (seed ${rand.seed})`, () => {
  it.each(writers.filter(([, command]) => has(command.split(' ')[0]!)))(
    '%s: every member its file, byte for byte, in chunks of 1 byte to whole; nothing named',
    async (_, command, output) => {
      const archive = tool('sh', ['-c', command], files, output);
      for (const chunk of [1, 7, 64, 4096, archive.length]) {
        const w = await walkZip(archive, { chunk });
        expect(w.limits, `chunks of ${chunk}`).toEqual([]);
        for (const [name, content] of Object.entries(files)) expect(w.members.get(name) ?? Buffer.alloc(0), `chunks of ${chunk}: ${name}`).toEqual(content);
        expect(w.finished, `chunks of ${chunk}`).toBe(true);
      }
    },
    60_000,
  );

  it.skipIf(!has('jar'))(
    'a jar whose deflated data holds PK\\7\\8 and PK\\3\\4 headers (a binary with them, kept as stored blocks): read whole',
    async () => {
      // What derailed a reader that scans compressed bytes for the next signature: a fake descriptor and local header in a member's data.
      const fake = Buffer.concat([Buffer.from('PK\x07\x08'), rand.bytes(12), Buffer.from('PK\x03\x04\x14\x00\x08\x08\x08\x00'), rand.bytes(40)]);
      const blob = Buffer.concat([rand.bytes(40_000), fake, rand.bytes(40_000), fake, rand.bytes(1000)]);
      const archive = tool(
        'jar',
        ['cf', 'out.jar', 'lib/blob.bin', 'conf/app.properties'],
        { 'lib/blob.bin': blob, 'conf/app.properties': files['conf/app.properties']! },
        'out.jar',
      );
      const signatures = (b: Buffer, sig: string) => b.toString('latin1').split(sig).length - 1;
      expect(signatures(archive, 'PK\x07\x08')).toBeGreaterThan(3); // 2 fakes inside the deflate stream, besides each member's descriptor
      for (const chunk of [1, 1000, 65536, archive.length]) {
        const w = await walkZip(archive, { chunk });
        expect(w.limits).toEqual([]);
        expect(w.members.get('lib/blob.bin')).toEqual(blob);
        expect(w.members.get('conf/app.properties')).toEqual(files['conf/app.properties']);
      }
    },
    60_000,
  );

  it.skipIf(!has('python3'))(
    "a stored member with a descriptor holding a descriptor's signature and its own size by chance: not cut there (its CRC differs)",
    async () => {
      // A fake descriptor whose compressed size is the bytes before it, and its next record: only the CRC tells it is data.
      const head = rand.bytes(5000);
      const fake = Buffer.alloc(16);
      fake.write('PK\x07\x08', 'latin1');
      fake.writeUInt32LE(0x12345678, 4);
      fake.writeUInt32LE(head.length, 8);
      fake.writeUInt32LE(head.length, 12);
      const data = Buffer.concat([head, fake, Buffer.from('PK\x03\x04'), rand.bytes(3000)]);
      const archive = tool('sh', ['-c', py('ZIP_STORED').replace(`'${names}'`, "'data.bin conf/app.properties'")], {
        'data.bin': data,
        'conf/app.properties': 'x=1\n',
      });
      for (const chunk of [1, 4096, archive.length]) {
        const w = await walkZip(archive, { chunk });
        expect(w.limits).toEqual([]);
        expect(w.members.get('data.bin')).toEqual(data);
        expect(w.members.get('conf/app.properties')?.toString()).toBe('x=1\n');
      }
    },
    60_000,
  );

  it.skipIf(!has('jar') || !has('python3'))(
    'cut short or bit-flipped (a jar, a stored zip from a pipe): never throws; what is not named was read at its full length',
    async () => {
      const jar = tool('jar', ['cf', 'out.jar', ...Object.keys(files)], files, 'out.jar');
      const stored = tool('sh', ['-c', py('ZIP_STORED')], files);
      let named = 0;
      const short: string[] = [];
      for (const archive of [jar, stored]) {
        for (const copy of damaged(archive, 80, 7)) {
          const w = await walkZip(copy, { chunk: 1000 });
          if (w.limits.length) named++;
          // Nothing named: each member met has its full length (a flip inside deflated data may change bytes, never lengths: the descriptor holds them).
          else for (const [name, content] of w.members) if (name in files && content.length !== files[name]!.length) short.push(name);
        }
      }
      expect(short).toEqual([]);
      expect(named).toBeGreaterThan(80); // most damage is seen: a cut always, most flips
    },
    60_000,
  );

  it.skipIf(!has('jar') || !has('zip'))(
    'a byte flipped inside a deflated member that still inflates: named by its CRC-32 (jar: in the descriptor; zip: in the header)',
    async () => {
      const text = { 'conf/app.properties': 'spring.datasource.password=abcdefghijklmnopqrstuvwxyz0123456789\n'.repeat(3) };
      for (const archive of [
        tool('jar', ['cf', 'out.jar', 'conf/app.properties'], text, 'out.jar'),
        tool('zip', ['-q', 'out.zip', 'conf/app.properties'], text, 'out.zip'),
      ]) {
        const clean = await walkZip(archive);
        expect(clean.limits).toEqual([]);
        // Flip bits in the member's last literal bytes until it still inflates to as many bytes (a literal changed, not the code).
        const start = archive.indexOf('conf/app.properties') + 'conf/app.properties'.length;
        const named = [];
        for (let at = start + 4; at < start + 40; at++) {
          const copy = Buffer.from(archive);
          copy[at] = copy[at]! ^ 0x01;
          const w = await walkZip(copy);
          if (
            w.members.get('conf/app.properties')?.length === text['conf/app.properties'].length &&
            !w.members.get('conf/app.properties')!.equals(Buffer.from(text['conf/app.properties']))
          )
            named.push(w.limits.map((l) => l.what).join());
        }
        expect(named.length).toBeGreaterThan(0);
        for (const what of named) expect(what).toContain('CRC-32 does not match');
      }
    },
  );

  it('bytes that only start like a zip, found inside other bytes: no finding, and the walk says it is done', async () => {
    // A local header that passes the embedded check, then data that is no member (its size runs into random bytes).
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4); // version needed
    header.writeUInt16LE(8, 8); // deflate
    header.writeUInt16LE(0x21, 12); // 1980-01-01
    header.writeUInt32LE(65535, 18); // sizes that run past the bytes there are
    header.writeUInt32LE(65535, 22);
    header.writeUInt16LE(7, 26);
    const local = Buffer.concat([header, Buffer.from('app.txt')]);
    const w = await walkZip(Buffer.concat([local, rand.bytes(5000)]), { trial: true });
    expect(w.limits).toEqual([]);
    // The same bytes claimed as a zip (at the start of a file named so): named.
    const claimed = await walkZip(Buffer.concat([local, rand.bytes(5000)]));
    expect(claimed.limits.length).toBeGreaterThan(0);
  });
});

// The JDK's lib/server/classes.jsa (its class data archive) holds java.util.zip's constants side by side: `PK\3\4`
// then zeros and pointers. The old check took two of them for local headers (method 0, a name length in range) and
// the reader then named a "member" compressed with method 19280 ('PK') as not audited. These are their bytes.
const JSA = [
  '504b03040000000000000000000000000a00180100000000190144000000000070e45900080000000001cf00000000000a001c01000000001d015d0000000000',
  '504b030400000000000000000000000038f659000800000038f659000800000012005f00000000006000610000000000d87e570008000000c0e9450008000000',
].map((hex) => Buffer.from(hex, 'hex'));

const NET_HTTP = '/usr/lib/jvm/java-17-openjdk-amd64/jmods/java.net.http.jmod';

describe(`a local header found inside other bytes (seed ${rand.seed})`, () => {
  it("classes.jsa's java.util.zip constants are no zip: not taken, and an image holding them gives no finding", async () => {
    for (const bytes of JSA) expect(isZipLocal(bytes, 0)).toBe(false);
    const jsa = Buffer.concat([rand.bytes(20_000), JSA[0]!, rand.bytes(3000), JSA[1]!, rand.bytes(20_000)]);
    expect(await auditFiles({ 'usr/lib/jvm/lib/server/classes.jsa': jsa })).toEqual([]);
  });

  it.skipIf(!has('jmod') || !has('javac'))(
    'a jmod larger than a chunk (its zip found after 4 bytes, ending in a later chunk): no finding, its value found once',
    async () => {
      const made = (value: string) =>
        tool(
          'sh',
          [
            '-c',
            'mkdir -p classes && echo "module app.config {}" > module-info.java && javac -d classes module-info.java && cp -r com classes/ && jmod create --class-path classes --config conf out.jmod',
          ],
          {
            ...Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`com/ex/C${i}.class`, rand.bytes(4000)])),
            'conf/app.conf': `password=${value}\n`,
          },
          'out.jmod',
        );
      const jmod = made(SECRET);
      expect(jmod.length).toBeGreaterThan(400_000);
      expect(await auditFiles({ 'opt/jdk/jmods/app.jmod': jmod })).toEqual([
        { severity: 'leak', what: 'token', path: 'opt/jdk/jmods/app.jmod@4!/conf/app.conf' },
      ]);
      expect(await auditFiles({ 'opt/jdk/jmods/app.jmod': made('clean-value-nothing') })).toEqual([]);
    },
    60_000,
  );

  it.skipIf(!existsSync(NET_HTTP))(
    "the JDK's java.net.http.jmod (its zip ends in a chunk holding other members' headers): no finding",
    async () => {
      // Once the walk said it finished at the end record, the headers after it in that chunk were opened as zips of their own.
      expect(await auditFiles({ 'opt/jdk/jmods/java.net.http.jmod': readFileSync(NET_HTTP) })).toEqual([]);
    },
    60_000,
  );

  it.skipIf(!has('jar'))('what real writers put first is taken: a jar, a zip, a zip from a pipe, after a launch script', async () => {
    const made = [
      tool('jar', ['cf', 'out.jar', 'conf/app.properties'], files, 'out.jar'),
      tool('zip', ['-q', 'out.zip', 'conf/app.properties', 'docs/README.md'], files, 'out.zip'),
      tool('sh', ['-c', 'zip -q - conf/app.properties | cat'], files),
    ];
    for (const archive of made) expect(isZipLocal(archive, 0)).toBe(true);
    const script = Buffer.from('#!/bin/sh\nexec java -jar "$0" "$@"\n');
    const found = await auditFiles({ 'opt/app/app.jar': Buffer.concat([script, made[0]!]) });
    expect(found).toEqual([{ severity: 'leak', what: 'token', path: `opt/app/app.jar@${script.length}!/conf/app.properties` }]);
  });
});
