/**
 * A Kyoto Cabinet directory database's records (kcdirmgr, DirDB: `cache.kcd/`, one file a record, named by its key in
 * hex) made with compression (`-tc`): each file is the whole record — 0xcc, the key's and value's sizes (big-endian
 * base-128 varints), the key, the value, 0xcc — as raw deflate. The deflate-raw trial takes only what inflates to
 * text from its first byte, and a record opens with its magic and sizes; so these files are claimed here by their name
 * and their first bytes: a file named by an even number of hex digits whose head inflates to a record whose key is
 * that name (its first deflate block's header checked in JavaScript first: a zlib or gzip head, a git object, fails
 * there; registered after every decoder with a magic number, so those claim first). The record is inflated whole (held up to MAX_FILE) and written as `key<TAB>value` on a line to one
 * content (`cache.kcd/636f6e666967!`). A record that does not inflate or parse is named.
 */
import { basename } from 'node:path';
import { constants, inflateRawSync } from 'node:zlib';
import { Bad, kcVarint } from './kyoto-cabinet.js';
import { deflateHeaderHolds } from './native.js';
import { TRIAL_CHUNK, trial, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const MAX_FILE = 64 << 20;
const MAX_KEY = 1 << 12;
const NAME = /^(?:[0-9a-f]{2})+$/;

/** The record in `out` (inflated, whole or its start): [key, value start, value size]. */
function record(out: Uint8Array): [Uint8Array, number, number] {
  if (out[0] !== 0xcc) throw new Bad();
  const [ksiz, p] = kcVarint(out, 1);
  const [vsiz, q] = kcVarint(out, p);
  if (ksiz > MAX_KEY || q + ksiz > out.length) throw new Bad();
  return [out.subarray(q, q + ksiz), q + ksiz, vsiz];
}

export function isKyotoDirRecord(head: Uint8Array, path: string): boolean {
  const name = basename(path);
  if (name.length > 2 * MAX_KEY || !NAME.test(name) || !deflateHeaderHolds(head, 0)) return false;
  const out = trial(() => inflateRawSync(head, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: MAX_KEY + 32, chunkSize: TRIAL_CHUNK }));
  if (!(out instanceof Buffer)) return false;
  try {
    const [key] = record(out);
    return key.length * 2 === name.length && Buffer.from(key).toString('hex') === name;
  } catch {
    return false;
  }
}

export const kyotoDirRecord: Decoder = {
  name: 'Kyoto Cabinet directory database record',
  sniff: isKyotoDirRecord,
  open(env: DecodeEnv): Decoding {
    const held: Buffer[] = [];
    let size = 0;
    return {
      push(bytes) {
        size += bytes.length;
        if (size <= MAX_FILE) held.push(Buffer.from(bytes));
      },
      async end() {
        if (env.stopped) return;
        if (size > MAX_FILE) return env.limit(`a Kyoto Cabinet record over ${MAX_FILE >> 20} MiB: it is not decoded`);
        const out = trial(() => inflateRawSync(Buffer.concat(held), { maxOutputLength: MAX_FILE }));
        if (!(out instanceof Buffer)) return env.limit('a Kyoto Cabinet record that does not inflate');
        let line: Buffer;
        try {
          const [key, at, vsiz] = record(out);
          if (at + vsiz > out.length) throw new Bad();
          line = Buffer.concat([key, Buffer.from('\t'), out.subarray(at, at + vsiz), Buffer.from('\n')]);
        } catch (e) {
          if (!(e instanceof Bad)) throw e;
          return env.limit('a Kyoto Cabinet record that does not parse');
        }
        if (!env.allow(line.length)) return;
        const sink = env.open();
        await sink.write(line);
        await sink.end();
      },
    };
  },
};
