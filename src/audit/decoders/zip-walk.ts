/**
 * A zip read front to back as it streams, record by record (APPNOTE 4.3.6): each local header, its
 * member's data to where it ends, the data descriptor after it, then the central directory and the
 * end records. Where a member's data ends: its size in the local header (zip64's too); for a
 * deflated member written with a descriptor, where its deflate stream ends (`zip-inflate.ts`); for
 * any other member with a descriptor, the descriptor that holds for the bytes before it
 * (`zip-search.ts`). Bytes are held only as far as a step needs them (`#want`): a header, a member
 * of known size gathered for one inflation, twice the bytes of a deflated member whose end was not
 * in hand. A damaged member with a descriptor is named and the walk goes on at the next header
 * found; bytes that are no record (Android's signing block excepted) are named. A zip found inside
 * other bytes (`trial`) names nothing until one member read whole and a record after it show it is
 * one: before that, what fails was `PK\3\4` by chance.
 */
import { centralEntry, isRecord, isZipCentral, isZipEnd, isZipLocal, localLength, readDescriptor, readLocal, trailerLength, u32 } from './zip-records.js';
import { CENTRAL, DESCRIPTOR, END, ENCRYPTED, HAS_DESCRIPTOR, LOCAL, type LocalHeader } from './zip-records.js';
import { DeflateEntry } from './zip-inflate.js';
import { memberReader, methodName, MemberOutput, readable, type MemberReader } from './zip-member.js';
import { DescriptorSearch } from './zip-search.js';
import { crc32 } from 'node:zlib';
import { inside, type DecodeEnv } from './types.js';

/** How a member's data ends: its size; its deflate stream; the descriptor found after it. */
type Extent = { kind: 'size'; left: number } | { kind: 'deflate'; entry: DeflateEntry } | { kind: 'search'; search: DescriptorSearch };

interface Member {
  header: LocalHeader;
  path: string;
  extent: Extent;
  /** What reads its data as stored (none for a deflated member, or one the audit does not read). */
  reader: MemberReader | undefined;
  out: MemberOutput | undefined;
  /** Stored bytes taken. */
  taken: number;
  closed: boolean;
  /** The CRC-32 of its content as read (stored and deflated members read whole), to hold against the one stored. */
  crc: number | undefined;
}

type State =
  | { kind: 'record' }
  | { kind: 'member'; member: Member }
  | { kind: 'descriptor'; member: Member; original: number | undefined }
  | { kind: 'lost'; from: number; why: string }
  | { kind: 'done' };

/** A record larger than this (a zip64 end record's or extra data's own length field, damaged) is not held. */
const MAX_RECORD = 1 << 20;
/** What a local header needs in hand to be judged when the walk looks for the next one. */
const HEADER_HELD = 30 + 1024 + 256;
/** The bytes a data descriptor and the next signature take at most. */
const DESCRIPTOR_HELD = 28;
const APK_SIGNING = Buffer.from('APK Sig Block 42');
const EMPTY = Buffer.alloc(0);
/** Members listed in the central directory but never met, named one by one up to this many. */
const UNMET_NAMED = 20;

export class ZipWalk {
  /** The bytes held until a step has what it needs: the first `#size` of `#held`. */
  #held: Buffer = EMPTY;
  #size = 0;
  /** Bytes the next step needs in hand. */
  #want = 4;
  #state: State = { kind: 'record' };
  /** The archive offset of the first byte not yet taken. */
  #offset = 0;
  /** Names met as members, and those the central directory lists. */
  readonly #met = new Set<string>();
  readonly #listed: string[] = [];
  /** Members read to their end without a failure: with a record after one, the bytes are a zip. */
  #whole = 0;
  #proven: boolean;
  /** What a zip found by trial would name, held until it is shown to be a zip. */
  readonly #pending: Array<[string, string]> = [];
  /** Members named already: one finding each. */
  readonly #named = new Set<string>();
  /** What is wrong with the archive itself, named at its end (naming it through `env.limit` would stop the walk). */
  #problem: string | undefined;

  constructor(readonly env: DecodeEnv) {
    this.#proven = !env.trial;
  }

