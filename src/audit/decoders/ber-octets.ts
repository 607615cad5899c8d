/**
 * PKCS#7/CMS messages in BER (`openssl cms -sign -stream`, `openssl smime -sign -stream`, S/MIME
 * writers, AS2): the signed content is a constructed OCTET STRING, cut into primitive chunks (4096
 * bytes for OpenSSL) each behind its own tag and length, so a value across two chunks is split in
 * the file by four bytes. The message's bytes are read on as plain content (its first two as zeros,
 * so that it is not claimed again), the message held up to MAX_MESSAGE, and at its end each
 * constructed OCTET STRING of more than one chunk is written joined (`app.conf.p7m!`).
 */
import { heldPlain } from './held-image.js';
import { startsWith, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const MAX_MESSAGE = 64 << 20;
/** 1.2.840.113549.1.7: PKCS#7's content types (data, signedData, envelopedData …), an OID of 9 bytes. */
const PKCS7 = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07];

/** A SEQUENCE (indefinite, or of a definite length in up to four bytes) whose first element is a PKCS#7 content type. */
export function sniffPkcs7(h: Uint8Array): boolean {
  if (h[0] !== 0x30 || h.length < 2) return false;
  const n = h[1]! === 0x80 ? 0 : h[1]! > 0x80 && h[1]! <= 0x84 ? h[1]! - 0x80 : -1;
  return n >= 0 && startsWith(h, PKCS7, 2 + n);
}

/** A BER length at `at`: [length (-1: indefinite), where the content starts], or undefined. */
function length(b: Buffer, at: number): [number, number] | undefined {
  const first = b[at];
  if (first === undefined) return undefined;
  if (first < 0x80) return [first, at + 1];
  if (first === 0x80) return [-1, at + 1];
  const n = first - 0x80;
  if (n > 4 || at + 1 + n > b.length) return undefined;
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + b[at + 1 + i]!;
  return [v, at + 1 + n];
}

/** The chunks of the constructed OCTET STRING whose tag is at `at`, joined, when it has more than one. */
function joined(b: Buffer, at: number): Buffer | undefined {
  const outer = length(b, at + 1);
  if (!outer) return undefined;
  const [size, start] = outer;
  const end = size < 0 ? b.length : Math.min(b.length, start + size);
  const chunks: Buffer[] = [];
  for (let p = start; p < end;) {
    if (size < 0 && b[p] === 0 && b[p + 1] === 0) break; // end of contents
    if (b[p] !== 0x04) break;
    const l = length(b, p + 1);
    if (!l || l[0] < 0 || l[1] + l[0] > b.length) break;
    chunks.push(b.subarray(l[1], l[1] + l[0]));
    p = l[1] + l[0];
  }
  return chunks.length > 1 ? Buffer.concat(chunks) : undefined;
}

export const pkcs7Ber: Decoder = {
  name: 'PKCS#7 message',
  sniff: sniffPkcs7,
  open(env: DecodeEnv): Decoding {
    const plain = heldPlain(env, 2, MAX_MESSAGE);
    return {
      push: (bytes) => plain.push(bytes),
      async end() {
        const b = await plain.end();
        if (env.stopped) return;
        if (!b) return env.limit(`a PKCS#7 message over ${MAX_MESSAGE >> 20} MiB: its content's chunks are not joined`);
        const sink = env.open();
        for (let at = b.indexOf(0x24); at >= 0; at = b.indexOf(0x24, at + 1)) {
          const whole = joined(b, at);
          if (!whole) continue;
          if (!env.allow(whole.length)) break;
          await sink.write(whole);
        }
        await sink.end();
      },
    };
  },
};
