// Property: a value carried by captured packets and printed by the real tcpdump (-X, -XX, -x: 16 bytes a line as
// 2-byte hex groups after \t0x0000:) is read back whole from the dump lines' bytes, in chunks of 1/7/64/whole, packet
// after packet; dump-like lines whose offsets do not follow on, and hexdump's layouts, are not read as packets.
// Nearest real-world variant: a network debugging log of a plain-HTTP call with its bearer token (red team round 8).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { CHUNKS, python, rewritten, tool } from './text-rewrite.testing.js';

const rand = seededPerTest(13);
const LABEL = 'packet dump';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const WIDE = ['é', '€', 'ß', 'Ж', '中', '😀'];

function value(): string {
  let v = 't';
  for (let n = rand.int(12, 60); n > 0; n--) {
    const k = rand.int(10);
    v += k < 6 ? rand.chars(LETTERS, 1) : k < 8 ? rand.pick([...'+/=&<>%"\\']) : rand.pick(WIDE);
  }
  return `${v}Z`;
}

/** A pcap of one TCP segment a value (an HTTP request with its bearer token), written where `file` says. */
const PCAP = `import struct
def csum(b):
    b += b'\\0' * (len(b) % 2)
    t = sum(struct.unpack('!%dH' % (len(b) // 2), b)); t = (t >> 16) + (t & 0xffff); t += t >> 16
    return ~t & 0xffff
lo = bytes([127, 0, 0, 1])
with open(values[0], 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for n, v in enumerate(values[1:]):
        payload = ('GET /v1/items/%d HTTP/1.1\\r\\nHost: api.internal\\r\\nAuthorization: Bearer %s\\r\\n\\r\\n' % (n, v)).encode()
        tcp = struct.pack('!HHIIBBHHH', 40000 + n, 8080, 1000, 2000, 5 << 4, 0x18, 65535, 0, 0)
        tcp = tcp[:16] + struct.pack('!H', csum(lo + lo + struct.pack('!BBH', 0, 6, len(tcp) + len(payload)) + tcp + payload)) + tcp[18:]
        ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp) + len(payload), n, 0x4000, 64, 6, 0, lo, lo)
        ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
        pkt = b'\\0' * 12 + b'\\x08\\x00' + ip + tcp + payload
        f.write(struct.pack('<IIII', 1700000000 + n, 0, len(pkt), len(pkt)) + pkt)`;

describe(`packet dumps (seed ${rand.seed})`, () => {
  it.each([['-X'], ['-XX'], ['-x']])('reads tcpdump %s of requests back whole', async (flag) => {
    const values = Array.from({ length: 8 }, value);
    const dir = mkdtempSync(join(tmpdir(), 'hoist-pcap-'));
    try {
      python(PCAP, [join(dir, 'cap.pcap'), ...values]);
      const dump = tool('tcpdump', ['-r', join(dir, 'cap.pcap'), '-nn', flag], '');
      const missed: string[] = [];
      for (const v of values) if (dump.toString().includes(v)) missed.push(`${v}: in the dump as it is`);
      for (const size of CHUNKS) {
        const read = (await rewritten(dump, size, LABEL)).join('\n');
        for (const v of values) if (!read.includes(v)) missed.push(`${v} (chunks of ${size})`);
      }
      expect(missed).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads no dump lines whose offsets do not follow on, nor hexdump -C or xxd', async () => {
    const line = (o: string) => `\t0x${o}:  4142 4344 4546 4748 494a 4b4c 4d4e 4f50  ABCDEFGHIJKLMNOP\n`;
    const xxd = tool('xxd', [], 'a config value, long enough for two lines of a dump\n');
    const near = [Buffer.from(line('0000') + line('0020') + 'x\n' + line('0040')), xxd, tool('hexdump', ['-C'], xxd)];
    for (const text of near) for (const size of CHUNKS) expect(await rewritten(text, size, LABEL), text.toString()).toEqual([]);
  });
});
