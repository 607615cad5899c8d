/**
 * rpm packages: a 96-byte lead, a signature header (padded to 8 bytes), the main header, then the
 * payload — a cpio archive compressed with gzip, xz, zstd or bzip2. The headers are skipped by
 * their own index counts; the payload is routed as `app.rpm!/payload`, so its files come out as
 * `app.rpm!/payload!/./etc/app.conf`.
 */
import { startsWith, type Decoder } from './types.js';

const LEAD = 96;
const HEADER_MAGIC = [0x8e, 0xad, 0xe8];

export const rpm: Decoder = {
  name: 'rpm package',
  sniff: (h) => startsWith(h, [0xed, 0xab, 0xee, 0xdb]),
  open(env) {
    let head = Buffer.alloc(0);
    let skip = LEAD;
    let headers = 0;
    let sink: ReturnType<typeof env.open> | undefined;
    let failed = false;
    const walk = async (bytes: Buffer) => {
      if (sink) return env.allow(bytes.length) ? sink.write(bytes) : undefined;
      head = Buffer.concat([head, bytes]);
      while (!sink && !failed) {
        if (head.length < skip) {
          skip -= head.length;
          head = Buffer.alloc(0);
          return;
        }
        head = head.subarray(skip);
        skip = 0;
        if (headers === 2) {
          sink = env.open('payload');
          const rest = head;
          head = Buffer.alloc(0);
          return rest.length ? sink.write(rest) : undefined;
        }
        if (head.length < 16) return;
        if (!startsWith(head, HEADER_MAGIC)) {
          failed = true;
          return env.limit('a damaged rpm package (a header without its magic): the payload is not audited');
        }
        const entries = head.readUInt32BE(8);
        const store = head.readUInt32BE(12);
        const length = 16 + entries * 16 + store;
        // The signature header is padded to a multiple of 8 bytes; the main header is not.
        skip = headers === 0 ? length + ((8 - (length % 8)) % 8) : length;
        headers++;
      }
    };
    return {
      push: (bytes) => (failed || env.stopped ? undefined : walk(Buffer.from(bytes))),
      async end() {
        if (sink) await sink.end();
        else if (!failed) env.limit('a damaged rpm package (it ends before its payload)');
      },
    };
  },
};
