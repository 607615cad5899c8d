/**
 * The escape families the audit reads through (`escapes.ts`): for each, the bytes its escapes
 * begin with, the modes to read on in from there, a decoder, and a quick look for the common case.
 */
import { CssDecoder, HexPairDecoder, POWERSHELL_SPECIALS, PrefixDecoder } from './escape-chars.js';
import { BACKSLASH_KINDS, BackslashDecoder, EntityDecoder, HEX, isAlpha, isHex, quickBackslash, type Decoder } from './escape-decoders.js';
import { DECIMAL_ESCAPES, RAW_UNICODE_ESCAPE } from './escape-raw.js';
import { JsEscapeDecoder, PercentDecoder, QuotedPrintableDecoder, quickHexPair, quickJsEscape } from './escape-percent.js';
import { DoubledDecoder, FoldDecoder, ShellDecoder, ShellMode, StackedDecoder, YamlSingleDecoder } from './escape-quotes.js';

/** A way of escaping characters, and where in a text its escapes may begin. */
export interface Family {
  /** The names of its kinds of escape (index 0 unused), most telling first: a finding names the first it used. */
  kinds: readonly string[];
  /** A kind that alone names no finding of this family (raw_unicode_escape's Latin-1 bytes: the value's Latin-1 form finds them). */
  quiet?: number;
  /** The bytes an escape of this family can begin with, anywhere. */
  triggers: string;
  /** Bytes that only remove (a quote): they matter only inside a match, so they are stopped at only where a pattern has begun. */
  inside?: string;
  /**
   * The modes to read on in from a trigger byte, one per state the text may be in there (a quote
   * may open or close); none where no escape begins. `next` is the byte after (-1: not known yet);
   * `state` the automaton's state before the trigger (0: no pattern begun).
   */
  modes(trigger: number, next: number, state: number): readonly number[] | undefined;
  /** A decoder reading in `mode`. */
  decoder(mode: number): Decoder;
  /**
   * What the escape at `i` makes, where the bytes alone tell quickly (most places where a trigger
   * byte is met are then over without a decoder): the byte; -2 if no escape is there; -1 if it
   * takes a decoder.
   */
  quick?(chunk: Uint8Array, i: number, mode: number): number;
  /**
   * The first bytes a reading from stop byte `b` makes, whatever follows it (none: it depends on what follows) — a Latin-1
   * byte of raw_unicode_escape makes its character's UTF-8, 0xC2/0xC3 and a continuation byte. Where every family stopping
   * at `b` makes the same, the stop is told only where those bytes go on with a pattern from the state it is read in
   * (`Families.leads`).
   */
  lead?(b: number): readonly number[] | undefined;
  /**
   * Whether it takes part in second rounds (an escape of one family making the byte that begins
   * an escape of another, as `\u0025` makes `%`): character escapes do; quoting (shell, YAML) does not.
   */
  rounds?: boolean;
  /**
   * The bytes its escapes' sequences are made of after the trigger, where they are fewer than `SEQUENCE`'s (hex digits
   * for percent-encoding and quoted-printable, none for a doubling): how far another family's escape inside one is
   * looked for (`EscapeScan.#within`), and so which stops are worth telling (`Families.worth`). A family taking part in
   * rounds without it: `SEQUENCE`.
   */
  sequence?: string;
  /**
   * For a family with several modes that read the triggers in `alike` alike (a quote, which opens
   * or closes): the bytes after which they read differently. A place whose first mode is over
   * before any of them is over in every mode (a quote followed by plain text). `bounds`, per mode:
   * the quotes the last of which before a place read in that mode is one the reading removed —
   * the one that opened the mode's quotes, or (outside quotes) closed the ones before — so that no
   * match read from there begins before it; the other quote is text inside (`"it's"`).
   */
  modal?: { alike: string; after: string; bounds: readonly string[] };
}

/** The bytes an escape's sequence is made of after its first: digits, letters (hex, names, `u`, `x`), `#`. */
export const SEQUENCE = new Uint8Array(256);
for (const c of '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ#{') SEQUENCE[c.charCodeAt(0)] = 1;
/** A sequence of hex digits (`%2B`, `=3D`). */
const HEX_DIGITS = '0123456789abcdefABCDEF';

/** Any state but the root, for `modes`: they tell only the root from the rest. */
const STATE_BEGUN = 256;
const Q1 = 0x27;
const Q2 = 0x22;
const ONE = [0] as const;
const { Outside, Single, Double, AnsiC } = ShellMode;
const [OPEN_OR_CLOSE_1, OPEN_OR_CLOSE_2, AFTER_BACKSLASH, AFTER_DOLLAR] = [[Outside, Single], [Outside, Double], [Outside, Double, AnsiC], [Outside]];

