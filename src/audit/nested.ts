/**
 * The router: what a file inside a layer holds when it is more than bytes. Content is offered to
 * the decoder registry (`decoders/registry.ts`) by its first bytes; a decoder that claims it is fed
 * the content as it streams and writes what it decodes to sinks, each scanned under its path
 * (`app.deb!/data.tar.xz!/etc/app/.env`) and routed again, one level deeper. Content none claims is
 * searched for streams that start anywhere in it, for encoded runs if it is text, and tried as
 * brotli. Bounded, per file as well as per layer, so one crafted file cannot starve the rest: a
 * depth, an expansion ratio, decoded bytes, time, and streams found inside one file. What passes a
 * bound is reported as not fully audited, never passed in silence.
 */
import { coalescing } from './coalesce.js';
import { BOMB_AFTER, bombsMade, bombText, isBombText, zeroBytes, ZEROS_FREE } from './decoders/bomb.js';
import { compress, Lzw } from './decoders/compress.js';
import { EmbeddedStreams } from './decoders/embedded.js';
import { isGzip } from './decoders/gzip-members.js';
import { brotliStream, gzip, zlibFoundInside, zlibStream } from './decoders/native.js';
import { claim, claimByMagic, claimsByStructure, LONG_HEAD, SNIFF } from './decoders/registry.js';
import { EncodedRuns, NOTATION_LABELS, nothingToRead } from './decoders/runs.js';
import { looksBinary, looksText, tryBrotli } from './decoders/trial.js';
import { isRegularFile, type TarEntry, type TarPart } from './tar.js';
import { errorText, inside, type DecodeEnv, type Decoder, type Decoding, type Sink } from './decoders/types.js';

export interface Limits {
  /** How deep containers are opened (a jar in a tar.gz in a layer is depth 2). */
  depth: number;
  /** Decoded bytes per encoded byte above which a stream is a bomb, not content. */
  ratio: number;
  /** Decoded bytes per layer, across all its files. */
  bytes: number;
  /** Decoded bytes from one file of a layer, everything inside it included. */
  fileBytes: number;
  /** Milliseconds spent decoding one file of a layer (the less of wall-clock and process CPU time: `since`) … */
  fileMs: number;
  /**
   * … and this many more for each MiB it holds (its own bytes and what was decoded from it): the bound is on a file read
   * slower than 1 MiB in this many ms, not on a large one read at an ordinary pace — JDK's lib/src.zip (51 MB, 185 MiB
   * decoded at ~8 MB/s) and a Debian package list (50 MB of text) were cut at 20 s in every image holding them.
   */
  fileMsPerMiB: number;
  /** Streams tried inside one file (found by their magic anywhere in it). */
  streams: number;
}

export const DEFAULT_LIMITS: Limits = {
  depth: 6,
  ratio: 200,
  bytes: 8 * 1024 ** 3,
  fileBytes: 1024 ** 3,
  fileMs: 20_000,
  fileMsPerMiB: 2_000,
  streams: 20_000,
};

/** What a layer gives its routers: where decoded content goes and where limits are said. */
export interface RouteContext {
  limits: Limits;
  /** A sink for content found at `path`, `depth` levels down: scanned, and routed by the router given. */
  open(path: string, depth: number, route: (path: string, depth: number) => ContentRouter): Sink;
  /** Reports a part that was not fully audited (a bound passed, a format not read, a corrupt container). */
  limit(what: string, path: string): void;
}

/** One file of a layer and all it holds: its own share of the bounds. */
interface FileBudget {
  bytes: number;
  ms: number;
  /** Wall-clock milliseconds of its pushes: the CPU clock is read only past EXACT_AFTER of the time bound. */
  wall: number;
  streams: number;
  /** More than `Limits.streams` streams started inside it: said once, the rest not opened. */
  tooMany?: boolean;
  stopped: boolean;
}

/**
 * How many of a content's first bytes are a verbatim copy of the bytes of the content it was found in, whose search for
 * streams inside them that content made: a zlib stream found inside plain content whose first block is stored
 * (`zlibFoundInside`, which sets it as the stream's first bytes come). Its output is searched for streams from there on.
 */
