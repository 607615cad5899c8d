/**
 * A text reader that rewrites the text around a notation a writer put into it and routes the copy as
 * content of its own (`!(<label> at N)`), for notations no escape family reads: what is found in the
 * copy is what the writer's reader would see. A notation is met at a needle found natively
 * (Buffer.indexOf, so text without one costs a few native searches a chunk) and confirmed by its
 * `at` check; the text from CONTEXT bytes before the first confirmed place to CONTEXT after the last
 * (places closer than twice CONTEXT are one window) is given to `rewrite`, and routed when the
 * rewrite changed it. A chunk's last CONTEXT bytes wait for the next, so a window is whole whatever
 * the chunk sizes; each place is read once (a window's context may overlap the next one's).
 */
import { base85Line } from './runs-base85.js';
import { giveBack, lease } from './join-pool.js';
import { Triggers, type Keep } from './text-triggers.js';
import type { Sink } from './types.js';

/** Bytes before the first place and after the last that are rewritten with them: a value this long is read whole. */
export const CONTEXT = 1024;
/** A window rewritten at once at most: a longer stretch of places is cut into windows of this size. */
const MAX_WINDOW = 256 * 1024;

/** Bytes either side of a place that must be text (`textAround`). */
const AROUND = 16;

/**
 * Whether the AROUND bytes either side of `at` (as far as `b` holds them) are text: no control but tab and line breaks,
 * and with `sevenBit` nothing above 0x7E (RTF, `\DDD`, `cat -v` and `sed -n l` write 7-bit text). A notation's needle
 * met by chance in binary content that the router took for text (a `\` and a line break every 64 KiB of random bytes)
 * is then no place: 32 random bytes pass one time in 50, or never when 7-bit.
 */
export function textAround(b: Uint8Array, at: number, sevenBit: boolean): boolean {
  const top = sevenBit ? 0x7e : 0xff;
  for (let i = Math.max(at - AROUND, 0), end = Math.min(at + AROUND, b.length); i < end; i++) {
    const c = b[i]!;
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13) || c === 0x7f || c > top) return false;
  }
  return true;
}

export interface Notation {
  /** The label of the routed copy: `(<label> at N)`. */
  label: string;
  /** Bytes before the first place and after the last rewritten with them (CONTEXT unless given). */
  context?: number;
  /** Byte strings at least one of which every place of the notation holds at its start. */
  needles: Buffer[];
  /** Whether the needle found at `at` of `b` begins a place of the notation (evidence, not a chance byte pair). */
  at(b: Buffer, at: number): boolean;
  /**
   * A cheap test `at` passes only where it holds too, by the bytes of `b` alone (no state, nothing made): a needle it
   * refuses is not listed as a place at all (`Triggers.find`) — where a needle stands in most text (a call's `(`, a line
   * break), the list of places `at` then refused was most of the audit's allocation. Called alone, not as a method.
   */
  may?: (b: Buffer, at: number) => boolean;
  /**
   * Whether `at`'s evidence is what no encoder's line gives by chance — two escaped bytes making one UTF-8 character —,
   * so a line of base85's alphabet with no blank does not veto it (`base85Line`): `cat -A` makes such lines of any text.
   */
  beyondEncoders?: boolean;
  /** The window rewritten, or undefined when nothing in it changed. */
  rewrite(window: Buffer): Buffer | undefined;
}

/** One notation's reading of the shared text: where its needles are in this read, the next one to look at, and where its last window ended. */
interface Reading {
  notation: Notation;
  /** Its index in the notations the searches were made for (`#triggers`). */
  index: number;
  places: number[];
  next: number;
  windowEnd: number;
  /**
   * A window of this notation's places that reached the read's end and may go on in the next chunk: its places, where
   * they are in the text, read again with the next chunk's and routed once the window ends — whole, up to MAX_WINDOW,
   * not cut at a chunk's end (a stream in base64 cut into Go's or Python's adjacent literals, longer than a chunk, was
   * routed in pieces, each named a damaged stream).
   */
  held: number[];
}

/**
 * The searches for the needles of a list of notations, made once (each text has a RewrittenText and notations of its
 * own, an archive thousands of texts), by the needles' bytes.
 */
const TRIGGERS = new Map<string, Triggers>();

