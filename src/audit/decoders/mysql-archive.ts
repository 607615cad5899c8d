/**
 * A MySQL/MariaDB ARCHIVE table's data file (`table.ARZ`: an audit or event log kept in the ARCHIVE engine, a
 * database directory baked into an image). Its `azio` layout: a header (magic 0xFE, version 3, the table's .frm
 * copied in at AZ_FRM_POS, its length at AZ_FRM_LENGTH_POS, where the rows start at AZ_START_POS), then the rows as
 * raw deflate members, each followed by a gzip-like trailer (CRC-32, length; little-endian) — a member is closed
 * and another begun each time the table is reopened for writing, so a table written twice holds two. No header
 * says deflate, and the rows are binary with the text columns inside, so nothing else reads it.
 * Read here: the file gathered up to MAX_IN bytes (a larger one is named), then each member inflated (at most
 * MAX_OUT bytes each) and checked against its trailer's length, written to `path!(rows)`; the file's own bytes are
 * read on as plain content under its path, less the header, so that it is not claimed again.
 */
import { constants, inflateRawSync } from 'node:zlib';
import { gathered } from './gathered.js';
import { trial, TOO_LARGE, type Decoder, type DecodeEnv } from './types.js';

const MAX_IN = 64 << 20;
const MAX_OUT = 64 << 20;
const SLICE = 1 << 20;
const HEADER = 29;

const u32 = (b: Uint8Array, at: number) => (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

/** Where the rows start, from an ARZ header: version 3, the .frm after the header and its magic (FE 01) where the head shows it. */
export function arzStart(h: Uint8Array): number | undefined {
  if (h.length < 64 || h[0] !== 0xfe || h[1] !== 3 || h[2]! > 8 || h[4]! > 4) return undefined;
  const [frm, frmLen, meta, metaLen] = [u32(h, 5), u32(h, 9), u32(h, 13), u32(h, 17)];
  const start = u32(h, 21);
  if (u32(h, 25) !== 0 || frm < HEADER || frm > 4096 || frmLen > 1 << 20 || metaLen > 1 << 20) return undefined;
  if (meta && (meta < HEADER || meta > frm)) return undefined;
  if (start !== frm + frmLen) return undefined;
  return frm + 2 <= h.length && (h[frm] !== 0xfe || h[frm + 1] !== 0x01) ? undefined : start;
}

export const mysqlArchive: Decoder = {
  name: 'MySQL ARCHIVE table',
  sniff: (h) => arzStart(h) !== undefined,
  open(env: DecodeEnv) {
    return gathered(env, {
      skip: 64,
      max: MAX_IN,
      over: (e, max) => e.limit(`an ARCHIVE table over ${max} bytes, whose rows the audit does not gather`),
      async read(file) {
        const rows = env.openAt(`${env.path.endsWith('!') ? env.path : `${env.path}!`}(rows)`);
        for (let at = arzStart(file) ?? file.length; at < file.length && !env.stopped;) {
          const r = trial(() => inflateRawSync(file.subarray(at), { info: true, maxOutputLength: MAX_OUT, finishFlush: constants.Z_SYNC_FLUSH })) as
            { buffer: Buffer; engine: { bytesWritten: number } } | typeof TOO_LARGE | undefined;
          if (r === TOO_LARGE) {
            env.limit(`an ARCHIVE table member over ${MAX_OUT} bytes inflated, which the audit does not read`);
            break;
          }
          if (!r) {
            env.limit('an ARCHIVE table whose rows do not inflate (damaged)');
            break;
          }
          const used = r.engine.bytesWritten;
          const out = r.buffer;
          const end = at + used;
          if (used === 0 || end + 8 > file.length || u32(file, end + 4) !== out.length >>> 0) {
            if (out.length && env.allow(out.length)) await rows.write(out);
            env.limit('an ARCHIVE table whose rows are cut short or damaged');
            break;
          }
          for (let i = 0; i < out.length; i += SLICE) {
            const slice = out.subarray(i, i + SLICE);
            if (!env.allow(slice.length)) break;
            await rows.write(slice);
          }
          at = end + 8;
        }
        await rows.end();
      },
    });
  },
};