export interface Copied {
  length: number;
  /**
   * Searched again all the same: the content it was found in is no copy itself. A stream begun in the copy and running
   * on past it (a gzip member across a level-0 stream's first block's end) is read whole only here: in the bytes it was
   * copied from, the next block's header cuts it. In a copy's copy those streams were opened by the copy already (each
   * record of docker's table: opened again in the copy of the record before it, not in the copies of those).
   */
  again: boolean;
}

/** The routing of one layer: its decoded bytes, and one budget per file. */
export class LayerRoutes {
  used = 0;
  exceeded = false;
  /** The routing of the segments handed over so far, in order. */
  settled: Promise<void> = Promise.resolve();
  #routed: { entry: TarEntry; router: ContentRouter } | undefined;

  constructor(readonly cx: RouteContext) {}

  /** A segment of the layer's tar: a regular file's contents go to its router, in order; a header ends the file before. */
  segment(bytes: Uint8Array, e: TarEntry | undefined, part: TarPart): void {
    const r = this.#routed;
    if (part === 'data' && e && isRegularFile(e.type)) {
      if (r?.entry !== e) {
        if (r) this.settled = this.settled.then(() => r.router.end());
        this.#routed = { entry: e, router: this.file(e.path) };
      }
      const router = this.#routed!.router;
      this.settled = this.settled.then(() => router.push(bytes));
    } else if ((part === 'header' || part === 'end') && r) {
      this.settled = this.settled.then(() => r.router.end());
      this.#routed = undefined;
    }
  }

  /** The last file ended, everything routed. */
  finish(): Promise<void> {
    const r = this.#routed;
    this.#routed = undefined;
    return (this.settled = this.settled.then(() => r?.router.end()));
  }

  /** The router for a file of the layer (depth 1), with a fresh budget. */
  file(path: string): ContentRouter {
    return new ContentRouter(path, 1, this, { bytes: 0, ms: 0, wall: 0, streams: 0, stopped: false });
  }

  /**
   * A sink for content at `path`: `run` when it is what an encoded run in text decoded to (`ContentRouter.run`), `chain`
   * the notations that made it when it is a copy of text (`ContentRouter.chain`).
   */
  sink(path: string, depth: number, file: FileBudget, run = false, chain: readonly string[] = [], copied?: Copied): Sink {
    // Gathered into pieces: a decoder's line-sized writes would each be a push, a scan and a threadpool round trip below.
    // A notation's copy is written whole, once (`RewrittenText`), in a buffer of its own: gathered, it was copied again
    // into a piece grown 4, 16, 64 KiB (a man page's copy of 20 KiB made 84 KiB of garbage; 24,000 copies a layer).
    const sink = this.cx.open(path, depth, (p, d) => new ContentRouter(p, d, this, file, run, chain, copied));
    return chain.length ? sink : coalescing(sink);
  }
}

/** A stream found inside content (not at its start) that fails having given less than this was a chance match. */
const QUIET_FAILURE = 4096;

/**
 * An encoded run that decodes to at most this many bytes is a hash, an id, a nonce or a signature far more often than a
 * compressed stream, and a decoder that claims it by its first bytes opens it as a trial: a failure that gave little is
 * a chance match, not a damaged stream to name (what the stream gave, and the run's own bytes, are scanned all the
 * same; a whole stream is read as any other). Measured, random bytes with the magic forced, a hex run each (4,000 each
 * for zlib, 200 for the others): a zlib header (32 of the 65,536 first pairs) before random bytes is claimed — deflate
 * read to the run's end without a failure — in 1.5% of 20-byte runs (SHA-1: a Mercurial or git changeset), 0.2% of
 * 32-byte ones (SHA-256), 0.08% of 48-byte ones, none of 64 bytes and more; a magic of four bytes or more (zstd, xz,
 * zip, 7z, lzop, bzip2's block; lzip half the time) before random bytes is named damaged nearly always at any length,
 * but meets random bytes one time in 2^32; gzip's and compress's two bytes (1f 8b, 1f 9d) one time in 65,536, named damaged at any
 * length too. 64 is SHA-512's size (npm's `integrity`, `sha512sum`), BLAKE2b's and an Ed25519 signature's: every
 * common hash and id is within it. A real compressed stream that fails is longer, or loses little: gzip's header and
 * trailer alone are 18 bytes; a gzip of the smallest JSON holding a 33-character credential (`{"apiKey":"…"}`) is 66
 * bytes (named), a Docker config's `auths` 118, a Helm release record kilobytes; its zlib stream is 54 (within: cut
 * short, what it gave up to the cut is scanned and nothing past the cut is there to lose; damaged inside, up to 62
 * deflate bytes past the damage go unread and unnamed — room for one short secret: the price of the bound, against one
 * 20-byte hash in ~130,000 (1/2048 × 1.5%) named on every audit of it, a git repository's thousands of tags each a draw).
 */
