/**
 * Firmware images as hex records, read back into the bytes they carry: Intel HEX (`:LLAAAATT…CC`,
 * objcopy -O ihex, Arduino's and most microcontroller toolchains' .hex) and Motorola S-records
 * (`S1`/`S2`/`S3` data with 2-, 3- or 4-byte addresses, objcopy -O srec, .srec/.s19/.mot: NXP,
 * automotive flashers). Each line holds up to 255 bytes between an address and a checksum, so a
 * value longer than a record (16 or 32 bytes as the tools write them) is cut by the next line's
 * header: the data of consecutive records is written as one content, `config.hex (as Intel HEX)`,
 * and Tektronix extended hex (`%LLTCCNA…`, objcopy -O tekhex: a length, type 6 for data, a checksum of the
 * characters' hex values, the address's digit count and the address before the data; round 17, silent before),
 * a line break where the next record's address does not follow on. Told by its first two records,
 * each checksum right; a line that is not a record (a comment, damage) is passed over.
 */
import type { Decoder } from './types.js';

type Kind = 'Intel HEX' | 'S-records' | 'Tektronix hex';

/** The bytes of hex digits `s`, or undefined when it is not an even run of them. */
function hexBytes(s: string): Buffer | undefined {
  return s.length % 2 === 0 && /^[0-9A-Fa-f]+$/.test(s) ? Buffer.from(s, 'hex') : undefined;
}

interface Record {
  /** Where its data goes (absolute for Intel HEX once its extended address is added); undefined for a record that is not data. */
  address?: number;
  data: Buffer;
  /** An Intel HEX extended address record's new base. */
  base?: number;
}

/** One Intel HEX line: `:`, count, address, type, data, checksum (the bytes sum to 0 mod 256). */
function intelRecord(line: string): Record | undefined {
  if (line[0] !== ':') return undefined;
  const b = hexBytes(line.slice(1));
  if (!b || b.length < 5 || b.length !== b[0]! + 5 || b.reduce((s, x) => s + x, 0) % 256 !== 0) return undefined;
  const data = b.subarray(4, b.length - 1);
  const type = b[3]!;
  if (type === 0) return { address: b.readUInt16BE(1), data };
  if (type === 2 && data.length === 2) return { data: Buffer.alloc(0), base: data.readUInt16BE(0) * 16 };
  if (type === 4 && data.length === 2) return { data: Buffer.alloc(0), base: data.readUInt16BE(0) * 65536 };
  return type <= 5 ? { data: Buffer.alloc(0) } : undefined;
}

/** One S-record: `S`, type, count (of the bytes after it), address, data, checksum (ones' complement of their sum). */
function sRecord(line: string): Record | undefined {
  if (line[0] !== 'S' || !/[0-9]/.test(line[1] ?? '')) return undefined;
  const b = hexBytes(line.slice(2));
  if (!b || b.length < 3 || b.length !== b[0]! + 1 || (b.reduce((s, x) => s + x, 0) & 0xff) !== 0xff) return undefined;
  const type = Number(line[1]);
  const size = [2, 2, 3, 4, 0, 2, 3, 4, 3, 2][type]!;
  if (b.length < 2 + size) return undefined;
  const data = b.subarray(1 + size, b.length - 1);
  // S0's data is a header (a module name, text); S1-S3 carry the image.
  if (type === 0) return { data };
  if (type >= 1 && type <= 3) return { address: b.readUIntBE(1, size), data };
  return { data: Buffer.alloc(0) };
}

/**
 * One Tektronix extended hex record: `%`, its length (the characters after `%`), type (6 data, 3 symbols, 8 the end), a
 * checksum (the sum of every other character's hex value, mod 256), the address's digit count (0 for 16), the address,
 * then data. Symbol records hold names (not hex): taken as records, carrying nothing.
 */