/**
 * Each needle list's part of the key, by the list: the lists are the notations' constants, so the key of a text's
 * notations is a join of a few strings kept, not every needle made a string again for every text (a content routed as
 * a copy is a text too: a layer of man pages made 4.5 s of its 111 s building keys). A list of a notation made for one
 * text (`wrappedWords()`) is read once and dropped with it.
 */
const PARTS = new WeakMap<Buffer[], string>();

/** The searches for the needles of `notations`, made once for each set of needles. */
export function triggersOf(notations: Notation[]): Triggers {
  let key = '';
  for (let i = 0; i < notations.length; i++) {
    const list = notations[i]!.needles;
    let part = PARTS.get(list);
    if (part === undefined) PARTS.set(list, (part = list.map((b) => b.toString('latin1')).join('\0')));
    key += i ? '\x01' + part : part;
  }
  let triggers = TRIGGERS.get(key);
  if (!triggers) TRIGGERS.set(key, (triggers = new Triggers(notations.map((n) => n.needles))));
  return triggers;
}

/**
 * The order the notations read each other's copies in (their labels): a copy is read by the notations after the one
 * that made it. Chosen so that few pairs need both orders (BOTH_ORDERS): a notation whose writer writes another's over
 * is read first where only that order finds a value — nroff's bold (overstrike) of any text, roff's glyphs before the
 * literals a man page's C example joins (`\(dq`), a dump's or a coloured match's bytes before what they hold; the
 * notations that read a window's line breaks (wrapped text) last. Found by writing a value through every ordered pair
 * of the notations' writers (`notation-order.test.ts`, `notation-writers.testing.ts`).
 */
export const READ_ORDER: readonly string[] = [
  'table cells',
  'php nul pieces',
  'char list',
  'char codes',
  'overstrike',
  'packet dump',
  'roff glyphs',
  'systemd escape',
  'terminal colours',
  'joined literals',
  'porcelain word diff',
  'RFC 2231 continuations',
  'Texinfo escapes',
  'LaTeX escapes',
  'decimal escapes',
  'meta notation',
  'RTF escapes',
  'word diff',
  'mojibake',
  'html spans',
  'escaped colours',
  'wrapped text',
];

/** A RewrittenText's opener of sinks. */
export type Opener = (offset: number, alphabet: string) => Sink | undefined;

/**
 * The pairs of notations read in both orders: [A, B], B listed before A, where B's reading of A's copy finds what A's
 * reading of B's copy does not — A's writer wrote B's notation over (pandoc's man writer writes a C literal's quotes
 * as `\(dq`: the literals are joined only once roff's glyphs are read; nroff's bold doubles every byte of a `\DDD`;
 * a coloured match cuts a literal, whose joint `textAround` then refuses). Found by writing a value through every
 * ordered pair of the notations' writers (`notation-order.test.ts`): each pair here is one a case needs.
 */
