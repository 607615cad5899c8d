// The streaming digest check, on its own: the property is that a consumer never receives the last
// byte of a blob whose bytes do not match its digest, whatever the order of range reads an upload
// makes (contiguous chunks, a restart from 0, a resume at the registry's offset).
// Nearest real-world variant: a source registry's storage returning a corrupted object.
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { BlobSource } from '../oci/graph.js';
import { SourceDigestError, verifyingOpen } from './verify.js';

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A source serving `bytes` in 1000-byte chunks; `origin` names where each blob comes from. */
function source(bytes: Buffer): BlobSource {
  return {
    name: 'joined a, b',
    origin: () => 'registry.b/app',
    open: async (_d, start, end) =>
      Readable.from(Array.from({ length: Math.ceil((end - start) / 1000) }, (_, i) => bytes.subarray(start + i * 1000, Math.min(end, start + (i + 1) * 1000)))),
  };
}

async function drain(it: AsyncIterable<Buffer>, got: Buffer[]): Promise<unknown> {
  try {
    for await (const c of it) got.push(Buffer.from(c));
    return undefined;
  } catch (e) {
    return e;
  }
}

describe('verifyingOpen', () => {
  const blob = randomBytes(10_500);
  const ref = { digest: sha256(blob), size: blob.length };

  it('passes a matching blob read in ranges, restarted and resumed', async () => {
    const open = verifyingOpen(source(blob), ref);
    const got: Buffer[] = [];
    expect(await drain(await open(0, 4000), got)).toBeUndefined();
    expect(await drain(await open(0, 3000), [])).toBeUndefined(); // a restart
    expect(await drain(await open(3000, 6000), [])).toBeUndefined();
    expect(await drain(await open(2500, blob.length), got)).toBeUndefined(); // a resume before the hashed offset
  });

  it('withholds the last chunk of a corrupted blob and names where it came from', async () => {
    const bad = Buffer.from(blob);
    bad[9000] = bad[9000]! ^ 1;
    const open = verifyingOpen(source(bad), ref);
    const got: Buffer[] = [];
    const e = await drain(await open(0, blob.length), got);
    expect(e).toBeInstanceOf(SourceDigestError);
    expect((e as Error).message).toMatch(new RegExp(`^registry\\.b/app: blob ${ref.digest} streamed from the source has digest sha256:\\w+`));
    expect(Buffer.concat(got).length).toBeLessThan(blob.length);
  });

  it('refuses a source that serves more bytes than the blob has', async () => {
    const open = verifyingOpen(source(Buffer.concat([blob, Buffer.from('x')])), ref);
    expect(await drain(await open(0, blob.length + 1), [])).toBeInstanceOf(SourceDigestError);
  });
});