  /** The end record was read (or the bytes were no zip): what follows is not this zip's. */
  get finished(): boolean {
    return this.#state.kind === 'done';
  }

  async push(chunk: Uint8Array): Promise<void> {
    if (this.finished || this.env.stopped) return;
    let rest = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const need = this.#want - this.#size;
    if (this.#size && need > 0 && rest.length >= need) {
      // Bytes held, and the chunk has what the step wants: the held buffer (`#hold` made it that size) topped up to it,
      // read, and the rest of the chunk read where it lies when the step took all of it (a member of known size, a
      // header) — filling it to the chunk's end made another buffer of the chunk's size, and a jar member across a
      // layer chunk was copied three times (its first part held; that and a small next chunk gathered; all of it and
      // the chunk after gathered again); now once.
      this.#hold(rest.subarray(0, need));
      rest = rest.subarray(need);
      const data = this.#held.subarray(0, this.#size);
      this.#keep(data, await this.#run(data, false));
      if (!rest.length || this.finished || this.env.stopped) return;
    }
    if (this.#size + rest.length < this.#want) return this.#hold(rest);
    if (this.#size) this.#hold(rest);
    // Read where it lies when nothing is held: the chunk is lent for this call, so what the steps leave is held, copied.
    const data = this.#size ? this.#held.subarray(0, this.#size) : rest;
    this.#keep(data, await this.#run(data, false));
  }

  /**
   * What the steps left of `data` (from `taken` on), held in a buffer of their own, of the size the next step wants: the
   * chunk is lent for this call only, and the steps handed views of `data` on (a stored member's bytes), which the held
   * buffer must not be written over under.
   */
  #keep(data: Buffer, taken: number): void {
    this.#held = EMPTY;
    this.#size = 0;
    if (taken < data.length) this.#hold(data.subarray(taken));
  }

  /** Appends `bytes` to the bytes held, in one buffer of at least the size the next step wants (filled in place). */
  #hold(bytes: Uint8Array): void {
    const n = this.#size + bytes.length;
    if (this.#held.length < n) {
      const bigger = Buffer.allocUnsafe(Math.max(this.#want, n));
      this.#held.copy(bigger, 0, 0, this.#size);
      this.#held = bigger;
    }
    this.#held.set(bytes, this.#size);
    this.#size = n;
  }

  async end(): Promise<void> {
    const data = this.#held.subarray(0, this.#size);
    this.#held = EMPTY;
    this.#size = 0;
    // Stopped by a bound, the router named why: the member it stopped in is not also named cut short.
    const stopped = this.env.stopped;
    if (!stopped) await this.#run(data, true);
    const s = this.#state;
    if (s.kind === 'member') await this.#close(s.member, stopped ? undefined : 'a truncated zip (it ends inside this member): the rest is not audited');
    this.#state = { kind: 'done' };
    if (!this.#proven || stopped) return;
    const unmet = this.#listed.filter((name) => !this.#met.has(name));
    for (const name of unmet.slice(0, UNMET_NAMED))
      this.#name("listed in the zip's central directory but not met where its data should be: not audited", inside(this.env.path, name));
    if (unmet.length > UNMET_NAMED) this.#problem ??= `${unmet.length} members listed in its central directory were not met where their data should be`;
    if (this.#problem) this.env.limit(`${this.#problem}: the rest is not audited`);
  }

  /** Steps through `data` (`tail`: the last bytes there are) while each step has what it needs; the bytes taken. */
  async #run(data: Buffer, tail: boolean): Promise<number> {
    let at = 0;
    for (;;) {
      const s = this.#state;
      if (s.kind === 'done' || this.env.stopped) return at;
      const b = data.subarray(at);
      if (!tail && b.length < this.#want) return at;
      this.#want = 1;
      const n = await this.#step(s, b, tail);
      at += n;
      this.#offset += n;
      if (n === 0 && this.#state === s) return at; // it needs more bytes than there are (at the tail: none will come)
    }
  }

  #step(s: Exclude<State, { kind: 'done' }>, b: Buffer, tail: boolean): number | Promise<number> {
    switch (s.kind) {
      case 'record':
        return this.#record(b, tail);
      case 'member':
        return this.#member(s.member, b, tail);
      case 'descriptor':
        return this.#descriptor(s.member, s.original, b, tail);
      case 'lost':
        return this.#lost(s, b, tail);
    }
  }

  /** At a record: a local header, or one of those after the members. */
  #record(b: Buffer, tail: boolean): number {
    if (b.length < 4) return this.#short(4, b, tail);
    const sig = u32(b, 0);
    // A split archive's marker before the first header (`PK\7\8` or `PK00`, one segment).
    if (this.#offset === 0 && (sig === DESCRIPTOR || sig === 0x30304b50)) return 4;
    const need = sig === LOCAL ? localLength(b, 0) : trailerLength(b, 0, sig);
    if (need < 0 || need > MAX_RECORD) return this.#lose('bytes that are no zip record');
    if (b.length < need) return this.#short(need, b, tail);
    if (this.#whole && !this.#proven) this.#prove();
    if (sig === LOCAL) return this.#local(b);
    if (sig === CENTRAL) this.#listed.push(centralEntry(b, 0).name);
    if (sig === END) this.#state = { kind: 'done' };
    return need;
  }

  /** Fewer bytes than a step needs: asks for them, or at the input's end says the zip is cut short. */
  #short(need: number, b: Buffer, tail: boolean): number {
    if (!tail) {
      this.#want = need;
      return 0;
    }
    if (b.length) this.#problem ??= 'a truncated zip (it ends inside a record)';
    this.#state = { kind: 'done' };
    return b.length;
  }

  #local(b: Buffer): number {
    const header = readLocal(b, 0);
    const path = inside(this.env.path, header.name);
    this.#met.add(header.name);
    const { method, flags, compressed } = header;
    const member: Member = {
      header,
      path,
      extent: { kind: 'size', left: compressed ?? 0 },
      reader: undefined,
      out: undefined,
      taken: 0,
      closed: false,
      crc: undefined,
    };
    if (compressed === undefined) member.extent = { kind: 'search', search: new DescriptorSearch(method === 0 && !(flags & ENCRYPTED)) };
    if (flags & ENCRYPTED || method === 99) {
      const what =
        method === 99
          ? `a zip entry ${methodName(99)}, which the audit does not read`
          : 'an encrypted zip entry (zip -e: PKWARE encryption), which the audit cannot read';
      this.#name(what, path);
    } else if (!readable(method)) this.#name(`a zip entry ${methodName(method)}, which the audit does not read`, path);
    else {
      member.out = new MemberOutput(this.env, header.name, path, method);
      if (method === 8) member.extent = { kind: 'deflate', entry: new DeflateEntry(member.out, compressed, header.original) };
      else member.reader = memberReader(method, member.out, header.original, (what) => this.#name(what, path));
    }
    this.#state = { kind: 'member', member };
    return header.length;
  }

  async #member(m: Member, b: Buffer, tail: boolean): Promise<number> {
    const e = m.extent;
    if (e.kind === 'deflate') return this.#deflated(m, e.entry, b, tail);
    if (e.kind === 'size') {
      const n = Math.min(e.left, b.length);
      if (n && m.header.method === 0 && m.reader) m.crc = crc32(b.subarray(0, n), m.crc ?? 0);
      if (n) await m.reader?.data(b.subarray(0, n));
      e.left -= n;
      m.taken += n;
      if (!e.left) await this.#ended(m, m.header.original);
      return n;
    }
    const found = e.search.scan(b, tail);
    const data = typeof found === 'number' ? found : found.data;
    if (data) await m.reader?.data(b.subarray(0, data));
    m.taken += data;
    if (typeof found === 'number') {
      if (!data) this.#want = DESCRIPTOR_HELD + 1;
      return data;
    }
    await this.#close(m);
    this.#state = { kind: 'record' };
    return data + found.descriptor;
  }

  async #deflated(m: Member, entry: DeflateEntry, b: Buffer, tail: boolean): Promise<number> {
    const n = await entry.read(b, tail);
    m.taken = entry.taken;
    if (!entry.ended) {
      if (!n) this.#want = entry.want;
      return n;
    }
    const failure = entry.failure;
    if (failure) this.#name(`a damaged zip entry (${failure}): the rest is not audited`, m.path);
    if (!failure) m.crc = entry.crc;
    if (entry.size !== undefined) {
      // Its size says where the next record is, whatever its stream did: the rest is skipped.
      await this.#close(m);
      m.extent = { kind: 'size', left: entry.size - entry.taken };
      return n;
    }
    if (!failure) await this.#ended(m, entry.inflated);
    else {
      await this.#close(m);
      this.#state = tail ? { kind: 'done' } : { kind: 'lost', from: this.#offset + n, why: 'a damaged member with a data descriptor' };
    }
    return n;
  }

  /** A member's data ended where it should: its descriptor next, if it has one. */
  async #ended(m: Member, original: number | undefined): Promise<void> {
    await this.#close(m);
    if (m.header.crc !== undefined) this.#check(m, m.header.crc);
    this.#state = m.header.flags & HAS_DESCRIPTOR ? { kind: 'descriptor', member: m, original } : { kind: 'record' };
  }

  /** A member read whole whose bytes are not those stored (a flipped bit inside deflated data inflates all the same) is named. */
  #check(m: Member, stored: number): void {
    if (m.crc !== undefined && m.crc !== stored)
      this.#name('a damaged zip entry (its CRC-32 does not match: what it holds is not what was stored): it is not fully audited', m.path);
  }

