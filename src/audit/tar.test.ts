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
