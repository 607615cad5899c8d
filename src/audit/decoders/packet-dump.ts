/**
 * tcpdump's hex dumps of packets (`tcpdump -X`, `-XX`, `-x`, `-xx`): each packet's bytes as lines of
 * `\t0x0070:  2041 6239 782b …  .Ab9x+Q..` — an offset, 16 bytes as 2-byte hex groups, the ASCII
 * with `.` for what is not printable — between the packets' summary lines, in a network debugging
 * log. No dump layout hexdump.ts reads (its offsets have no `0x`, its files start with a dump line).
 * A place is a dump line whose next line is the same packet's next 16 bytes; the text around it is
 * rewritten as the bytes its dump lines hold, in order (packet after packet), and routed
 * (`(packet dump at N)`, `text-rewrite.ts`), so a header or body the packets carried is read whole.
 */
import { textAround, type Notation } from './text-rewrite.js';

const hexValue = (c: number | undefined) => (c === undefined ? -1 : c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1);

/** The hex number of `n` digits at `at`, or -1. */
function hexAt(b: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) {
    const d = hexValue(b[at + i]);
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

const ends = (c: number | undefined) => c === undefined || c === 0x20 || c === 0x0a || c === 0x0d;

/** The dump line at `at` (its tab): its offset, its bytes and where its line ends; undefined when it is none. */
export function dumpLine(b: Uint8Array, at: number): { offset: number; bytes: number[]; end: number } | undefined {
  if (b[at] !== 9 || b[at + 1] !== 0x30 || b[at + 2] !== 0x78 || b[at + 7] !== 0x3a || b[at + 8] !== 0x20) return undefined;
  const offset = hexAt(b, at + 3, 4);
  if (offset < 0) return undefined;
  const bytes: number[] = [];
  let j = at + 9;
  while (bytes.length < 16 && b[j] === 0x20) {
    const pair = hexAt(b, j + 1, 4);
    if (pair >= 0 && ends(b[j + 5])) {
      bytes.push(pair >> 8, pair & 0xff);
      j += 5;
    } else if (hexAt(b, j + 1, 2) >= 0 && ends(b[j + 3])) {
      bytes.push(hexAt(b, j + 1, 2));
      j += 3;
    } else break;
  }
  if (!bytes.length) return undefined;
  const nl = b.indexOf(0x0a, j);
  return { offset, bytes, end: nl < 0 ? b.length : nl + 1 };
}

export const PACKET_DUMP: Notation = {
  label: 'packet dump',
  // A line of 67–78 characters holds 16 bytes: 4 KiB of text either side is 830–980 bytes of the packets.
  context: 4096,
  needles: [Buffer.from('\t0x')],
  at(b, at) {
    const line = dumpLine(b, at);
    if (!line || line.bytes.length !== 16 || !textAround(b, at, true)) return false;
    const next = dumpLine(b, line.end);
    return next !== undefined && next.offset === line.offset + 16;
  },
  rewrite(w) {
    const out: number[] = [];
    for (let i = w.indexOf(0x09); i >= 0 && i < w.length;) {
      const line = dumpLine(w, i);
      if (line) out.push(...line.bytes);
      i = w.indexOf(0x09, line ? line.end : i + 1);
    }
    return out.length ? Buffer.from(out) : undefined;
  },
};