export const RUN_TRIAL = 64;

/**
 * What a run's claim by gzip's or compress's two-byte magic must show besides (`ContentRouter.run`). Random bytes —
 * what an RSA signature, a key, a MAC or a PGP blob decodes to, in base64 or hex, of any length — begin `1f 8b` once in
 * 65,536, and were then named a damaged gzip stream 199 times in 200: one false "not fully audited" per ~66,000 such
 * runs, at any length past RUN_TRIAL (a big image holds thousands). compress's `1f 9d` and a flags byte it takes (one in
 * 16) were named damaged every time: one run in ~1,050,000. A run whose head fails this is not a claim: its bytes are
 * read as plain content — scanned, and searched for streams inside them, which opens a gzip member (`1f 8b 08`, flags
 * in range) or a `1f 9d 90` compress stream at its first byte as a trial, so a real stream with an unusual header is
 * still read whole, its failure quiet. Files, streams and members are claimed as before (a `.gz` whose header no writer
 * writes and whose stream is damaged is still named).
 *
 * gzip: what every writer measured puts in its header — method 8, no reserved flag bit (`isGzip`), XFL 0, 2 or 4
 * (gzip, pigz, Python's gzip, Node's zlib, Go's compress/gzip, Java's GZIPOutputStream, Ruby, Perl, bsdtar, busybox:
 * 0, 2 for the best level, 4 for the fastest), OS 0–13 (RFC 1952's list), zlib's
 * later codes (16 BeOS, 18 OS/400, 19 macOS: Node's and Python's gzip on a Mac) or 255 (Python, Go, Java: unknown). MTIME
 * is not judged (0, now, or any SOURCE_DATE_EPOCH). Random bytes pass one time in 2^27 × 256/3 × 256/21 ≈ 1.4 × 10^11.
 * compress: the LZW codes of the run's first SNIFF bytes decode (each code at most the next table entry: random codes
 * fail within a few dozen, a real stream cut short passes).
 */
const RUN_CLAIMS: ReadonlyMap<Decoder, (head: Uint8Array) => boolean> = new Map([
  [gzip, (h: Uint8Array) => isGzip(h) && (h.length <= 8 || h[8] === 0 || h[8] === 2 || h[8] === 4) && (h.length <= 9 || h[9]! <= 19 || h[9] === 255)],
  [compress, (h: Uint8Array) => lzwHolds(h.subarray(0, SNIFF))],
]);

/** Whether the LZW codes after a compress header in `h` decode without damage (as far as `h` goes). */
function lzwHolds(h: Uint8Array): boolean {
  if (h.length < 3) return false;
  const lzw = new Lzw(h[2]!);
  lzw.feed(h.subarray(3));
  try {
    while (lzw.run()) lzw.take();
    return true;
  } catch {
    return false;
  }
}

/**
 * Wall-clock and process CPU time now, in milliseconds. A reading taken less than REUSE_MS ago is
 * given again: reading the process's CPU time (getrusage, summed over its threads) costs 3–20 µs,
 * and a file's push reads the clocks as it begins and ends — one file's end and the next one's
 * start are microseconds apart (5% of the audit's main-thread time on 256 KiB files, more on small
 * ones). A reading reused is at most REUSE_MS old, so a push counts within that of what it took.
 */
