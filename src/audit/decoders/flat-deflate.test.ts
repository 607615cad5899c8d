// Property: deflate cannot expand more than 1032 to 1 (RFC 1951: a 258-byte match in at most two
// bits), so a deflate stream — zlib, gzip, raw, a zip member — is not named a decompression bomb
// for expanding more than the audit's ratio for other formats within its first 64 MiB of output
// (bomb.ts: past them it is held to the audit's ratio); the decoded bytes and time per file bound it too. A flat image is the ordinary case: its PNG IDAT stream (zlib, found inside the
// file) expands ~1000 times. Nearest real-world variants: a PNG icon or screenshot with large flat
// areas in a web app's static files, the same PNG as a whole object in a git pack, a zip of it.
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from 'node:zlib';
import { DEFAULT_LIMITS } from '../nested.js';
import { auditFiles, SECRET, tool } from './testing.js';

/** A PNG of `width`×`height` RGB pixels of one colour, with a tEXt chunk holding `text`. */
function flatPng(width: number, height: number, text: string): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0xee)]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  const magic = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    magic,
    chunk('IHDR', ihdr),
    chunk('tEXt', Buffer.from(`Comment\0${text}`)),
    chunk('IDAT', deflateSync(pixels, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('deflate expands at most 1032 times: never a bomb by ratio', () => {
  it('a flat 1500×1500 PNG (IDAT ~1000:1) gives no finding; the same PNG with a secret in its text gives the leak alone', async () => {
    const clean = flatPng(1500, 1500, 'made by a screenshot tool');
    const idat = clean.indexOf('IDAT');
    const stored = clean.readUInt32BE(idat - 4);
    expect((1500 * 4501) / stored).toBeGreaterThan(500); // the stream really is that flat
    expect(await auditFiles({ 'srv/static/bg.png': clean })).toEqual([]);
    expect(await auditFiles({ 'srv/static/bg.png': flatPng(1500, 1500, `token ${SECRET}`) })).toEqual([
      { severity: 'leak', what: 'token', path: 'srv/static/bg.png' },
    ]);
  }, 60_000);

  it('flat data as a .gz file, a raw deflate stream inside other bytes and a zip member: no limit finding', async () => {
    const flat = Buffer.alloc(24 << 20, 0x20);
    const zip = tool('zip', ['-q', '-9', 'out.zip', 'blank.txt'], { 'blank.txt': flat }, 'out.zip');
    const found = await auditFiles({
      'var/log/blank.log.gz': gzipSync(flat, { level: 9 }),
      'opt/blob.bin': Buffer.concat([Buffer.from('HEADER\0\x01\x02'), deflateSync(flat, { level: 9 }), Buffer.from('\0trailer')]),
      'opt/blank.zip': zip,
      'opt/raw.bin': deflateRawSync(flat),
    });
    expect(found).toEqual([]);
  }, 120_000);
});

describe('a deflate bomb is named past its first 64 MiB (bomb.ts), before the decoded bytes of its file run out', () => {
  // Of spaces, not zeros: whole 4 KiB pieces of zeros are a sparse image's free blocks, not a bomb's measure (bomb.ts's ZEROS_FREE).
  it('gzip members of 64 MiB of spaces decoding to more than the file bound: named a bomb, the next file read', async () => {
    const member = gzipSync(Buffer.alloc(64 << 20, 0x20), { level: 9 });
    const bomb = Buffer.concat(Array.from({ length: 6 }, () => member)); // 384 MiB decoded from ~400 KiB
    const found = await auditFiles({ 'tmp/bomb.gz': bomb, 'z/after.txt': `TOKEN=${SECRET}\n` }, { ...DEFAULT_LIMITS, fileBytes: 256 << 20 });
    expect(found, JSON.stringify(found)).toHaveLength(2);
    expect(found).toContainEqual({ severity: 'leak', what: 'token', path: 'z/after.txt' });
    expect(found).toContainEqual({
      severity: 'limit',
      what: expect.stringMatching(/a decompression bomb/),
      path: expect.stringMatching(/^tmp\/bomb\.gz/),
    });
  }, 120_000);
});