const after = (a: string, bs: string[]) => bs.map((b) => [a, b] as const);
export const BOTH_ORDERS: ReadonlyArray<readonly [string, string]> = [
  ...after('packet dump', ['overstrike']),
  ...after('systemd escape', ['overstrike', 'packet dump', 'roff glyphs']),
  ...after('terminal colours', ['packet dump', 'systemd escape']),
  ...after('joined literals', ['packet dump', 'systemd escape']),
  ...after('porcelain word diff', ['systemd escape', 'terminal colours']),
  ...after('RFC 2231 continuations', ['packet dump', 'systemd escape', 'terminal colours']),
  ...after('Texinfo escapes', ['roff glyphs', 'systemd escape']),
  ...after('LaTeX escapes', ['roff glyphs', 'systemd escape', 'porcelain word diff', 'Texinfo escapes']),
  ...after('decimal escapes', [
    'overstrike',
    'roff glyphs',
    'systemd escape',
    'terminal colours',
    'joined literals',
    'porcelain word diff',
    'Texinfo escapes',
    'LaTeX escapes',
  ]),
  ...after('RTF escapes', ['roff glyphs', 'systemd escape', 'Texinfo escapes', 'LaTeX escapes', 'decimal escapes']),
  ...after('word diff', ['overstrike', 'systemd escape', 'terminal colours', 'Texinfo escapes', 'LaTeX escapes', 'decimal escapes', 'RTF escapes']),
  ...after('wrapped text', ['RTF escapes']),
  // Spans and escaped colours are read late (what they cut is most often plain text); these write under them.
  ...after('html spans', [
    'LaTeX escapes',
    'RFC 2231 continuations',
    'Texinfo escapes',
    'char codes',
    'char list',
    'decimal escapes',
    'packet dump',
    'systemd escape',
    'table cells',
    'terminal colours',
  ]),
  ...after('escaped colours', [
    'LaTeX escapes',
    'RFC 2231 continuations',
    'RTF escapes',
    'Texinfo escapes',
    'char codes',
    'char list',
    'decimal escapes',
    'html spans',
    'packet dump',
    'systemd escape',
    'table cells',
    'terminal colours',
  ]),
  // A table's cells (table cells) are read first: a table is drawn over what its cells hold; these write over its borders.
  ...[
    'LaTeX escapes',
    'RFC 2231 continuations',
    'char codes',
    'char list',
    'decimal escapes',
    'joined literals',
    'overstrike',
    'packet dump',
    'systemd escape',
    'terminal colours',
  ].map((a) => [a, 'table cells'] as const),
  // A value's characters listed (char list) or its UTF-16 var_exported (php nul pieces) are read first, as char codes
  // are; these write over the list's quotes and commas or the pieces' joins.
  ...[
    'LaTeX escapes',
    'RFC 2231 continuations',
    'RTF escapes',
    'Texinfo escapes',
    'char codes',
    'decimal escapes',
    'joined literals',
    'meta notation',
    'mojibake',
    'overstrike',
    'packet dump',
    'porcelain word diff',
    'roff glyphs',
    'systemd escape',
    'terminal colours',
    'word diff',
  ].map((a) => [a, 'char list'] as const),
  ...[
    'LaTeX escapes',
    'RTF escapes',
    'Texinfo escapes',
    'char codes',
    'char list',
    'decimal escapes',
    'overstrike',
    'packet dump',
    'porcelain word diff',
    'roff glyphs',
    'systemd escape',
    'terminal colours',
  ].map((a) => [a, 'php nul pieces'] as const),
  // Char codes are read first (a writer that codes every character writes over all); these cut or mark the calls.
  ...[
    'joined literals',
    'packet dump',
    'overstrike',
    'word diff',
    'systemd escape',
    'terminal colours',
    'LaTeX escapes',
    'porcelain word diff',
    'RFC 2231 continuations',
  ].map((a) => [a, 'char codes'] as const),
];
/** BOTH_ORDERS by the first notation of each pair: the notations listed before it that read its copies too. */
export function backOf(pairs: ReadonlyArray<readonly [string, string]>): ReadonlyMap<string, ReadonlySet<string>> {
  const back = new Map<string, Set<string>>();
  for (const [a, b] of pairs) back.set(a, (back.get(a) ?? new Set()).add(b));
  return back;
}
const BACK = backOf(BOTH_ORDERS);

/**
 * The notations of `notations` that read a copy the notations `chain` made: those after the last of them in `order`
 * (READ_ORDER), and those BOTH_ORDERS reads after it too — none the chain holds. Each set of notations is so applied
 * once, in one order. A copy of every order each was applied in (`!(roff glyphs)!(joined literals)` and
 * `!(joined literals)!(roff glyphs)`, up to the depth bound) was scanned whole and its runs routed again: the real
 * router made 118,939 contents of Debian's 18,246 man1 pages, 19,476 of them the same notations as another content of
 * the file in another order; 96,903 now (104 such: the pairs kept both ways).
 */
export function following<N extends { label: string }>(
  notations: N[],
  chain: readonly string[],
  backs: ReadonlyMap<string, ReadonlySet<string>> = BACK,
  order: readonly string[] = READ_ORDER,
): N[] {
  if (!chain.length) return notations;
  // A notation READ_ORDER does not name (a new one) is read after all it names, in the order `notations` lists it.
  const rank = (label: string) => (order.includes(label) ? order.indexOf(label) : order.length + notations.findIndex((n) => n.label === label));
  const last = chain[chain.length - 1]!;
  const from = rank(last);
  const back = backs.get(last);
  return notations.filter((n) => !chain.includes(n.label) && (rank(n.label) > from || back?.has(n.label) === true));
}

