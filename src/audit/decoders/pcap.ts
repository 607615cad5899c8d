/**
 * Packet captures (tcpdump -w: pcap, microsecond or nanosecond, either byte order; Wireshark/dumpcap: pcapng) with
 * their TCP streams put back together as a capture reader's "follow TCP stream" does: each packet's link header
 * (Ethernet with VLAN tags, Linux cooked v1/v2, BSD loopback, raw IP), its IPv4 or IPv6 header and TCP header read,
 * the payload placed in its connection's direction by sequence number — retransmitted bytes dropped, segments that
 * come early held until the gap before them fills — and written to one content per direction
 * (`api.pcap!/tcp 127.0.0.1:59632-127.0.0.1:8080`), which the router reads as it reads any content (an HTTP message,
 * a TLS record's plain bytes, a gzip body). A request whose header or body is cut into segments (MSS 1448 on a 1500
 * MTU), each behind 82 bytes of record and protocol headers, is whole there. The capture's own bytes are read on as
 * plain as well (UDP, DNS, a segment's own bytes), its magic as zeros. Bounds: MAX_FLOWS directions open at once, each
 * holding at most MAX_PENDING bytes of early segments; past a bound, or a gap never filled, what follows is a new
 * content (`…@N`, N its sequence offset), never joined across the gap; a capture whose records do not parse is named
 * from there.
 */
import { startsWith, type Decoder, type DecodeEnv, type Decoding, type Sink } from './types.js';

const PCAP = [
  [0xd4, 0xc3, 0xb2, 0xa1],
  [0xa1, 0xb2, 0xc3, 0xd4],
  [0x4d, 0x3c, 0xb2, 0xa1],
  [0xa1, 0xb2, 0x3c, 0x4d],
];
const PCAPNG = [0x0a, 0x0d, 0x0d, 0x0a];
/** A record or block larger than this is taken for damage. */
const MAX_RECORD = 1 << 20;
const MAX_FLOWS = 256;
const MAX_PENDING = 1 << 20;

interface Flow {
  sink: Sink;
  /** The next sequence number expected (mod 2^32), or -1 before the first segment. */
  next: number;
  /** The first sequence number, for a new content's name after a gap. */
  isn: number;
  pending: Map<number, Buffer>;
  held: number;
  name: string;
}

const ip4 = (b: Buffer, at: number) => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
const ip6 = (b: Buffer, at: number) => `[${Array.from({ length: 8 }, (_, i) => b.readUInt16BE(at + 2 * i).toString(16)).join(':')}]`;

/** Where a link type's IP packet starts in a frame, and which IP version the link says (0: read the packet's first nibble), or undefined. */
function ipStart(link: number, f: Buffer): number | undefined {
  if (link === 1) {
    let at = 12;
    while (at + 2 <= f.length && (f.readUInt16BE(at) === 0x8100 || f.readUInt16BE(at) === 0x88a8)) at += 4;
    if (at + 2 > f.length) return undefined;
    const type = f.readUInt16BE(at);
    return type === 0x0800 || type === 0x86dd ? at + 2 : undefined;
  }
  if (link === 113) return f.length >= 16 && [0x0800, 0x86dd].includes(f.readUInt16BE(14)) ? 16 : undefined;
  if (link === 276) return f.length >= 20 && [0x0800, 0x86dd].includes(f.readUInt16BE(0)) ? 20 : undefined;
  if (link === 0 || link === 108) return 4;
  if (link === 101 || link === 12 || link === 228 || link === 229) return 0;
  return undefined;
}

/** The TCP segment in a frame: its direction's name, sequence number, flags and payload. */
function segment(link: number, f: Buffer): { key: string; seq: number; syn: boolean; payload: Buffer } | undefined {
  const at = ipStart(link, f);
  if (at === undefined || at >= f.length) return undefined;
  const v = f[at]! >> 4;
  let tcp: number, end: number, src: string, dst: string;
  if (v === 4) {
    const ihl = (f[at]! & 15) * 4;
    if (ihl < 20 || f[at + 9] !== 6 || at + ihl + 20 > f.length) return undefined;
    if (f.readUInt16BE(at + 6) & 0x3fff) return undefined; // a fragment
    end = Math.min(f.length, at + f.readUInt16BE(at + 2));
    tcp = at + ihl;
    src = ip4(f, at + 12);
    dst = ip4(f, at + 16);
  } else if (v === 6) {
    if (f[at + 6] !== 6 || at + 60 > f.length) return undefined;
    end = Math.min(f.length, at + 40 + f.readUInt16BE(at + 4));
    tcp = at + 40;
    src = ip6(f, at + 8);
    dst = ip6(f, at + 24);
  } else return undefined;
  const off = (f[tcp + 12]! >> 4) * 4;
  if (off < 20 || tcp + off > end) return undefined;
  const key = `tcp ${src}:${f.readUInt16BE(tcp)}-${dst}:${f.readUInt16BE(tcp + 2)}`;
  return { key, seq: f.readUInt32BE(tcp + 4), syn: Boolean(f[tcp + 13]! & 2), payload: f.subarray(tcp + off, end) };
}

/** The TCP streams of a capture, each direction's payload put in order by sequence number and written to a content of its own. */
class TcpStreams {
  readonly #flows = new Map<string, Flow>();
  #full = false;

  constructor(private readonly env: DecodeEnv) {}

