/**
 * A gzip file as `gzip -dc` reads it: member after member (`cat a.gz b.gz`, log rotation's
 * `gzip -c >> app.log.gz`, bgzip's BGZF blocks of 64 KiB, Java's GZIPOutputStream per record), the
 * output of all of them one content, so a value or a tar cut across two members is whole. Each
 * member's header is read here and its deflate stream inflated raw by zlib, which says where it ends
 * (the input it took); then its 8-byte trailer, then the next member. What follows the last — bytes
 * that start none: zeros, a signature, junk — is the router's, which searches it for gzip members as
 * before; the members read here it passes over (`concatenated.ts`).
 */
import { nameBomb } from './bomb.js';
import { Joined } from './concatenated.js';
import { DEFLATE_MAX_RATIO, startsWith, type DecodeEnv, type Decoding, type Sink } from './types.js';
import { inflateAtOnce, RawInflateStream } from './zip-inflate.js';
import { Lease } from './zip-output-pool.js';

/** gzip's member header: ID1 ID2, deflate, no reserved flag bits. */
export const isGzip = (h: Uint8Array, at = 0) => startsWith(h, [0x1f, 0x8b, 0x08], at) && h.length > at + 3 && (h[at + 3]! & 0xe0) === 0;

/** The length of a gzip member's header (FEXTRA, FNAME, FCOMMENT, FHCRC read), or undefined while more bytes are needed. */
export function gzipHeaderLength(h: Uint8Array): number | undefined {
  if (h.length < 10) return undefined;
  const flags = h[3]!;
  let at = 10;
  if (flags & 4) {
    if (h.length < at + 2) return undefined;
    at += 2 + (h[at]! | (h[at + 1]! << 8));
  }
  for (const bit of [8, 16]) {
    if (!(flags & bit)) continue;
    const nul = h.indexOf(0, at);
    if (nul < 0) return h.length > 64 * 1024 ? -1 : undefined;
    at = nul + 1;
  }
  if (flags & 2) at += 2;
  return h.length < at ? undefined : at;
}

const TRAILER = 8;
const EMPTY = Buffer.alloc(0);
/**
 * The most a member inflated at once may give (more: it streams, its output bounded as it comes). A trial that fails —
 * the member does not end in the bytes in hand, or gives more than this — is inflated again by the stream, and what it
 * gave is held until it fails: this bounds both the work done twice and the memory, per member. It was 16 MiB: the
 * first chunk of a large log inflated to 16 MiB (and joined into one buffer as large) before the stream began again.
 */
const WHOLE_OUTPUT = 1024 * 1024;

/**
 * The output buffer's size for `inflateWhole`: when `input` holds a whole file of one member (a gzipped man page, a
 * .gz in a tar), its last four bytes are the trailer's ISIZE, and a buffer one byte larger (a full one makes zlib take
 * another before it knows the stream ended) is the output, not 16 KiB pieces in an engine's buffers joined into another:
 * a layer of 18,131 man pages made 260 MiB of those pieces, garbage. Any size deflate can make of the input (at most
 * DEFLATE_MAX_RATIO times it) is taken: held to 16 times, a log that compresses better (the archives row of
 * bench/audit.ts: 256 KiB of text in 1.1 KB, all 904 of its .gz files) was inflated into 16 pieces and joined. A
 * guess, nothing more: a wrong one (a chunk cut short, several members) costs pieces, or an output buffer larger than
 * its bytes, which `inflateAtOnce` copies out of when it is more than twice their size.
 */
function outputGuess(input: Uint8Array): number | undefined {
  if (input.length < 18) return undefined;
  const n = input.length - 4;
  const size = (input[n]! | (input[n + 1]! << 8) | (input[n + 2]! << 16) | (input[n + 3]! << 24)) >>> 0;
  return size > 0 && size < WHOLE_OUTPUT && size <= input.length * DEFLATE_MAX_RATIO ? Math.max(64, size + 1) : undefined;
}

/**
 * A member whose deflate stream ends inside `input`, inflated at once (`inflateAtOnce`: one engine, reset between
 * members): its output and the input it took; undefined when it does not end there, gives more than WHOLE_OUTPUT or
 * fails — the stream then reads it, as it comes, and says what went wrong. A stream per member cost bgzip's 64 KiB
 * members 1.3 ms each.
 */
function inflateWhole(input: Uint8Array, lease: Lease): { out: Buffer; used: number } | undefined {
  const r = inflateAtOnce(input, WHOLE_OUTPUT, outputGuess(input), lease);
  return typeof r === 'object' ? r : undefined;
}