/** The notations of one text, read over one carry (one copy of each chunk joined to the last one's end, not one each). */
export class RewrittenText {
  /** The chunk before's last bytes (CONTEXT and up to twice that), not yet read for places. */
  #carry: Buffer = Buffer.alloc(0);
  /** How many bytes at the carry's start were already read for places (its context only). */
  #seen = 0;
  #offset = 0;
  readonly #readings: Reading[];
  /** The needles of all the notations, found in one set of searches a read (`text-triggers.ts`). */
  readonly #triggers: Triggers;
  /** The widest context of the notations: what each chunk's end waits for, and what the carry keeps before it. */
  readonly #context: number;
  /** By the triggers' notations, which of their places to list (`Triggers.find`): none of a notation not read here. */
  readonly #keep: Keep[];

  constructor(
    all: Notation[],
    readonly open: Opener,
    /** The notations that made this text (a copy's chain, `ContentRouter.chain`): only those that follow are read. */
    chain: readonly string[] = [],
  ) {
    const read = new Set(following(all, chain));
    this.#readings = all.flatMap((notation, index) => (read.has(notation) ? [{ notation, index, places: [], next: 0, windowEnd: 0, held: [] }] : []));
    // The searches of all the notations, the places of those a copy is not read by left: searches for each set a chain
    // leaves (1,530 sets within four notations, 160 KiB each) raised a man-page layer's peak RSS by 10-20 MiB.
    this.#triggers = triggersOf(all);
    this.#keep = all.map((notation) => (read.has(notation) ? notation.may : null));
    this.#context = Math.max(0, ...this.#readings.map((r) => r.notation.context ?? CONTEXT));
  }