  async #write(flow: Flow, bytes: Buffer): Promise<void> {
    if (!bytes.length) return;
    if (!this.env.allow(bytes.length)) return;
    await flow.sink.write(bytes);
  }

  /** A gap never filled: what is held after it starts a new content. */
  async #skipGap(flow: Flow): Promise<void> {
    const first = [...flow.pending.keys()].sort((a, b) => ((a - flow.next) >>> 0) - ((b - flow.next) >>> 0))[0]!;
    await flow.sink.end();
    flow.sink = this.env.open(`${flow.name}@${(first - flow.isn) >>> 0}`);
    flow.next = first;
    await this.#drain(flow);
  }

  async #drain(flow: Flow): Promise<void> {
    for (let more = true; more;) {
      more = false;
      for (const [seq, data] of flow.pending) {
        const ahead = (flow.next - seq) >>> 0;
        if (ahead < 0x80000000) {
          // starts at or before `next`: its new part follows on
          flow.pending.delete(seq);
          flow.held -= data.length;
          if (ahead < data.length) {
            await this.#write(flow, data.subarray(ahead));
            flow.next = (seq + data.length) >>> 0;
          }
          more = true;
        }
      }
    }
  }

  async frame(linkType: number, f: Buffer): Promise<void> {
    const s = segment(linkType, f);
    if (!s) return;
    let flow = this.#flows.get(s.key);
    if (!flow) {
      if (!s.payload.length && !s.syn) return;
      if (this.#flows.size >= MAX_FLOWS) {
        if (!this.#full) this.env.limit(`a packet capture of more than ${MAX_FLOWS} TCP streams: the rest are read as the capture's bytes only`);
        this.#full = true;
        return;
      }
      flow = { sink: this.env.open(s.key), next: -1, isn: s.seq, pending: new Map(), held: 0, name: s.key };
      this.#flows.set(s.key, flow);
    }
    if (flow.next < 0) {
      flow.isn = s.syn ? (s.seq + 1) >>> 0 : s.seq;
      flow.next = flow.isn;
    }
    if (!s.payload.length) return;
    flow.pending.set(s.seq, Buffer.from(s.payload));
    flow.held += s.payload.length;
    await this.#drain(flow);
    while (flow.held > MAX_PENDING) await this.#skipGap(flow);
  }

  /** The capture's end: what is still held after a gap is written past it, every stream ended. */
  async end(): Promise<void> {
    for (const flow of this.#flows.values()) {
      while (flow.pending.size && !this.env.stopped) await this.#skipGap(flow);
      await flow.sink.end();
    }
  }
}

export const sniffPcap = (h: Uint8Array): boolean =>
  PCAP.some((m) => startsWith(h, m)) || (startsWith(h, PCAPNG) && h.length >= 12 && [0x1a2b3c4d, 0x4d3c2b1a].includes(Buffer.from(h).readUInt32BE(8)));

export const pcap: Decoder = {
  name: 'packet capture',
  sniff: (h) => sniffPcap(h),
  open(env: DecodeEnv): Decoding {
    const plain = env.openAt(env.path);
    const streams = new TcpStreams(env);
    let buf = Buffer.alloc(0);
    let seen = 0;
    let ng = false;
    let le = true;
    let link = -1;
    const links: number[] = [];
    let started = false;
    let broken = false;

    const u32 = (b: Buffer, at: number) => (le ? b.readUInt32LE(at) : b.readUInt32BE(at));
    const u16 = (b: Buffer, at: number) => (le ? b.readUInt16LE(at) : b.readUInt16BE(at));

    /** Parses what `buf` holds from `at`; the offset of the first byte not parsed. */
    async function parse(): Promise<void> {
      let at = 0;
      if (!started) {
        if (buf.length < 24) return;
        ng = startsWith(buf, PCAPNG);
        if (!ng) {
          le = buf[0] === 0xd4 || buf[0] === 0x4d;
          link = u32(buf, 20) & 0xffff;
          at = 24;
        }
        started = true;
      }
      for (;;) {
        if (ng) {
          if (buf.length - at < 12) break;
          if (buf.readUInt32BE(at) === 0x0a0d0d0a) le = buf.readUInt32LE(at + 8) === 0x1a2b3c4d;
          const type = u32(buf, at);
          const len = u32(buf, at + 4);
          if (len < 12 || len > MAX_RECORD || len % 4) return fail(seen + at);
          if (buf.length - at < len) break;
          if (type === 0x0a0d0d0a) links.length = 0;
          else if (type === 1) links.push(u16(buf, at + 8));
          else if (type === 6 && len >= 32) {
            const cap = u32(buf, at + 20);
            if (28 + cap <= len) await streams.frame(links[u32(buf, at + 8)] ?? -1, buf.subarray(at + 28, at + 28 + cap));
          } else if (type === 3 && len >= 16) await streams.frame(links[0] ?? -1, buf.subarray(at + 12, at + Math.min(len - 4, 12 + u32(buf, at + 8))));
          at += len;
        } else {
          if (buf.length - at < 16) break;
          const cap = u32(buf, at + 8);
          if (cap > MAX_RECORD) return fail(seen + at);
          if (buf.length - at < 16 + cap) break;
          await streams.frame(link, buf.subarray(at + 16, at + 16 + cap));
          at += 16 + cap;
        }
      }
      seen += at;
      buf = buf.subarray(at);
    }

    function fail(where: number): void {
      broken = true;
      buf = Buffer.alloc(0);
      env.limit(`a packet capture whose records do not parse from byte ${where}: its TCP streams are not joined from there`);
    }

    return {
      async push(bytes) {
        if (env.stopped) return;
        const blank = Math.max(0, Math.min(bytes.length, 4 - seen - buf.length));
        if (env.allow(bytes.length)) await plain.write(blank ? Buffer.concat([Buffer.alloc(blank), bytes.subarray(blank)]) : bytes);
        if (broken) return;
        buf = buf.length ? Buffer.concat([buf, bytes]) : Buffer.from(bytes);
        await parse();
      },
      async end() {
        await plain.end();
        await streams.end();
      },
    };
  },
};
