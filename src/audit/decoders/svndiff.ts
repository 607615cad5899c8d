/**
 * Subversion's delta format, svndiff (FSFS rev files' `DELTA` representations, `svnadmin dump --deltas`, svnrdump,
 * the wire): `SVN` and a version byte — 0 raw, 1 each window's instructions and new data zlib-compressed behind a
 * varint of their original length (kept raw when not smaller), 2 the same with raw LZ4 blocks — then windows: the
 * source view's offset and length, the target's length, the instructions' and new data's lengths (varints), the
 * instructions (copy from the source view, from the target so far, from the new data) and the new data.
 * Each window is held whole (at most 16 MiB of target) and decoded: a window that copies nothing from its source
 * (a first revision: svn writes 100 KiB windows) gives its whole target, windows joined in order so a value across
 * two is whole; a window that copies from its source (a delta against earlier text, which is not resolved) gives its
 * new data — the text the revision added, where a value first appears. Found wherever `SVN\0|\1|\2` and a sane first
 * window start (`embedded.ts`: inside a rev file, after `DELTA\n`), it ends at FSFS's `ENDREP\n`, at a dump's next
 * record or at the content's end. A window over 16 MiB, one whose sections do not decode to their sizes, or instructions that do not build the
 * target are named as not audited (a chance header that gave nothing is not).
 */
import { inflateSync } from 'node:zlib';
import { lz4Block } from './lz4.js';
import { trial, type Decoder, type DecodeEnv, type Decoding } from './types.js';

/** The most target a window is let have (svn writes 100 KiB windows). */
export const MAX_WINDOW = 16 * 1024 * 1024;
const ENDREP = Buffer.from('ENDREP\n');
/** What follows a delta's last window in a dump (`svnadmin dump --deltas`, svnrdump): the next record's header. */
const DUMP_NEXT = /^\n{1,2}(Node-path|Revision-number|Node-kind|Node-action): /;
/** A varint at `p` (7 bits a byte, high first), at most 5 bytes: [value, next], 'short' when cut, undefined when too long. */
function varint(b: Uint8Array, p: number): [number, number] | 'short' | undefined {
  let v = 0;
  for (let i = 0; i < 5; i++) {
    if (p + i >= b.length) return 'short';
    const c = b[p + i]!;
    v = v * 128 + (c & 127);
    if (c < 128) return [v, p + i + 1];
  }
  return undefined;
}

interface Header {
  sviewOffset: number;
  sviewLen: number;
  tviewLen: number;
  insLen: number;
  newLen: number;
  /** Where the instructions start. */
  body: number;
}

/** The window header at `p`: 'short' when cut, a string when not a window's. */
export function windowHeader(b: Uint8Array, p: number): Header | 'short' | string {
  const v: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = varint(b, p);
    if (r === 'short') return r;
    if (!r) return 'a varint over 5 bytes';
    v.push(r[0]);
    p = r[1];
  }
  const [sviewOffset, sviewLen, tviewLen, insLen, newLen] = v as [number, number, number, number, number];
  if (tviewLen > MAX_WINDOW) return `a window of ${tviewLen} bytes, over 16 MiB`;
  // New data is at most the target (and a section's size and LZ4's or zlib's overhead); instructions build at most the target.
  if (sviewLen > MAX_WINDOW * 4 || insLen > MAX_WINDOW || newLen > tviewLen + (tviewLen >> 7) + 64) return 'a window larger than its target can be';
  if (tviewLen && !insLen) return 'a window with no instructions';
  return { sviewOffset, sviewLen, tviewLen, insLen, newLen, body: p };
}

/** A section: raw (svndiff0), or its original length, then zlib (1) or an LZ4 block (2) — raw when not smaller. */
function section(version: number, s: Uint8Array, most: number): Uint8Array | string {
  if (version === 0) return s;
  const r = varint(s, 0);
  if (!Array.isArray(r) || r[0] > most) return 'a section whose size does not fit the window';
  const [size, at] = r;
  const rest = s.subarray(at);
  if (rest.length === size) return rest;
  if (version === 1) {
    const out = trial(() => inflateSync(rest, { maxOutputLength: Math.max(1, size) }));
    return out instanceof Buffer && out.length === size ? out : 'a zlib section that does not inflate to its size';
  }
  const out = new Uint8Array(size);
  const end = trial(() => lz4Block(rest, out, 0));
  return end === size ? out : 'an LZ4 section that does not decode to its size';
}

interface Op {
  /** 0 from the source view, 1 from the target so far, 2 from the new data. */
  op: number;
  len: number;
  offset: number;
}

/** The window's instructions, each checked against the window (`newLen` bytes of new data, all used): or why not. */
export function instructions(h: Header, ins: Uint8Array, newLen: number): Op[] | string {
  const ops: Op[] = [];
  let t = 0;
  let n = 0;
  for (let p = 0; p < ins.length;) {
    const op = ins[p]! >> 6;
    let len = ins[p++]! & 63;
    if (op === 3) return 'an instruction of no kind';
    if (!len) {
      const r = varint(ins, p);
      if (!Array.isArray(r)) return 'an instruction cut short';
      [len, p] = r;
    }
    let offset = 0;
    if (op !== 2) {
      const r = varint(ins, p);
      if (!Array.isArray(r)) return 'an instruction cut short';
      [offset, p] = r;
    }
    if (!len || t + len > h.tviewLen) return 'instructions past the target';
    if (op === 0 && offset + len > h.sviewLen) return 'a copy past the source view';
    if (op === 1 && offset >= t) return 'a copy from the target ahead of it';
    if (op === 2 && (n += len) > newLen) return 'a copy past the new data';
    ops.push({ op, len, offset });
    t += len;
  }
  if (t !== h.tviewLen || n !== newLen) return 'instructions that do not build the target';
  return ops;
}