/** `$$` (docker-compose, Make) and `%%` (configparser .ini, batch): a second round reads what the doubling hid (`%%40` is `%40`). */
const DOUBLED: Family = {
  kinds: ['', 'doubled ($$, %%)'],
  triggers: '$%',
  modes: (b, next) => (next < 0 || next === b ? ONE : undefined),
  decoder: () => new DoubledDecoder(),
  quick: (chunk, i) => (i + 1 < chunk.length ? (chunk[i + 1] === chunk[i] ? chunk[i]! : -2) : -1),
  rounds: true,
  // The second byte is the trigger again: another escape there is the doubling's own (`inner`).
  sequence: '',
};

/**
 * An escape character before any character (PowerShell's backtick, cmd's caret): quoting, so it
 * takes no part in second rounds; what it makes is told by the next byte alone, but a line break.
 * A reading begins only where it escapes what a writer escapes (`escaped`, or a line break): a
 * template literal's backticks and a regex's carets, before letters and digits, are no stop.
 */
function prefixed(name: string, escape: string, escaped: string, specials?: Readonly<Record<string, number>>): Family {
  const quick = new PrefixDecoder(escape.charCodeAt(0), specials);
  const begins = new Uint8Array(256);
  for (const c of `${escaped}\r\n`) begins[c.charCodeAt(0)] = 1;
  return {
    kinds: ['', name],
    triggers: escape,
    modes: (_, next) => (next < 0 || begins[next] ? ONE : undefined),
    decoder: () => new PrefixDecoder(escape.charCodeAt(0), specials),
    quick: (chunk, i) => (i + 1 < chunk.length ? quick.made(chunk[i + 1]!) : -1),
  };
}

/** The first byte a CSS hex escape at `i` makes (a filter: a decoder reads the rest); -2 if none; -1 where the chunk ends first. */
function quickCss(chunk: Uint8Array, i: number): number {
  if (i + 1 < chunk.length && isCssIdentity(chunk[i + 1]!)) return chunk[i + 1]!;
  let cp = 0;
  let j = i + 1;
  for (; j < chunk.length && j <= i + 6 && isHex(chunk[j]!); j++) cp = cp * 16 + HEX[chunk[j]!]!;
  if (j === chunk.length && j <= i + 6) return -1;
  if (j === i + 1 || cp === 0 || cp > 0x10ffff) return -2;
  return cp < 0x80 ? cp : cp < 0x800 ? 0xc0 | (cp >> 6) : cp < 0x10000 ? 0xe0 | (cp >> 12) : 0xf0 | (cp >> 18);
}

/**
 * A CSS escape that stands for the punctuation after it (`\"`, `\\`, `\:` as cssesc writes them): a
 * CSS reading begins there too, so a value whose first escape is one of these and whose later ones
 * are hex is read by one decoder. Letters are left to the backslash family (`\n` is not `n` there).
 */
const isCssIdentity = (b: number) => b > 0x20 && b < 0x7f && !isHex(b) && !isAlpha(b);

/** CSS's hex escapes (`\E9 `, `\2B`), which a C reader takes for a letter or octal, and its escaped punctuation. */
const CSS: Family = {
  kinds: ['', 'CSS-escaped'],
  triggers: '\\',
  modes: (_, next) => (next < 0 || isHex(next) || isCssIdentity(next) ? ONE : undefined),
  decoder: () => new CssDecoder(),
  quick: quickCss,
};
/**
 * RFC 4514's hex pairs (`\C3\A9`: a byte each) and escaped punctuation (`\"` `\+` `\,`): OpenSSL's subject lines, LDAP
 * filters. A reading begins at a backslash before a hex digit or punctuation; a letter beyond F is the backslash family's.
 */
const HEX_PAIR: Family = {
  kinds: ['', 'hex-pair escaped (\\C3\\A9)'],
  triggers: '\\',
  modes: (_, next) => (next < 0 || isHex(next) || isCssIdentity(next) ? ONE : undefined),
  decoder: () => new HexPairDecoder(),
  // The bytes alone always tell (`\d` of a regex is `d`): no decoder is tried at a place.
  quick: (chunk, i) => {
    if (i + 2 >= chunk.length) return -1;
    const [a, b] = [chunk[i + 1]!, chunk[i + 2]!];
    if (isHex(a)) return isHex(b) ? HEX[a]! * 16 + HEX[b]! : a;
    return isCssIdentity(a) ? a : -2;
  },
};