function tekRecord(line: string): Record | undefined {
  const m = /^%([0-9A-F]{2})([368])([0-9A-F]{2})([0-9A-F])(.*)$/.exec(line);
  if (!m || parseInt(m[1]!, 16) !== line.length - 1) return undefined;
  if (m[2] !== '6') return m[2] === '8' || m[2] === '3' ? { data: Buffer.alloc(0) } : undefined;
  const digits = parseInt(m[4]!, 16) || 16;
  const rest = m[5]!;
  let sum = 0;
  for (const c of m[1]! + m[2]! + m[4]! + rest) sum += parseInt(c, 16);
  const data = hexBytes(rest.slice(digits));
  if (sum % 256 !== parseInt(m[3]!, 16) || rest.length < digits || !data) return undefined;
  return { address: parseInt(rest.slice(0, digits), 16), data };
}

const PARSE: Readonly<{ [k in Kind]: (line: string) => Record | undefined }> = {
  'Intel HEX': intelRecord,
  'S-records': sRecord,
  'Tektronix hex': tekRecord,
};

/** The kind of records `head` starts with: its first two lines (one when it ends there) are records of one kind. */
export function sniffHexRecords(head: Uint8Array): Kind | undefined {
  // Every kind's record begins with its mark (`:`, `S`, `%`): any other first byte is none, told before a string is made.
  if (head[0] !== 0x3a && head[0] !== 0x53 && head[0] !== 0x25) return undefined;
  const text = Buffer.from(head.subarray(0, 1100)).toString('latin1');
  const lines = text.split('\n');
  const whole = lines.length > 1 ? lines.slice(0, -1) : head.length < 512 ? lines : [];
  const first = whole.slice(0, 2).map((l) => l.replace(/\r$/, ''));
  if (!first.length || (first.length < 2 && head.length >= 512)) return undefined;
  for (const kind of Object.keys(PARSE) as Kind[]) if (first.every((l) => PARSE[kind](l))) return kind;
  return undefined;
}

/** The longest line a record can be (255 data bytes, a 4-byte address), with room for a CR: longer is not one. */
const MAX_LINE = 2 * (255 + 6) + 4;
/** Record data is written in pieces of up to this many bytes. */
const GATHER = 64 * 1024;

export const hexRecords: Decoder = {
  name: 'hex records',
  sniff: (h) => sniffHexRecords(h) !== undefined,
  open(env) {
    let kind: Kind | undefined;
    let sink: ReturnType<typeof env.openAt> | undefined;
    let queue: Promise<void> = Promise.resolve();
    let carry = '';
    let base = 0;
    let next: number | undefined;
    let parts: Buffer[] = [];
    let held = 0;
    const flush = () => {
      if (!held || !sink) return;
      const bytes = Buffer.concat(parts, held);
      const to = sink;
      parts = [];
      held = 0;
      queue = queue.then(() => to.write(bytes));
    };
    const out = (bytes: Buffer) => {
      if (!bytes.length || !env.allow(bytes.length)) return;
      parts.push(bytes);
      held += bytes.length;
      if (held >= GATHER) flush();
    };
    const line = (l: string) => {
      const k: Kind = l[0] === ':' ? 'Intel HEX' : l[0] === '%' ? 'Tektronix hex' : 'S-records';
      const r = PARSE[k](l.replace(/\r$/, ''));
      if (!r) return;
      kind ??= k;
      sink ??= env.openAt(`${env.path} (as ${kind})`);
      if (r.base !== undefined) base = r.base;
      if (r.address === undefined) return out(r.data);
      const at = base + r.address;
      if (next !== undefined && at !== next) out(Buffer.from('\n'));
      out(r.data);
      next = at + r.data.length;
    };
    return {
      push(bytes) {
        if (env.stopped) return;
        const lines = (carry + Buffer.from(bytes).toString('latin1')).split('\n');
        carry = lines.pop()!;
        if (carry.length > MAX_LINE) carry = '';
        for (const l of lines) line(l);
        flush();
        return queue;
      },
      async end() {
        if (carry) line(carry);
        flush();
        await queue;
        await sink?.end();
      },
    };
  },
};