/** The window's target built from its checked instructions (a copy from the source view left as zeros). */
export function applyWindow(h: Header, ops: readonly Op[], data: Uint8Array): Uint8Array {
  const target = new Uint8Array(h.tviewLen);
  let t = 0;
  let n = 0;
  for (const { op, len, offset } of ops) {
    if (op === 1) for (let i = 0; i < len; i++) target[t + i] = target[offset + i]!;
    else if (op === 2) target.set(data.subarray(n, (n += len)), t);
    t += len;
  }
  return target;
}

/** The original size a section of `length` bytes starting with `s` says it has (svndiff1/2: its varint; 0: its length). */
const sectionSize = (version: number, s: Uint8Array, length: number): number | undefined => {
  if (version === 0) return length;
  const r = varint(s, 0);
  return Array.isArray(r) ? r[0] : undefined;
};

/**
 * `SVN` and a version byte 0–2 at `at`, then a first window whose instructions (held in `b`: a first revision's are 4
 * bytes, a delta's rarely a KiB) decode and build its target from as much new data as its section says it holds.
 */
export function isSvndiff(b: Uint8Array, at = 0): boolean {
  if (b.length < at + 4 || b[at] !== 0x53 || b[at + 1] !== 0x56 || b[at + 2] !== 0x4e || b[at + 3]! > 2) return false;
  if (b.length === at + 4 || (b.length >= at + 11 && ENDREP.equals(b.subarray(at + 4, at + 11)))) return true;
  const h = windowHeader(b, at + 4);
  if (typeof h !== 'object' || !h.tviewLen || b.length < h.body + h.insLen + Math.min(5, h.newLen)) return false;
  const version = b[at + 3]!;
  const ins = section(version, b.subarray(h.body, h.body + h.insLen), MAX_WINDOW);
  const newLen = sectionSize(version, b.subarray(h.body + h.insLen, h.body + h.insLen + Math.min(5, h.newLen)), h.newLen);
  return typeof ins !== 'string' && newLen !== undefined && newLen <= h.tviewLen && typeof instructions(h, ins, newLen) !== 'string';
}

/** One svndiff stream, fed from its `SVN` on; each window's target (or new data) to the content's sink. */
export function svndiffStream(env: DecodeEnv): Decoding & { readonly finished: boolean } {
  const sink = env.open();
  let buf = Buffer.alloc(0);
  let version = -1;
  let windows = 0;
  let done = false;
  let failed = false;
  const fail = (why: string) => {
    failed = true;
    // A chance `SVN` inside other bytes that gave nothing is not a finding.
    if (!env.trial || windows) env.limit(`a damaged svndiff stream (${why} in window ${windows}): the rest is not audited`);
  };
  /** The next whole window decoded, or false when more bytes are needed. */
  const next = async (): Promise<boolean> => {
    if (buf.length >= ENDREP.length && ENDREP.equals(buf.subarray(0, ENDREP.length))) return (done = true);
    if (windows && buf[0] === 0x0a && DUMP_NEXT.test(buf.toString('latin1', 0, 24))) return (done = true);
    const h = windowHeader(buf, 0);
    if (h === 'short') return false;
    if (typeof h === 'string') return (fail(h), false);
    const end = h.body + h.insLen + h.newLen;
    if (buf.length < end) return false;
    const ins = section(version, buf.subarray(h.body, h.body + h.insLen), MAX_WINDOW);
    const data = section(version, buf.subarray(h.body + h.insLen, end), h.tviewLen);
    buf = buf.subarray(end);
    if (typeof ins === 'string' || typeof data === 'string') return (fail(typeof ins === 'string' ? ins : (data as string)), false);
    const ops = instructions(h, ins, data.length);
    if (typeof ops === 'string') return (fail(ops), false);
    windows++;
    const out = ops.some((o) => o.op === 0) ? data : applyWindow(h, ops, data);
    if (!out.length) return true;
    if (!env.allow(out.length)) return false;
    await sink.write(Uint8Array.from(out));
    return true;
  };
  return {
    get finished() {
      return done || failed;
    },
    async push(bytes) {
      if (done || failed || env.stopped) return;
      buf = buf.length ? Buffer.concat([buf, bytes]) : Buffer.from(bytes);
      if (version < 0) {
        if (buf.length < 4) return;
        version = buf[3]!;
        buf = buf.subarray(4);
      }
      while (!done && !failed && !env.stopped && buf.length && (await next()));
    },
    async end() {
      // A dump's delta ends with the content, or with a record's blank line.
      if (!done && !failed && !env.stopped && buf.some((b) => b !== 0x0a)) fail('it ends inside a window');
      await sink.end();
    },
  };
}

export const svndiff: Decoder = {
  name: 'svndiff',
  sniff: (h) => isSvndiff(h),
  head: 2048,
  open: svndiffStream,
};