let last = { wall: -Infinity, cpu: 0 };
const REUSE_MS = 0.05;
export const spent = (): { wall: number; cpu: number } => {
  const wall = performance.now();
  if (wall - last.wall < REUSE_MS) return last;
  const { user, system } = process.cpuUsage();
  return (last = { wall, cpu: (user + system) / 1000 });
};
const ZERO = { wall: 0, cpu: 0 };
/** The clocks as a push began; `earlier`: a CPU reading taken at most FRESH_MS before, when the push's own was not. */
type Started = { wall: number; cpu: number; earlier?: { wall: number; cpu: number } };
/** How old a CPU reading may be to stand for a push's start: one getrusage every 100 ms of a file's first pushes at most. */
const FRESH_MS = 100;
/**
 * The share of a file's time bound within which the CPU clock is not read: a file's first pushes
 * count by wall-clock, and only what passes this share — most files of a layer end well within
 * it, and reading the CPU clock (getrusage, twice a push) cost 5% of the audit's main thread on
 * 256 KiB files, more on small ones. The push that crosses it counts its wall-clock past it (one
 * long push — a 63 KB file that costs seconds — is still bounded); later ones the less of both.
 */
const EXACT_AFTER = 1 / 20;
/**
 * The time a file's decoding took: the less of wall-clock and the process's CPU time. On a machine
 * busy with other work the wall clock runs on while Hoist waits for a core — a file's budget would
 * then depend on the load, and the same image be fully audited on one runner and not on another —;
 * CPU time alone would count the threadpool's inflation of other layers too.
 */
export const since = (start: { wall: number; cpu: number }): number => {
  const now = spent();
  return Math.min(now.wall - start.wall, now.cpu - start.cpu);
};

/** Compressed streams followed only by more of their own frames or members (`cat a.zst b.zst`, pigz). */
const FRAMES = new Set(['gzip', 'zstd', 'lz4']);

/** One content's routing: gathered to LONG_HEAD bytes (or its end), then claimed by a decoder or treated as plain. */
export class ContentRouter {
  #head: Buffer[] = [];
  #headSize = 0;
  #decoding: Decoding | undefined;
  #plain: { streams: EmbeddedStreams; runs: EncodedRuns | undefined } | undefined;
  #after: EmbeddedStreams | undefined;
  /** Its own stream named a bomb (`bomb.ts`): streams after it are not looked for (a bomb's later gzip members). */
  #bombed = false;
  #stopped = false;
  #in = 0;
  #out = 0;
  readonly #limits: Limits;

  constructor(
    readonly path: string,
    readonly depth: number,
    readonly layer: LayerRoutes,
    readonly file: FileBudget,
    /** What an encoded run in text decoded to (`#runs`): at most RUN_TRIAL bytes of it, a decoder's claim is a trial. */
    readonly run = false,
    /**
     * The labels of the text notations that made this content, first to last, when it is a copy of text
     * (`!(roff glyphs at N)!(joined literals at M)`): its own copies are made by the notations that follow
     * (`text-rewrite.ts` `following`). None for a file, a decoder's content or an encoded run's.
     */
    readonly chain: readonly string[] = [],
    /** Its first bytes a copy of its parent's, searched there (`Copied`): its own search for streams starts after them. */
    readonly copied?: Copied,
  ) {
    this.#limits = layer.cx.limits;
  }

