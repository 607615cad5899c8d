/**
 * A layer blob's compressed bytes fed to its decompressor from two buffers used in turn (`feedBlob`): every byte of the
 * file reaches the decompressor, in order, in no more than two buffers however large the file, and a buffer is never
 * read into while the decompressor may still read it — its writes are taken later than they are made, as zlib takes
 * them on the threadpool.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { seededPerTest } from '../../test/support/random.js';
import { BLOB_READ, feedBlob } from './blob-feed.js';

const rand = seededPerTest(28);
const dir = mkdtempSync(join(tmpdir(), 'hoist-blob-feed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A sink that takes each write a few turns of the event loop after it is made (as zlib does), copying it only then. */
function lateSink(): { sink: Writable; taken: Buffer[]; buffers: Set<ArrayBufferLike> } {
  const taken: Buffer[] = [];
  const buffers = new Set<ArrayBufferLike>();
  const sink = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _encoding, done) {
      buffers.add(chunk.buffer);
      setTimeout(() => {
        taken.push(Buffer.from(chunk));
        done();
      }, 1);
    },
  });
  return { sink, taken, buffers };
}

describe(`feedBlob (seed ${rand.seed})`, () => {
  it('hands a file of many reads on whole and in order, from two buffers, each taken before it is read into again', async () => {
    const bytes = rand.bytes(9 * BLOB_READ + 12_345);
    const path = join(dir, 'blob');
    writeFileSync(path, bytes);
    const { sink, taken, buffers } = lateSink();
    const finished = new Promise((resolve) => sink.on('finish', resolve));
    await feedBlob(path, sink);
    await finished;
    expect(Buffer.concat(taken).equals(bytes)).toBe(true);
    expect(buffers.size).toBeLessThanOrEqual(2);
  });

  it('a layer gzip made by gzip(1) inflates to its tar through Node’s gunzip, as the audit reads it', async () => {
    // The nearest real variant: a layer blob as gzip writes it, several reads long, inflated by the decompressor the audit uses.
    const content = Buffer.concat([rand.bytes(3 * BLOB_READ), Buffer.from('layer text '.repeat(100_000))]);
    const path = join(dir, 'layer.gz');
    writeFileSync(path, execFileSync('gzip', ['-6', '-c'], { input: content, maxBuffer: 64 << 20 }));
    const gunzip = createGunzip();
    const out: Buffer[] = [];
    gunzip.on('data', (b: Buffer) => out.push(b));
    const ended = new Promise((resolve) => gunzip.on('end', resolve));
    await feedBlob(path, gunzip);
    await ended;
    expect(Buffer.concat(out).equals(content)).toBe(true);
  });

  it('a file that cannot be read destroys the sink with its error; a sink destroyed early ends the feed', async () => {
    const missing = lateSink().sink;
    missing.on('error', () => undefined); // the scan's read of the decompressor is where it is thrown
    await feedBlob(join(dir, 'none'), missing);
    expect((missing.errored as NodeJS.ErrnoException | null)?.code).toBe('ENOENT');

    const path = join(dir, 'long');
    writeFileSync(path, rand.bytes(8 * BLOB_READ));
    const stopped = new Writable({ write: (_chunk, _encoding, done) => setTimeout(done, 1) });
    setTimeout(() => stopped.destroy(), 5);
    await feedBlob(path, stopped); // resolves: a write whose callback never comes does not hold it
    expect(stopped.destroyed).toBe(true);
  });
});