  async push(chunk: Uint8Array): Promise<void> {
    if (!this.#readings.length) return;
    const fresh = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const base = this.#offset - this.#carry.length;
    this.#offset += chunk.length;
    if (!this.#carry.length) return this.#read(fresh, base, false);
    // The carry then the chunk, in a buffer leased for this push (`join-pool.ts`): a new one each push (Buffer.concat),
    // then one of each text's own, was an ArrayBuffer made for every text. Nothing keeps it past the push: the carry is
    // copied out of it, and a rewrite that hands back a view of its window is copied before it is routed (`#route`).
    const carry = this.#carry;
    const n = carry.length + fresh.length;
    const joined = lease(n + 3 * this.#context);
    try {
      carry.copy(joined, 0);
      fresh.copy(joined, carry.length);
      await this.#read(joined.subarray(0, n), base, false);
    } finally {
      giveBack(joined);
    }
  }

  async end(): Promise<void> {
    const carry = this.#carry;
    this.#carry = Buffer.alloc(0);
    if (carry.length) await this.#read(carry, this.#offset - carry.length, true);
  }

  /** Reads the places of `b` from #seen up to its last CONTEXT bytes (all when `last`), keeping what the next chunk needs. */
  async #read(b: Buffer, base: number, last: boolean): Promise<void> {
    const limit = last ? b.length : Math.max(b.length - this.#context, 0);
    const places = this.#triggers.find(b, this.#seen, limit, this.#keep);
    for (let i = 0; i < this.#readings.length; i++) {
      const r = this.#readings[i]!;
      r.places = r.held.length ? [...r.held.map((at) => at - base), ...places[r.index]!] : places[r.index]!;
      r.next = 0;
      if (r.places.length) await this.#places(r, b, base, limit, last);
    }
    if (last) return;
    // The next chunk reads on from `limit`, with the context before it kept whole: a window begun there has all of its
    // context, though a window of this chunk may have held some of it (a value there may be routed twice, never cut).
    // A window held open keeps its own start and context too.
    let from = limit;
    for (const r of this.#readings) if (r.held.length) from = Math.min(from, r.held[0]! - base);
    const kept = Math.max(Math.min(limit, from) - this.#context, 0);
    this.#carry = Buffer.from(b.subarray(kept));
    this.#seen = limit - kept;
  }

  /** One notation's places in `b` (from #seen to the read's limit), each window of them rewritten and routed. */
  async #places(r: Reading, b: Buffer, base: number, limit: number, last: boolean): Promise<void> {
    let from = r.held.length ? r.held[0]! - base : this.#seen;
    r.held = [];
    r.windowEnd = 0;
    for (;;) {
      const first = next(r, b, from);
      if (first < 0) return;
      let lastPlace = first;
      const window = [first];
      let after = next(r, b, first + 1);
      while (after >= 0 && after - lastPlace < 2 * (r.notation.context ?? CONTEXT) && after - first < MAX_WINDOW) {
        lastPlace = after;
        window.push(after);
        after = next(r, b, after + 1);
      }
      const context = r.notation.context ?? CONTEXT;
      if (after < 0 && !last && lastPlace + 2 * context > limit && limit - first < MAX_WINDOW) {
        // The window may go on past this read's end: held open, read with the next chunk.
        r.held = window.map((at) => base + at);
        return;
      }
      const start = Math.max(first - context, r.windowEnd, 0);
      const end = Math.min(lastPlace + context, b.length);
      await this.#route(r.notation, b.subarray(start, end), base + start);
      r.windowEnd = end;
      if (after < 0) return;
      from = after;
    }
  }

  async #route(notation: Notation, window: Buffer, offset: number): Promise<void> {
    const rewritten = notation.rewrite(window);
    if (!rewritten || rewritten.length < 8) return;
    // The window is in the joined buffer, written over by the next push: a view of it is not what the sink may keep.
    const out = rewritten.buffer === window.buffer ? Buffer.from(rewritten) : rewritten;
    const sink = this.open(offset, notation.label);
    if (!sink) return;
    await sink.write(out);
    await sink.end();
  }
}

/** The first confirmed place of `r`'s notation in `b` from `from` on, or -1 (its places past `limit` were not taken). */
function next(r: Reading, b: Buffer, from: number): number {
  const places = r.places;
  for (; r.next < places.length; r.next++) {
    const at = places[r.next]!;
    if (at < from) continue;
    // In a line an encoder wrote (a run the text's readers decode whole), a needle is the run's data: no notation's place.
    if (r.notation.at(b, at) && !encodedLine(b, at) && (r.notation.beyondEncoders || !base85Line(b, at))) return at;
  }
  return -1;
}

const GIT85 = new Set('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~');

/**
 * Whether the line around `at` is a line of an encoded run that states its own length — a git binary patch's (a
 * letter for 1-52 bytes, then 5 base85 characters for every 4) or uuencode's (32 + the bytes, then 4 characters for
 * every 3): a notation's needles (Texinfo's `@@` `@{` `@}`, a joined literal's `" ` and `\` at a line end) are in
 * those alphabets, a few times in a KiB, and rewritten they damage the run (a clean patch was named as a damaged zlib
 * stream at `(Texinfo escapes at 0)!(git binary patch at 442)`, a clean uuencoded .tgz as a damaged tar at
 * `(joined literals at 0)!(uuencode at 18)!`). No line of text, no URL, has that shape and length.
 */
/** The longest line either shape makes: git's 1 + 65 characters, uuencode's 1 + 84 (and a CR). */
const ENCODED_LINE = 87;

export function encodedLine(b: Buffer, at: number): boolean {
  // Only the bytes an encoded line can span are looked at: a long line (minified code) is none, and its places are many.
  const ahead = b.subarray(at, at + ENCODED_LINE + 1).indexOf(0x0a);
  if (ahead < 0) return false;
  const end = at + ahead;
  const from = Math.max(0, at - ENCODED_LINE - 1);
  const start = from + b.subarray(from, at).lastIndexOf(0x0a) + 1;
  if ((start === from && from > 0) || end - start > ENCODED_LINE) return false;
  const line = b.toString('latin1', start, b[end - 1] === 0x0d ? end - 1 : end);
  const [lead, body] = [line.charCodeAt(0), line.slice(1)];
  const bytes = lead >= 0x41 && lead <= 0x5a ? lead - 0x40 : lead >= 0x61 && lead <= 0x7a ? lead - 0x60 + 26 : 0;
  if (bytes && body.length === 5 * Math.ceil(bytes / 4) && [...body].every((c) => GIT85.has(c))) return true;
  const uu = lead - 0x20;
  return uu >= 1 && uu <= 63 && body.length === 4 * Math.ceil(uu / 3) && /^[\x20-\x60]*$/.test(body);
}