  /** The member's reader and output end (`cut`: named so, with the reader told); a member not named was read whole. */
  async #close(m: Member, cut?: string): Promise<void> {
    if (m.closed) return;
    m.closed = true;
    if (cut) this.#name(cut, m.path);
    await m.reader?.end(!!cut);
    await m.out?.end();
    if (!this.#named.has(m.path)) this.#whole++;
  }

  #descriptor(m: Member, original: number | undefined, b: Buffer, tail: boolean): number {
    const d = readDescriptor(b, 0, m.taken, original, tail);
    if (d === 'more') {
      this.#want = DESCRIPTOR_HELD;
      return 0;
    }
    this.#state = { kind: 'record' };
    if (d) this.#check(m, d.crc);
    if (d) return d.length;
    // None that holds, and a record next (or nothing): the writer set the flag and wrote none.
    return isRecord(b, 0) || (tail && !b.length) ? 0 : this.#lose('a data descriptor that does not hold');
  }

  /** Bytes where a record should be: the walk looks for the next record (a zip found by trial ends: it was none). */
  #lose(why: string): number {
    this.#state = this.#proven ? { kind: 'lost', from: this.#offset, why } : { kind: 'done' };
    return 0;
  }

  /** Looks for the next record; the bytes before it are named (but Android's signing block, which holds no file). */
  #lost(s: { from: number; why: string }, b: Buffer, tail: boolean): number {
    for (let i = b.indexOf('PK'); i >= 0; i = b.indexOf('PK', i + 1)) {
      if (!tail && i > b.length - HEADER_HELD) break;
      if (!isZipLocal(b, i) && !isZipCentral(b, i) && !isZipEnd(b, i)) continue;
      const skipped = this.#offset + i - s.from;
      const apk = i >= APK_SIGNING.length && b.subarray(i - APK_SIGNING.length, i).equals(APK_SIGNING);
      if (skipped && !apk) this.#problem ??= `a damaged zip (${s.why}: ${skipped} bytes at offset ${s.from} were not read)`;
      this.#state = { kind: 'record' };
      return i;
    }
    if (tail) {
      this.#problem ??= `a damaged zip (${s.why} at offset ${s.from}, no record after it)`;
      this.#state = { kind: 'done' };
      return b.length;
    }
    const n = Math.max(0, b.length - HEADER_HELD);
    if (!n) this.#want = HEADER_HELD + 1;
    return n;
  }

  /** Names a member as not (fully) audited, once; held while a zip found by trial is not shown to be one. */
  #name(what: string, path: string): void {
    if (this.#named.has(path)) return;
    this.#named.add(path);
    if (this.#proven) this.env.limit(what, path);
    else this.#pending.push([what, path]);
  }

  #prove(): void {
    this.#proven = true;
    for (const [what, path] of this.#pending.splice(0)) this.env.limit(what, path);
  }
}