/**
 * Backslash escapes read as a bytes literal's (Python's `b'…'` repr, C strings): `\xe9` the byte, never é — a UTF-16
 * value's bytes repr (`b'a\x00\xe9\x00'`) is its UTF-16 form only so. A reading begins at a `\x` escape.
 */
const BACKSLASH_BYTES: Family = {
  kinds: ['', '\\x-escaped bytes', '\\x-escaped bytes', '\\x-escaped bytes', '\\x-escaped bytes'],
  triggers: '\\',
  modes: (_, next) => (next < 0 || next === 0x78 ? ONE : undefined),
  decoder: () => new BackslashDecoder(undefined, true),
  quick: (chunk, i) => (i + 3 < chunk.length && isHex(chunk[i + 2]!) && isHex(chunk[i + 3]!) ? HEX[chunk[i + 2]!]! * 16 + HEX[chunk[i + 3]!]! : -1),
};

/** What PowerShell needs escaped in a double-quoted string (and its `n, `t …), and what cmd needs escaped outside quotes. */
const BACKTICK = prefixed('PowerShell backtick-escaped', '`', '`$"\'', POWERSHELL_SPECIALS);
const CARET = prefixed('cmd caret-escaped', '^', '^&<>|"%()!');

/** `""` for `"`: a CSV field as Python's csv, Excel and every spreadsheet export write it; SQL identifiers, C#'s `@"…"`. */
const DOUBLED_QUOTES: Family = {
  kinds: ['', 'doubled quotes ("")'],
  triggers: '"',
  modes: (_, next) => (next < 0 || next === Q2 ? ONE : undefined),
  decoder: () => new YamlSingleDecoder(Q2),
};

/**
 * YAML's '' around $$ or %% in one value (a docker-compose password with both ' and $): neither
 * alone reads it, and quoting takes no part in second rounds.
 */
const YAML_DOUBLED: Family = {
  kinds: ['', "YAML single-quoted ('')", 'doubled ($$, %%)'],
  triggers: "'$%",
  modes: (b, next) => (next < 0 || next === b ? ONE : undefined),
  decoder: () => new StackedDecoder(new YamlSingleDecoder(), new DoubledDecoder(), 2),
};

/** Percent-encoding of UTF-8 (a URL, a query string, a cookie): `%C3%A9`. */
const PERCENT: Family = {
  kinds: ['', 'URL-encoded'],
  triggers: '%',
  modes: (_, next) => (next < 0 || isHex(next) ? ONE : undefined),
  decoder: () => new PercentDecoder(false),
  quick: quickHexPair,
  rounds: true,
  sequence: HEX_DIGITS,
};

/** JavaScript's escape(), a cookie or a query string a legacy page wrote with it: `%E9` (Latin-1), `%u53F0` (`escape-percent.ts`). */
const JS_ESCAPE: Family = {
  kinds: ['', 'JavaScript escape()'],
  triggers: '%',
  modes: (_, next) => (next < 0 || next === 0x75 || isHex(next) ? ONE : undefined),
  decoder: () => new JsEscapeDecoder(),
  quick: quickJsEscape,
};

/** The families that only make a space: form encoding's `+`, YAML's folding, text wrapped in a comment block. */
const SPACE_FAMILIES: Family[] = [
  {
    kinds: ['', 'form-encoded'],
    triggers: '%+',
    modes: (b, next) => (b === 0x2b || next < 0 || isHex(next) ? ONE : undefined),
    decoder: () => new PercentDecoder(true),
    quick: (chunk, i) => (chunk[i] === 0x2b ? 0x20 : quickHexPair(chunk, i)),
    rounds: true,
    sequence: HEX_DIGITS,
  },
  { kinds: ['', 'YAML folded'], triggers: '', inside: '\r\n', modes: (_, __, state) => (state === 0 ? undefined : ONE), decoder: () => new FoldDecoder() },
  {
    kinds: ['', 'wrapped in a comment'],
    triggers: '',
    inside: '\r\n',
    modes: (_, __, state) => (state === 0 ? undefined : ONE),
    decoder: () => new FoldDecoder(true),
  },
];

