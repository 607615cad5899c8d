// The members a decoder read as one content are noted per file of a layer: the same path in another
// layer — a `.gz` a later layer rewrote, both layers audited at once as `docker save` streams — is
// another file, and a stream found there at the same offset is read, not passed over as read already.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../nested.js';
import { Joined, readAlready } from './concatenated.js';
import { auditFiles, SECRET } from './testing.js';
import type { DecodeEnv } from './types.js';

const env = (path: string, scope: object, trial: boolean): DecodeEnv => ({
  path,
  trial,
  scope,
  ratio: 200,
  stopped: false,
  open: () => {
    throw new Error('not opened here');
  },
  openAt: () => {
    throw new Error('not opened here');
  },
  allow: () => true,
  limit: () => undefined,
});

describe('members read as one content', () => {
  it('are passed over only in the file whose decoder read them', () => {
    const [layer1, layer2] = [{}, {}];
    const joined = new Joined(env('var/log/app.log.gz', layer1, false));
    joined.member(4096);
    // Another layer's file of the same path: a stream found at the same offset is its own, read.
    expect(readAlready(env('var/log/app.log.gz@4096', layer2, true))).toBe(false);
    // The file whose decoder joined it: passed over, once.
    expect(readAlready(env('var/log/app.log.gz@4096', layer1, true))).toBe(true);
    expect(readAlready(env('var/log/app.log.gz@4096', layer1, true))).toBe(false);
  });

  it('are forgotten when the content ends', () => {
    const scope = {};
    const joined = new Joined(env('srv/a.gz', scope, false));
    joined.member(100);
    joined.forget();
    expect(readAlready(env('srv/a.gz@100', scope, true))).toBe(false);
  });

  it('are never noted by a stream that was itself found inside other bytes (each of its members is found by the router)', () => {
    const scope = {};
    new Joined(env('srv/blob@10', scope, true)).member(200);
    expect(readAlready(env('srv/blob@10@200', scope, true))).toBe(false);
  });
});

describe('a file of many members', () => {
  it('counts as one stream against the bound on streams found inside it (bgzip: 64 KiB members)', async () => {
    const members = Array.from({ length: 40 }, (_, i) => gzipSync(`record ${i}: ok\n`.repeat(50)));
    const twin = Buffer.concat(members);
    const leaky = Buffer.concat([...members, gzipSync(`record 40: TOKEN=${SECRET}\n`)]);
    const limits = { ...DEFAULT_LIMITS, streams: 10 };
    expect(await auditFiles({ 'var/log/app.log.gz': twin }, limits)).toEqual([]);
    expect((await auditFiles({ 'var/log/app.log.gz': leaky }, limits)).map((f) => f.severity)).toEqual(['leak']);
  });
});
