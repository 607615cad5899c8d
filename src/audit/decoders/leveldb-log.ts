/**
 * LevelDB's write-ahead log (`000003.log`: Chrome's and Electron's Local Storage and IndexedDB, any
 * LevelDB before its memtable is compacted into tables): 32 KiB blocks, each record behind a 7-byte
 * header (masked CRC-32C, length, type), a record larger than a block's rest cut into FIRST, MIDDLE
 * and LAST fragments — so a value across a block's end is split by a header. No magic number says so:
 * a file named as LevelDB names its logs (six digits, `.log`) whose first header holds and starts a
 * write batch (a sequence number, a count, a put or delete) is claimed. The log's bytes are read on as
 * plain content (its first header as zeros); at its end each record whose fragments join and whose CRCs hold is written whole
 * (`000003.log!`), a line each.
 */
import { heldPlain } from './held-image.js';
import { valuesOnward, type HeldValue } from './value-streams.js';
import type { Decoder, DecodeEnv, Decoding } from './types.js';

const BLOCK = 32768;
const HEADER = 7;
const MAX_LOG = 64 << 20;
const NAME = /(^|\/)\d{6}\.log$/;

const CRC32C = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32c(parts: Uint8Array[]): number {
  let c = 0xffffffff;
  for (const p of parts) for (const b of p) c = CRC32C[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** LevelDB's masked CRC: rotated right by 15 bits, plus a constant. */
const masked = (crc: number) => ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;

/** A first header of a FULL or FIRST record that starts a write batch: a sequence number of a few bytes, a count, a put or delete. */
export function sniffLevelDbLog(h: Uint8Array, path: string): boolean {
  if (h.length < HEADER + 13) return false;
  const length = h[4]! | (h[5]! << 8);
  const type = h[6]!;
  if ((type !== 1 && type !== 2) || length < 13 || length > BLOCK - HEADER || !NAME.test(path)) return false;
  // The sequence number (8 bytes, little-endian) below 2^40, the count above 0 and below 2^24, a put (1) or a delete (0).
  return (
    h[HEADER + 5] === 0 &&
    h[HEADER + 6] === 0 &&
    h[HEADER + 7] === 0 &&
    h[HEADER + 11] === 0 &&
    (h[HEADER + 8]! | h[HEADER + 9]! | h[HEADER + 10]!) !== 0 &&
    h[HEADER + 12]! <= 1
  );
}

/** Each record of the log whose fragments join and whose CRCs hold. */
export function* logRecords(b: Buffer, broken: (why: string) => void = () => undefined): Generator<Buffer> {
  let parts: Buffer[] = [];
  for (let at = 0; at + HEADER <= b.length;) {
    const left = BLOCK - (at % BLOCK);
    if (left < HEADER) {
      at += left; // a block's trailer
      continue;
    }
    const length = b.readUInt16LE(at + 4);
    const type = b[at + 6]!;
    const data = b.subarray(at + HEADER, at + HEADER + length);
    if (type === 0 && length === 0) {
      at += left; // preallocated zeros: the next block
      continue;
    }
    if (type < 1 || type > 4 || HEADER + length > left || data.length < length || masked(crc32c([b.subarray(at + 6, at + 7), data])) !== b.readUInt32LE(at)) {
      broken(data.length < length ? 'a record cut by the log’s end' : 'a record whose header or CRC does not hold');
      parts = [];
      at += left; // a damaged record: read on from the next block
      continue;
    }
    at += HEADER + length;
    if (type === 1) yield data;
    else if (type === 2) {
      if (parts.length) broken('a record’s first fragment with no last one');
      parts = [data];
    } else if (parts.length) {
      parts.push(data);
      if (type === 4) {
        yield Buffer.concat(parts);
        parts = [];
      }
    } else broken('a record’s middle or last fragment with no first one');
  }
  if (parts.length) broken('a record whose fragments end with the log (cut short)');
}

/** A varint32 at `at`: its value and the offset after it, or undefined past the end. */
function varint(b: Buffer, at: number): [number, number] | undefined {
  let v = 0;
  for (let i = 0; i < 5 && at + i < b.length; i++) {
    v += (b[at + i]! & 0x7f) * 2 ** (7 * i);
    if (b[at + i]! < 0x80) return [v, at + i + 1];
  }
  return undefined;
}

/** The keys and values a write batch puts (its 12-byte head, then a tag, a key and, for a put, a value each), as far as they parse. */
export function* batchValues(record: Buffer): Generator<HeldValue> {
  let at = 12;
  while (at < record.length) {
    const tag = record[at++];
    if (tag !== 0 && tag !== 1) return;
    for (let field = 0; field <= tag; field++) {
      const len = varint(record, at);
      if (!len || len[1] + len[0] > record.length) return;
      yield { bytes: record.subarray(len[1], len[1] + len[0]) };
      at = len[1] + len[0];
    }
  }
}

export const levelDbLog: Decoder = {
  name: 'LevelDB log',
  sniff: sniffLevelDbLog,
  open(env: DecodeEnv): Decoding {
    const plain = heldPlain(env, HEADER, MAX_LOG); // its first header as zeros: the plain read is not claimed again
    return {
      push: (bytes) => plain.push(bytes),
      async end() {
        const b = await plain.end();
        if (env.stopped) return;
        if (!b) return env.limit(`a LevelDB log over ${MAX_LOG >> 20} MiB: records across its blocks are not joined`);
        const sink = env.open();
        let broken = 0;
        let why = '';
        for (const r of logRecords(b, (w) => void (broken++ || (why = w)))) {
          if (!env.allow(r.length + 1)) break;
          await sink.write(Buffer.concat([r, Buffer.from('\n')]));
        }
        await sink.end();
        // Each key and value put handed on to the magicless-stream trial (an app's value it compressed with brotli or raw deflate).
        if (!env.stopped)
          await valuesOnward(
            env,
            (function* () {
              for (const r of logRecords(b, () => undefined)) yield* batchValues(r);
            })(),
          );
        // A log's tail torn by a crash is damage too: what it held is not all joined.
        if (broken && !env.stopped) env.limit(`a LevelDB log with ${broken} record${broken > 1 ? 's' : ''} not read (the first: ${why}): not fully audited`);
      },
    };
  },
};
