import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { ClampTimes, clampPaxRecords } from './tar-times.js';

const EPOCH = 1_700_000_000; // 2023-11-14

async function pack(entries: Array<{ header: Partial<tar.Header> & { name: string }; body?: string }>): Promise<Buffer> {
  const p = tar.pack();
  for (const e of entries) p.entry(e.header as tar.Header, e.body ?? '');
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p as unknown as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

async function clamp(bytes: Buffer, chunk: number): Promise<{ out: Buffer; clamped: number }> {
  const t = new ClampTimes(EPOCH);
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) pieces.push(bytes.subarray(i, i + chunk));
  const chunks: Buffer[] = [];
  for await (const c of Readable.from(pieces).pipe(t) as AsyncIterable<Buffer>) chunks.push(c);
  return { out: Buffer.concat(chunks), clamped: t.clamped };
}

async function entries(bytes: Buffer): Promise<Array<{ name: string; mtime: number; body: string; pax?: Record<string, string> }>> {
  const x = tar.extract();
  const found: Array<{ name: string; mtime: number; body: string; pax?: Record<string, string> }> = [];
  x.on('entry', (h, s, next) => {
    const chunks: Buffer[] = [];
    s.on('data', (c) => chunks.push(c as Buffer));
    s.on('end', () => {
      found.push({
        name: h.name,
        mtime: h.mtime!.getTime() / 1000,
        body: Buffer.concat(chunks).toString(),
        ...(h.pax ? { pax: h.pax as Record<string, string> } : {}),
      });
      next();
    });
  });
  const done = new Promise<void>((resolve, reject) => x.on('finish', () => resolve()).on('error', reject));
  x.end(bytes);
  await done;
  return found;
}

describe('ClampTimes', () => {
  const later = new Date((EPOCH + 86_400) * 1000);
  const earlier = new Date((EPOCH - 86_400) * 1000);
  const longName = `app/${'deep/'.repeat(30)}config.json`; // over 100 bytes: a PAX path record

  it('clamps later times to the epoch, keeps earlier ones and every other byte, in any chunking', async () => {
    const input = await pack([
      { header: { name: 'etc/', type: 'directory', mtime: later } },
      { header: { name: 'etc/new.conf', mtime: later, mode: 0o600, uid: 1000, gid: 1000 }, body: 'fresh' },
      { header: { name: 'bin/old', mtime: earlier, mode: 0o755 }, body: 'from the base' },
      { header: { name: longName, mtime: later }, body: '{"long":true}' },
      { header: { name: 'link', type: 'symlink', linkname: 'bin/old', mtime: later } },
    ]);
    for (const chunk of [1, 7, 512, 100_000]) {
      const { out, clamped } = await clamp(input, chunk);
      expect(out.length).toBe(input.length);
      expect(clamped).toBe(4);
      const got = await entries(out);
      expect(got.map((e) => [e.name, e.mtime, e.body])).toEqual([
        ['etc/', EPOCH, ''],
        ['etc/new.conf', EPOCH, 'fresh'],
        ['bin/old', EPOCH - 86_400, 'from the base'],
        [longName, EPOCH, '{"long":true}'],
        ['link', EPOCH, ''],
      ]);
      // Only mtime fields and checksums differ.
      let differing = 0;
      for (let i = 0; i < input.length; i++) if (input[i] !== out[i]) differing++;
      expect(differing).toBeGreaterThan(0);
      expect(differing).toBeLessThanOrEqual(4 * 20);
    }
  });

  it('rewrites PAX time records (sub-second ones too) and the PAX header size', async () => {
    const input = await pack([{ header: { name: 'f', mtime: later, pax: { mtime: `${EPOCH + 5}.123456789`, 'SCHILY.xattr.user.x': 'y' } }, body: 'data' }]);
    const { out } = await clamp(input, 64);
    const [e] = await entries(out);
    expect(e!.pax?.mtime).toBe(String(EPOCH));
    expect(e!.pax?.['SCHILY.xattr.user.x']).toBe('y');
    expect(e!.body).toBe('data');
  });

  it('keeps an archive with nothing later than the epoch byte for byte', async () => {
    const input = await pack([{ header: { name: 'a', mtime: earlier }, body: 'x' }]);
    const { out, clamped } = await clamp(input, 100);
    expect(clamped).toBe(0);
    expect(out.equals(input)).toBe(true);
  });

  it('refuses a damaged header rather than pass it', async () => {
    const input = await pack([{ header: { name: 'a', mtime: later }, body: 'x' }]);
    input[0] = 'b'.charCodeAt(0); // the checksum no longer matches
    await expect(clamp(input, 512)).rejects.toThrow(/bad checksum/);
  });

  it('re-encodes a PAX record whose length gains or loses a digit', () => {
    const value = `${EPOCH + 1}.5`;
    const body = ` mtime=${value}\n`;
    const record = `${body.length + 2}${body}`;
    const { records } = clampPaxRecords(Buffer.from(record), EPOCH);
    const text = records!.toString();
    expect(text).toBe(`${text.split(' ')[0]} mtime=${EPOCH}\n`);
    expect(Number(text.split(' ')[0])).toBe(Buffer.byteLength(text));
  });
});