export class GzipMembers implements Decoding {
  readonly #sink: Sink;
  #phase: 'header' | 'deflate' | 'trailer' | 'next' | 'done' = 'header';
  /** Bytes gathered for a header, a trailer or the start of what follows a member; and their offset in the content. */
  #pending: Buffer = EMPTY;
  #pendingAt = 0;
  /** The offset in the content of the next byte pushed. */
  #at = 0;
  #inflate: RawInflateStream | undefined;
  #members = 0;
  readonly #joined: Joined;
  #stopped = false;
  /** The buffers members were inflated into at once, given back once the content (all the members' output) has ended. */
  readonly #lease = new Lease();

  constructor(readonly env: DecodeEnv) {
    this.#sink = env.open();
    this.#joined = new Joined(env);
  }

  async push(bytes: Uint8Array): Promise<void> {
    if (this.#phase === 'done' || this.#stopped || this.env.stopped) return;
    let rest = bytes;
    let restAt = this.#at;
    this.#at += bytes.length;
    while (rest.length && !this.#stopped) {
      if ((this.#phase as string) === 'done') return; // what follows the last member: the router's
      if (this.#phase === 'deflate') {
        const whole = this.#inflate ? undefined : inflateWhole(rest, this.#lease);
        if (whole) {
          await this.#write(whole.out);
          [rest, restAt, this.#phase] = [rest.subarray(whole.used), restAt + whole.used, 'trailer'];
          continue;
        }
        this.#inflate ??= new RawInflateStream(
          (chunk) => this.#write(chunk),
          (made) => {
            this.#stopped = true;
            nameBomb(this.env, made);
          },
        );
        const took = await this.#inflate.feed(rest);
        if (!this.#inflate!.ended) return;
        if (!(await this.#memberEnded())) return;
        [rest, restAt] = [rest.subarray(took), restAt + took];
        continue;
      }
      // A header, a trailer, what follows a member: gathered until whole.
      if (!this.#pending.length) this.#pendingAt = restAt;
      const all = this.#pending.length ? Buffer.concat([this.#pending, rest]) : Buffer.from(rest.buffer, rest.byteOffset, rest.length);
      const used = this.#framing(all);
      if (used === undefined) {
        this.#pending = this.#pending.length ? all : Buffer.from(all); // a copy: no view of the caller's chunk is kept
        return;
      }
      this.#pending = EMPTY;
      [rest, restAt] = [all.subarray(used), this.#pendingAt + used];
      if ((this.#phase as string) === 'header' && this.#members) this.#joined.member(restAt);
    }
  }

  /** Reads what `all` begins with in the current phase: how many of its bytes that took, or undefined while more are needed. */
  #framing(all: Buffer): number | undefined {
    if (this.#phase === 'trailer') {
      if (all.length < TRAILER) return undefined;
      this.#members++;
      this.#phase = 'next';
      return TRAILER;
    }
    if (this.#phase === 'next') {
      if (all.length < 4) return undefined;
      // Another member, or bytes that are none: the end (the router reads on in them, for gzip members after junk).
      this.#phase = isGzip(all) ? 'header' : 'done';
      return 0;
    }
    const length = gzipHeaderLength(all);
    if (length === undefined) return undefined;
    if (length < 0) {
      this.#phase = 'done';
      if (!this.#members) this.env.limit('a damaged gzip stream (a header name without its end)');
      return undefined;
    }
    this.#phase = 'deflate';
    return length;
  }

  /** A member's deflate stream ended: true when it ended whole (its trailer next), false when it failed (named). */
  async #memberEnded(): Promise<boolean> {
    const failure = await this.#inflate!.finish();
    this.#inflate = undefined;
    if (failure === undefined) {
      this.#phase = 'trailer';
      return true;
    }
    this.#phase = 'done';
    // Named as a member inflated raw was named before the members were joined.
    if (!this.#stopped && !this.env.stopped) this.env.limit(`a damaged deflate stream (${failure}): the rest is not audited`);
    return false;
  }

  async #write(chunk: Buffer): Promise<void> {
    if (this.#stopped) return;
    if (!this.env.allow(chunk.length)) {
      this.#stopped = true;
      return;
    }
    await this.#sink.write(chunk);
  }

  async end(): Promise<void> {
    // A header with nothing after it (GZIPOutputStream's 10-byte header array in a JDK class) holds nothing unread: not named.
    if (this.#phase === 'deflate' && this.#inflate) await this.#memberEnded();
    else if (this.#phase === 'header' && !this.#members && !this.#stopped && !this.env.stopped)
      this.env.limit('a damaged gzip stream (it ends inside its header)');
    this.#joined.forget();
    await this.#sink.end();
    // Every reader of the content is done with its bytes (the sink's end awaits them all).
    this.#lease.release();
  }
}
