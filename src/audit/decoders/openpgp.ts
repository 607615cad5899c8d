/**
 * OpenPGP's compressed data packet (RFC 4880 §5.6): what `gpg --sign` (not encrypted) and
 * `gpg --store -z` write, armoured or not — the content as raw deflate (algorithm 1, GnuPG's default:
 * no zlib header, so no magic to find it by), zlib (2) or bzip2 (3). The packet's header (old or new
 * format; new-format partial body lengths taken out as the body streams) is read here and its body
 * handed to that decoder: `app.conf.gpg!`, where the literal data packet inside holds the text.
 */
import { bzip2 } from './bzip2.js';
import { isZlibHeader, rawDeflate, zlibStream } from './native.js';
import { constants, inflateRawSync } from 'node:zlib';
import { TOO_LARGE, trial, type Decoder, type DecodeEnv, type Decoding } from './types.js';

/** The packet's header length and body length (undefined: to the end, or partial: `partial` set). */
type Header = { at: number; length: number | undefined; partial: boolean };

/** A compressed data packet's header at the start of `h`; undefined when `h` does not start with one. */
function header(h: Uint8Array): Header | undefined {
  const b = h[0]!;
  if ((b & 0xfc) === 0xa0) {
    const type = b & 3;
    if (type === 3) return { at: 1, length: undefined, partial: false };
    const n = [1, 2, 4][type]!;
    if (h.length < 1 + n) return undefined;
    let length = 0;
    for (let k = 0; k < n; k++) length = length * 256 + h[1 + k]!;
    return { at: 1 + n, length, partial: false };
  }
  if (b !== 0xc8 || h.length < 2) return undefined;
  const l = h[1]!;
  if (l < 192) return { at: 2, length: l, partial: false };
  if (l < 224) return h.length < 3 ? undefined : { at: 3, length: ((l - 192) << 8) + h[2]! + 192, partial: false };
  if (l === 255) return h.length < 6 ? undefined : { at: 6, length: Buffer.from(h.subarray(2, 6)).readUInt32BE(), partial: false };
  return { at: 2, length: 1 << (l & 0x1f), partial: true };
}

/**
 * Whether a byte begins an OpenPGP packet a compressed data packet holds: a signature (2), a one-pass signature (4),
 * compressed data (8), a marker (10) or literal data (11), old or new format — `gpg --sign` starts its content with a
 * one-pass signature, `gpg --store -z` with literal data.
 */
function innerPacket(b: number): boolean {
  const tag = (b & 0xc0) === 0xc0 ? b & 0x3f : (b & 0xc0) === 0x80 ? (b >> 2) & 0x0f : -1;
  return tag === 2 || tag === 4 || tag === 8 || tag === 10 || tag === 11;
}

/**
 * The algorithm byte names one of deflate, zlib, bzip2, and what follows starts as that format does; raw deflate, which
 * has no magic, only where what it inflates to begins with a packet: of 20,000 random bodies after a packet's header
 * 310 were claimed, 23 now, and a few bytes of chance deflate cut short were named a damaged stream (a git delta's 14
 * instruction bytes, `c8 bf 01 …`, in a clean `.git`).
 */
function sniffPacket(h: Uint8Array): boolean {
  const p = header(h);
  if (!p || h.length < p.at + 4 || (p.length !== undefined && p.length < 3)) return false;
  const algo = h[p.at]!;
  const body = p.at + 1;
  // Raw deflate has no header: its first bytes are inflated (flushed, not finished), as random bytes fail within a few.
  if (algo === 1) {
    if (((h[body]! >> 1) & 3) === 3) return false;
    const out = trial(() => inflateRawSync(h.subarray(body), { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: 64 * 1024 }));
    return out === TOO_LARGE || (out instanceof Buffer && out.length > 0 && innerPacket(out[0]!));
  }
  if (algo === 2) return isZlibHeader(h, body);
  return algo === 3 && h[body] === 0x42 && h[body + 1] === 0x5a && h[body + 2] === 0x68;
}

export const openpgp: Decoder = {
  name: 'OpenPGP compressed data',
  sniff: sniffPacket,
  open(env: DecodeEnv): Decoding {
    let head = Buffer.alloc(0);
    let inner: Decoding | undefined;
    /** Body bytes left in the current piece (Infinity: to the end); a partial piece is followed by another length. */
    let left = 0;
    let partial = false;
    let lengthBytes: number[] = [];
    const pieceLength = (): number | undefined => {
      const [l, l2, ...rest] = lengthBytes;
      if (l === undefined) return undefined;
      if (l < 192) return ((partial = false), l);
      if (l < 224) return l2 === undefined ? undefined : ((partial = false), ((l - 192) << 8) + l2 + 192);
      if (l === 255) return rest.length < 3 ? undefined : ((partial = false), Buffer.from([l2!, ...rest]).readUInt32BE());
      return ((partial = true), 1 << (l & 0x1f));
    };
    const body = async (bytes: Uint8Array) => {
      for (let i = 0; i < bytes.length && !env.stopped;) {
        if (left === 0) {
          if (!partial) return; // the packet's end: what follows is other packets
          lengthBytes.push(bytes[i++]!);
          const n = pieceLength();
          if (n !== undefined) [left, lengthBytes] = [n, []];
          continue;
        }
        const take = Math.min(left, bytes.length - i);
        await inner!.push(bytes.subarray(i, i + take));
        left -= take;
        i += take;
      }
    };
    return {
      async push(bytes) {
        if (inner) return body(bytes);
        head = Buffer.concat([head, bytes]);
        const p = header(head);
        if (!p || head.length < p.at + 1) return;
        const algo = head[p.at]!;
        inner = algo === 1 ? rawDeflate(env) : algo === 2 ? zlibStream.open(env) : bzip2.open(env);
        [left, partial] = [p.length === undefined ? Infinity : p.length - 1, p.partial];
        return body(head.subarray(p.at + 1));
      },
      async end() {
        if (inner) await inner.end();
        else env.limit('a cut OpenPGP packet: not audited');
      },
    };
  },
};
