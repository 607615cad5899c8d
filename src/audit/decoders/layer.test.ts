// Property: a gzip'd layer's inflation runs at most AHEAD bytes (in CHUNK-sized chunks) ahead of a scan that does not
// read: what it holds for the scan is bounded, whatever the layer's size (issues 28 and 36: every chunk held is peak
// RSS, 8 MiB of it before), and the layer still inflates whole, byte for byte, once read.
// Nearest real-world variant: a layer blob as builders write it — a tar of log files through `gzip -6` (the real tool
// when it is installed, zlib's level 6 otherwise), 24 MiB inflated from ~1 MiB: a scan far slower than inflation.
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AHEAD, CHUNK, layerDecompressor } from './layer.js';

const MiB = 2 ** 20;

/** `n` bytes of service log lines (compresses ~20×), the same every run. */
function logLines(n: number): Buffer {
  const lines: string[] = [];
  for (let i = 0, size = 0; size < n; i++) {
    const line = `2026-12-05T17:${String(i % 60).padStart(2, '0')}:03Z INFO [req ${(i * 7919) % 100_000}] GET /api/v1/items/${i % 9973} 200 ${i % 487}ms\n`;
    lines.push(line);
    size += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, n);
}

function gzip6(data: Buffer): Buffer {
  try {
    return execFileSync('gzip', ['-6', '-c'], { input: data, maxBuffer: 64 * MiB });
  } catch {
    return gzipSync(data, { level: 6 });
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('layer decompressor', () => {
  it('holds at most AHEAD inflated bytes for a scan that does not read, and inflates the layer whole', async () => {
    const plain = logLines(24 * MiB);
    const make = layerDecompressor('application/vnd.oci.image.layer.v1.tar+gzip');
    if (typeof make !== 'function') throw new Error('a gzip layer has a decompressor');
    const stream = make();
    stream.end(gzip6(plain));
    // Inflation runs on the threadpool until the readable side is full, then waits for the scan.
    let held = -1;
    for (let i = 0; i < 100 && stream.readableLength !== held; i++) {
      held = stream.readableLength;
      await settle();
    }
    expect(held).toBeGreaterThan(0);
    // Object mode: one entry a chunk, each at most CHUNK bytes.
    expect(held * CHUNK).toBeLessThanOrEqual(AHEAD);
    expect(held * CHUNK).toBeLessThanOrEqual(MiB);
    const chunks: Buffer[] = [];
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      expect(chunk.length).toBeLessThanOrEqual(CHUNK);
      chunks.push(chunk);
    }
    expect(Buffer.concat(chunks).equals(plain)).toBe(true);
  });
});