/** Every family the audit reads through. Those that only make a space are left out when no pattern has one. */
export function escapeFamilies(patternsHaveSpace: boolean): Family[] {
  const families: Family[] = [
    {
      kinds: BACKSLASH_KINDS,
      triggers: '\\',
      modes: () => ONE,
      decoder: () => new BackslashDecoder(),
      quick: quickBackslash,
      rounds: true,
    },
    {
      kinds: ['', 'XML entities'],
      triggers: '&',
      modes: (_, next) => (next < 0 || next === 0x23 || isAlpha(next) ? ONE : undefined),
      decoder: () => new EntityDecoder(),
      rounds: true,
    },
    PERCENT,
    JS_ESCAPE,
    {
      kinds: ['', 'quoted-printable'],
      triggers: '=',
      modes: (_, next) => (next < 0 || isHex(next) || next === 0x0a || next === 0x0d ? ONE : undefined),
      decoder: () => new QuotedPrintableDecoder(),
      quick: (chunk, i) => (i + 1 < chunk.length && (chunk[i + 1] === 0x0a || chunk[i + 1] === 0x0d) ? -1 : quickHexPair(chunk, i)),
      rounds: true,
      sequence: HEX_DIGITS,
    },
    {
      kinds: ['', 'shell-quoted'],
      triggers: '\\$',
      inside: `'"`,
      // By ShellMode: Outside, Single, Double, AnsiC.
      modal: { alike: `'"`, after: `\\$'"`, bounds: [`'"`, `'`, `"`, `'`] },
      modes: (b, next, state) => {
        // A quote only removes: it matters inside a match, where a pattern has begun. It opens or closes.
        if (b === Q1 || b === Q2) return state === 0 ? undefined : b === Q1 ? OPEN_OR_CLOSE_1 : OPEN_OR_CLOSE_2;
        if (b === 0x24) return next < 0 || next === Q1 || next === Q2 ? AFTER_DOLLAR : undefined;
        return AFTER_BACKSLASH;
      },
      decoder: (mode) => new ShellDecoder(mode as ShellMode),
      quick: (chunk, i, mode) => {
        if (i + 1 >= chunk.length) return -1;
        const b = chunk[i + 1]!;
        // A quote removed, opening or closing: the next byte is made as it is unless it is one that any mode after the
        // quote reads otherwise (`\` `$` a quote). On source text most stops are these (`"module")`).
        if (chunk[i] === Q1 || chunk[i] === Q2) return b === 0x5c || b === 0x24 || b === Q1 || b === Q2 ? -1 : b;
        if (chunk[i] !== 0x5c) return -1;
        if (mode === AnsiC) return quickBackslash(chunk, i);
        if (b === 0x0a) return -1;
        return mode === Outside || b === Q2 || b === 0x5c || b === 0x24 || b === 0x60 ? b : -2;
      },
    },
    {
      kinds: ['', "YAML single-quoted ('')"],
      triggers: "'",
      modes: (_, next) => (next < 0 || next === Q1 ? ONE : undefined),
      decoder: () => new YamlSingleDecoder(),
    },
    DOUBLED_QUOTES,
    DOUBLED,
    YAML_DOUBLED,
    CSS,
    HEX_PAIR,
    BACKSLASH_BYTES,
    BACKTICK,
    CARET,
    DECIMAL_ESCAPES,
    RAW_UNICODE_ESCAPE,
  ];
  if (patternsHaveSpace) families.push(...SPACE_FAMILIES);
  return families;
}

/** The families by trigger byte, the stop table for the automaton, and a decoder per family and mode to try places with. */
export class Families {
  readonly at: Family[][] = Array.from({ length: 256 }, () => []);
  /** Beside `at`, each family's index in `list`: found on the stop path without a search or a Map. */
  readonly atIndex: number[][] = Array.from({ length: 256 }, () => []);
  /** Those that take part in second rounds, by trigger byte. */
  readonly inner: Family[][] = Array.from({ length: 256 }, () => []);
  /** For the automaton: 3 where a byte is stopped at everywhere, 1 only where a pattern has begun. */
  readonly stops = new Uint8Array(256);
  /**
   * By trigger byte × next byte: 1 if some family reads on from there where no pattern has begun,
   * 2 where one has — most stops end on this one look (`=t`, `&&`, a quote where nothing began).
   */
  readonly pairs = new Uint8Array(65536);
  /**
   * `pairs`, and, for a byte that begins an escape taking part in rounds, every next byte that may
   * go on with its sequence or begin another family's escape inside it (`%&#53;6`): where this is 0
   * for the state, a stop is over before it is looked at, and the automaton does not tell it.
   */
  readonly worth = new Uint8Array(65536);
  /**
   * By trigger byte × next byte: 1 where the next byte may go on with the sequence of an escape that byte begins, of a
   * family taking part in rounds (`Family.sequence`): `=` and `%` before a letter past F, `$` before any, begin none
   * (`key=value`, `$HOME`: on source text most stops were these).
   */
  readonly sequence = new Uint8Array(65536);
  /**
   * By stop byte × next byte: 1 where every family reading from the stop byte begins nothing or, by its quick look,
   * makes the next byte as it is, first (a shell quote, opening or closing, before a byte no mode after it reads
   * otherwise), and none takes part in rounds there: the stop is over where that byte goes on with no pattern from the
   * state it is read in, and the automaton does not tell it (`Automaton.scanner`'s `readsOn`). On source text most
   * stops were a quote inside a pattern begun (`"module")`).
   */
  readonly readsOn = new Uint8Array(65536);
  /**
   * By stop byte: the first byte every family reading from it makes (`Family.lead`), and at 256 + the byte the second;
   * -1 where one does not know it. On binary content half the bytes are above 0x7F and a quarter of the places are inside
   * a pattern begun (the first bytes of twenty values' forms): each told raw_unicode_escape's stop, 2.2× the audit's CPU
   * on plain layers (session 60's bench). One lead byte was not enough where a form begins with 0xC2 or 0xC3 (EBCDIC's
   * `B`, `C`): half the stops were still told; two leave those whose character the pattern holds.
   */
  readonly leads = new Int16Array(512).fill(-1);
  readonly #tryers: Decoder[][];
  /** Per family (by its index in `list`), the bytes after which its modes read differently. */
  readonly #modal: Uint8Array[];

