import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { TarWalker, type TarEntry } from './tar.js';

async function tarOf(
  entries: Array<{ name: string; body?: string; type?: 'file' | 'symlink'; linkname?: string; pax?: Record<string, string> }>,
): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) pack.entry({ name: e.name, type: e.type ?? 'file', linkname: e.linkname, pax: e.pax }, e.body ?? '');
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** Which entry each occurrence of `needle` was attributed to. */
function attribute(archive: Buffer, needle: string, chunkSize: number): string[] {
  const found: string[] = [];
  let carried = '';
  let carriedEntry: TarEntry | undefined;
  const walker = new TarWalker((bytes, entry) => {
    // Segments of one entry arrive in order; look for the needle within each entry's bytes.
    if (entry !== carriedEntry) [carried, carriedEntry] = ['', entry];
    carried += Buffer.from(bytes).toString('latin1');
    if (carried.includes(needle)) {
      found.push(entry ? entry.path : '(end)');
      carried = '';
    }
  });
  for (let i = 0; i < archive.length; i += chunkSize) walker.write(archive.subarray(i, i + chunkSize));
  return found;
}

describe('TarWalker', () => {
  it.each([1, 7, 512, 4096])('attributes content, names and link targets to their entries (chunks of %i bytes)', async (chunkSize) => {
    const long = `deep/${'d'.repeat(120)}/needle-name.txt`;
    const archive = await tarOf([
      { name: 'etc/clean.conf', body: 'nothing here' },
      { name: 'app/.env', body: 'TOKEN=needle' },
      { name: long, body: 'x' },
      { name: 'link', type: 'symlink', linkname: '/tmp/needle-target' },
      { name: 'xattr-file', body: 'y', pax: { 'SCHILY.xattr.user.note': 'needle-in-xattr' } },
    ]);
    // The long path fits a ustar prefix + name, so it is found in that entry's own header.
    expect(attribute(archive, 'needle', chunkSize)).toEqual(['app/.env', long, 'link', expect.stringMatching(/PAX record/)]);
  });

  it('names an entry after its PAX or long-name record', async () => {
    const long = `a/${'b'.repeat(300)}/file`; // too long for ustar: a PAX path record
    const archive = await tarOf([{ name: long, body: 'needle' }]);
    expect(attribute(archive, 'needle', 512)).toEqual([long]);
  });
});

/** One ustar header block, its checksum computed (or spoiled). */
function header(name: string, size: string, type: string, o: { badChecksum?: boolean } = {}): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0);
  h.write('0000644\0', 100);
  h.write(size, 124);
  h.write(type, 156);
  h.write('ustar\u000000', 257);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${(o.badChecksum ? sum + 1 : sum).toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}
const padded = (b: Buffer) => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);

describe('TarWalker, fail-closed', () => {
  it('walks an entry whose size lives only in a PAX record', () => {
    const records = '10 size=5\n'; // the length counts itself, the space, the record and the newline
    const tarBytes = Buffer.concat([
      header('PaxHeader/big', records.length.toString(8).padStart(11, '0'), 'x'),
      padded(Buffer.from(records)),
      header('big.bin', '00000000000', '0'), // the header's own size says 0
      padded(Buffer.from('SECRT')),
      header('after.txt', '00000000003', '0'),
      padded(Buffer.from('end')),
      Buffer.alloc(1024),
    ]);
    const seen: Array<[string, string]> = [];
    const broken: string[] = [];
    const w = new TarWalker(
      (bytes, e) => {
        if (e && e.type === '0') seen.push([e.path, Buffer.from(bytes).toString('latin1').replace(/\0/g, '')]);
      },
      (r) => broken.push(r),
    );
    w.write(tarBytes);
    expect(broken).toEqual([]);
    const data = (path: string) =>
      seen
        .filter(([p]) => p === path)
        .map(([, t]) => t)
        .join('');
    expect(data('big.bin')).toContain('SECRT');
    expect(data('after.txt')).toContain('end');
  });

  it.each([
    ['a bad checksum', header('x.txt', '00000000003', '0', { badChecksum: true }), /checksum does not hold/],
    ['a size that is not octal', header('x.txt', '0000000009z', '0'), /size is not a number/],
  ])('reports %s and hands the rest on unwalked', (_name, h, reason) => {
    const broken: string[] = [];
    const rest: string[] = [];
    const w = new TarWalker(
      (bytes, e) => {
        if (!e) rest.push(Buffer.from(bytes).toString('latin1'));
      },
      (r) => broken.push(r),
    );
    w.write(Buffer.concat([h, padded(Buffer.from('tok-after-the-break'))]));
    expect(broken).toEqual([expect.stringMatching(reason)]);
    expect(rest.join('')).toContain('tok-after-the-break'); // still scanned as bytes
  });
});