  async push(bytes: Uint8Array): Promise<void> {
    if (this.#stopped || this.file.stopped) return;
    this.#in += bytes.length;
    const started = this.depth === 1 ? this.#begin() : ZERO;
    try {
      if (this.#decoding || this.#plain) await this.#feed(bytes);
      else if (this.#headSize === 0 && bytes.length >= LONG_HEAD) await this.#decide(bytes);
      else {
        this.#head.push(Buffer.from(bytes));
        this.#headSize += bytes.length;
        if (this.#headSize >= LONG_HEAD) await this.#start();
      }
    } finally {
      if (this.depth === 1) this.#clock(started);
    }
  }

  async end(): Promise<void> {
    const started = this.depth === 1 ? this.#begin() : ZERO;
    if (!this.#decoding && !this.#plain && this.#headSize && !this.#stopped && !this.file.stopped) await this.#start(true);
    // Each part ended whatever the one before did: a part left unended may still read the content's bytes (a zlib
    // Transform with input queued), which a decoder gives back for another content once this one has ended
    // (`zip-output-pool.ts`), and what it held was not audited.
    let failure: unknown;
    for (const part of [this.#decoding, this.#after, this.#plain?.streams, this.#plain?.runs])
      try {
        await part?.end();
      } catch (e) {
        failure ??= e;
      }
    if (failure !== undefined) this.#limit(`a damaged container (${errorText(failure)})`);
    if (this.depth === 1) this.#clock(started);
  }

  /**
   * The clocks as a push of the file begins: wall-clock alone (no CPU reading of its own: `cpu` NaN) while the file is
   * within EXACT_AFTER, and the last CPU reading taken (`spent`, by any push), if it is at most FRESH_MS old.
   */
  #begin(): Started {
    if (this.file.wall >= this.#limits.fileMs * EXACT_AFTER) return spent();
    const wall = performance.now();
    return { wall, cpu: NaN, earlier: wall - last.wall <= FRESH_MS ? last : spent() };
  }

  #clock(started: Started): void {
    const before = this.file.wall;
    this.file.wall += performance.now() - started.wall;
    const free = this.#limits.fileMs * EXACT_AFTER;
    // The push that crosses EXACT_AFTER: its wall-clock past it, but no more than the CPU time since the reading before
    // it began — on a loaded runner one 256 KiB push of a SQL dump took 9 s of wall-clock for 1 s of CPU, and the file
    // was cut at 7 s of the process's CPU.
    const past = Number.isNaN(started.cpu) ? Math.max(0, this.file.wall - Math.max(before, free)) : 0;
    this.file.ms += Number.isNaN(started.cpu) ? (past > 0 && started.earlier ? Math.min(past, spent().cpu - started.earlier.cpu) : past) : since(started);
    if (this.file.ms > this.#limits.fileMs && !this.file.stopped) {
      const mib = (this.file.bytes + this.#in) / (1 << 20);
      const bound = this.#limits.fileMs + mib * this.#limits.fileMsPerMiB;
      if (this.file.ms <= bound) return;
      this.file.stopped = true;
      const said = this.#limits.fileMsPerMiB
        ? `${Math.round(bound / 1000)} s (${this.#limits.fileMs / 1000} s and ${this.#limits.fileMsPerMiB / 1000} s for each of its ${mib.toFixed(1)} MiB)`
        : `${this.#limits.fileMs / 1000} s`;
      this.layer.cx.limit(`decoding what it holds took more than ${said}: the rest is not audited`, this.path);
    }
  }

  async #feed(bytes: Uint8Array): Promise<void> {
    try {
      await this.#decoding?.push(bytes);
      if (!this.#bombed) await this.#after?.push(bytes);
      await this.#plain?.streams.push(bytes);
      await this.#plain?.runs?.push(bytes);
    } catch (e) {
      this.#limit(`a damaged container (${errorText(e)}): the rest is not audited`);
    }
  }

  #limit(what: string, path = this.path): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.layer.cx.limit(what, path);
  }

  /** The content's head decided on: `whole`, the content ended with it. */
  #start(whole = false): Promise<void> {
    const head = Buffer.concat(this.#head);
    this.#head = [];
    return this.#decide(head, whole);
  }

  async #decide(head: Uint8Array, whole = false): Promise<void> {
    let decoder = claim(head.length > LONG_HEAD ? head.subarray(0, LONG_HEAD) : head, this.path);
    // A run's claim by a two-byte magic holds only with the header its writers write (RUN_CLAIMS): else it is plain bytes.
    if (decoder && this.run && RUN_CLAIMS.get(decoder)?.(head) === false) decoder = undefined;
    const deep = this.depth > this.#limits.depth;
    if (decoder && deep) return this.#limit(`containers nested deeper than ${this.#limits.depth} levels (a ${decoder.name} here)`);
    if (decoder) {
      // Told by structure alone (raw deflate, Hadoop snappy, pickle 0), a claim is a trial: hex of `AAAA…` (0xAA bytes)
      // passes raw deflate's first-block check, then fails — a chance, not a damaged stream to name. So is a claim of a
      // short run's bytes (RUN_TRIAL): a Mercurial changeset's 20 bytes that begin `78 9c` and read as deflate to their
      // end. The head is the whole content here: it is decided before its end only once it holds LONG_HEAD bytes.
      const chance = this.run && head.length <= RUN_TRIAL;
      this.#decoding = decoder.open(this.env(this.path, claimsByStructure(decoder) || chance, decoder.maxRatio));
      // Streams after this one's end (concatenated members, frames) are found as streams inside the content. After a
      // compressed stream, of its own format only: its stored or raw blocks hold other formats' bytes as they are,
      // read inside it already. After a container (an initramfs's cpio), any format: the next part may be compressed.
      if (decoder.more) this.#after = this.#embedded(1, FRAMES.has(decoder.name) ? decoder : undefined);
    } else if (!deep && !looksText(head) && tryBrotli(head, (out) => claimByMagic(out) !== undefined)) {
      // Brotli by trial, without a name to say so: the content is read as plain as well (a few random bytes before
      // text often read as a brotli uncompressed meta-block, whose stream then fails), and the stream is a trial (quiet).
      this.#decoding = brotliStream(this.env(this.path, true));
      this.#plain = { streams: this.#embedded(this.copied?.again ? 0 : this.copied?.length), runs: this.#runs(head, whole) };
    } else if (deep) return void (this.#stopped = true);
    else this.#plain = { streams: this.#embedded(this.copied?.again ? 0 : this.copied?.length), runs: this.#runs(head, whole) };
    await this.#feed(head);
  }

  /** Streams starting anywhere in the content from byte `from` on (of the format `only`, when given). */
  #embedded(from = 0, only?: Decoder): EmbeddedStreams {
    return new EmbeddedStreams(
      from,
      ({ offset, decoder }) => {
        if (only && decoder.name !== only.name) return undefined;
        // Counted per file (all its contents' searches), as the bound says: each search counted its own before.
        if (this.file.streams >= this.#limits.streams) return void this.#tooManyStreams();
        this.file.streams++;
        const path = `${this.path}@${offset}`;
        // Begun in this content's copy (searched again, `Copied.again`): the content it was copied from opened it at the
        // same bytes and says what failed there; here it is read for what runs on past the copy, its failure never said
        // (the copy's end, or its stream's damage, cuts it).
        const silent = this.copied !== undefined && offset < this.copied.length;
        let d: Decoding;
        if (decoder === zlibStream) {
          // A stored first block's output is this content's next bytes (`zlibFoundInside`): searched for streams again
          // only where this content is no copy itself.
          // Begun in the copy with a stored first block of its own: a copy of a copy, not read (a table of such records,
          // one every 80 bytes, opened 816 again in each record's copy: minutes, where read once it takes seconds).
          const copied: Copied = { length: 0, again: !this.copied?.length };
          d = zlibFoundInside(this.env(path, true, decoder.maxRatio, copied, silent), copied, silent ? () => void this.file.streams-- : undefined);
        } else d = decoder.open(this.env(path, true, decoder.maxRatio, undefined, silent));
        // Over as it opens (a member read already with the ones before it): not a stream of its own (`embedded.ts`).
        if (d.finished) this.file.streams--;
        return d;
      },
      this.#limits.streams,
      () => this.#tooManyStreams(),
    );
  }

  #tooManyStreams(): void {
    if (this.file.tooMany) return;
    this.file.tooMany = true;
    this.layer.cx.limit(`more than ${this.#limits.streams} compressed streams start inside it: the rest were not opened`, this.path);
  }

  /** The readers of encoded runs for a content that begins with `head` (`whole`: is all of it), none where they can find nothing. */
  #runs(head: Uint8Array, whole: boolean): EncodedRuns | undefined {
    if (whole && nothingToRead(head)) return undefined;
    const delimited = !looksBinary(head);
    // A git binary patch's hunk is a zlib stream by its format (`runs-anchored.ts`), not by a chance first two bytes.
    const open = (offset: number, alphabet: string) =>
      this.layer.sink(
        `${this.path.endsWith('!') ? this.path : `${this.path}!`}(${alphabet} at ${offset})`,
        this.depth + 1,
        this.file,
        alphabet !== 'git binary patch',
        NOTATION_LABELS.has(alphabet) ? [...this.chain, alphabet] : [],
      );
    return new EncodedRuns(open, delimited, this.chain);
  }

  /**
   * What a decoder of this content (or of a stream found at an offset inside it, `quiet`; `silent`: its failure never
   * said) is given. A format that bounds its own expansion (`maxRatio`: deflate's 1032) above the audit's ratio is held
   * to its own: it cannot be a bomb by ratio.
   */
  env(path: string, quiet: boolean, maxRatio = 0, copied?: Copied, silent = false): DecodeEnv {
    let out = 0;
    let stopped = false;
    const { file, layer } = this;
    const limits = this.#limits;
    const bound = Math.max(limits.ratio, maxRatio + 1);
    const stop = (what: string, at = path) => {
      if (stopped) return;
      stopped = true;
      if (path === this.path && isBombText(what)) this.#bombed = true;
      if (!silent && (!quiet || out >= QUIET_FAILURE)) this.layer.cx.limit(what, at);
    };
    // Whole 4 KiB pieces of zeros written (a sparse disk image's free blocks) given back to every count `allow` made,
    // up to ZEROS_FREE (`bomb.ts`): they are neither a bomb's measure nor the file's bytes. Told as they are written,
    // after their `allow`: one write late.
    let zeros = 0;
    const sparse = (sink: Sink): Sink => ({
      write: (b) => {
        const z = zeros < ZEROS_FREE ? Math.min(zeroBytes(b), ZEROS_FREE - zeros) : 0;
        if (z) {
          zeros += z;
          out -= z;
          this.#out -= z;
          this.file.bytes -= z;
          this.layer.used -= z;
        }
        return sink.write(b);
      },
      end: () => sink.end(),
    });
    const self: DecodeEnv = {
      path,
      trial: quiet,
      scope: file,
      ratio: limits.ratio,
      get stopped() {
        return stopped || file.stopped || layer.exceeded;
      },
      open: (name) =>
        sparse(
          name === undefined
            ? this.layer.sink(`${path}!`, this.depth + 1, this.file, false, [], copied)
            : this.layer.sink(inside(path, name), this.depth + 1, this.file),
        ),
      openAt: (p) => sparse(this.layer.sink(p, this.depth + 1, this.file)),
      limit: (what, at) => (at && at !== path ? this.layer.cx.limit(what, at) : stop(what)),
      allow: (n) => {
        out += n;
        this.#out += n;
        this.file.bytes += n;
        this.layer.used += n;
        if (this.layer.used > limits.bytes) {
          if (!this.layer.exceeded) this.layer.cx.limit(`the layer's files hold more than ${limits.bytes} decoded bytes: the rest is not audited`, path);
          this.layer.exceeded = true;
          return false;
        }
        if (this.file.bytes > limits.fileBytes) {
          if (!this.file.stopped) this.layer.cx.limit(`it holds more than ${limits.fileBytes} decoded bytes: the rest is not audited`, path);
          this.file.stopped = true;
          return false;
        }
        if (!quiet && this.#out > bound * this.#in + (1 << 20)) {
          stop(`it expands more than ${bound} times (a decompression bomb?): the rest is not audited`);
          return false;
        }
        if (quiet && out > bound * (this.#in + 1024) + (1 << 20)) {
          stop(`it expands more than ${bound} times (a decompression bomb?): the rest is not audited`);
          return false;
        }
        // A format let expand past the audit's ratio (deflate's 1032) is held to it past BOMB_AFTER (`bomb.ts`): judged
        // here by the input pushed so far; the inflate engines, which know what they consumed, tell it sooner.
        // Less what the bombs it named at its members made (`nameBomb`): those are named, and no longer count.
        if (bound > limits.ratio && (quiet ? out : this.#out) > BOMB_AFTER) {
          const made = (quiet ? out : this.#out) - bombsMade(self);
          if (made > BOMB_AFTER && made > limits.ratio * (quiet ? this.#in + 1024 : this.#in)) {
            stop(bombText(made));
            return false;
          }
        }
        return !stopped;
      },
    };
    return self;
  }
}