  constructor(readonly list: readonly Family[]) {
    this.#tryers = list.map(() => []);
    this.#modal = list.map((f) => {
      const bytes = new Uint8Array(256);
      for (const c of f.modal?.after ?? '') bytes[c.charCodeAt(0)] = 1;
      return bytes;
    });
    for (const f of list) {
      for (const c of f.triggers) this.stops[c.charCodeAt(0)] = 3;
      for (const c of f.inside ?? '') this.stops[c.charCodeAt(0)] ||= 1;
      for (const c of new Set(f.triggers + (f.inside ?? ''))) {
        const b = c.charCodeAt(0);
        for (let n = 0; n < 256; n++) this.pairs[b * 256 + n]! |= (f.modes(b, n, 0) ? 1 : 0) | (f.modes(b, n, STATE_BEGUN) ? 2 : 0);
        this.at[c.charCodeAt(0)]!.push(f);
        this.atIndex[c.charCodeAt(0)]!.push(list.indexOf(f));
        if (f.rounds) this.inner[c.charCodeAt(0)]!.push(f);
      }
    }
    for (let b = 0; b < 256; b++)
      for (const f of this.inner[b]!) {
        if (f.sequence === undefined) this.sequence.set(SEQUENCE, b * 256);
        else for (const c of f.sequence) this.sequence[b * 256 + c.charCodeAt(0)] = 1;
      }
    // A next byte that begins escapes only of families this byte's begins too (`==`, `&&`: JavaScript's operators) begins no
    // other family's inside it: `EscapeScan.#within` is over there at once, and the stop with it where `pairs` is 0.
    for (let b = 0; b < 256; b++) {
      if (!this.stops[b] || this.inner[b]!.length) continue;
      for (let n = 0; n < 256; n++) {
        const pair = Uint8Array.of(b, n);
        let makes = false;
        let other = false;
        for (const f of this.at[b]!) {
          for (const state of [0, STATE_BEGUN]) {
            const modes = f.modes(b, n, state);
            if (!modes) continue;
            for (const mode of modes) if (f.quick?.(pair, 0, mode) === n) makes = true;
            if (!modes.every((mode) => f.quick?.(pair, 0, mode) === n)) other = true;
          }
        }
        this.readsOn[b * 256 + n] = makes && !other ? 1 : 0;
      }
    }
    for (let b = 0; b < 256; b++) {
      const leads = this.at[b]!.map((f) => f.lead?.(b));
      const first = leads[0];
      if (!first?.length || leads.some((l) => l?.length !== first.length || l.some((x, k) => x !== first[k]))) continue;
      this.leads[b] = first[0]!;
      if (first.length > 1) this.leads[256 + b] = first[1]!;
    }
    for (let b = 0; b < 256; b++)
      for (let n = 0; n < 256; n++)
        this.worth[b * 256 + n] =
          this.pairs[b * 256 + n]! | (this.inner[b]!.length && (this.sequence[b * 256 + n] || this.inner[n]!.some((f) => !this.inner[b]!.includes(f))) ? 3 : 0);
  }

  /** The decoder of `family` in `mode` kept for trying places out, reset. */
  tryer(family: Family, mode: number, index = this.list.indexOf(family)): Decoder {
    const kept = this.#tryers[index]!;
    const d = (kept[mode] ??= family.decoder(mode));
    d.reset(mode);
    return d;
  }

  /** The bytes after which `family`'s modes read differently. */
  modal(family: Family, index = this.list.indexOf(family)): Uint8Array {
    return this.#modal[index]!;
  }
}
