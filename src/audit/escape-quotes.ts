/**
 * The quoting spellings the audit reads through (a sibling of `escape-decoders.ts`): shell words,
 * YAML's single-quoted scalars, YAML's line folding, `$$` and `%%` for `$` and `%`.
 */
import { BackslashDecoder, type Decoder, type Sink } from './escape-decoders.js';

/** Where a shell reader is: outside quotes, in '…', in "…", in $'…'. */
export const ShellMode = { Outside: 0, Single: 1, Double: 2, AnsiC: 3 } as const;
export type ShellMode = (typeof ShellMode)[keyof typeof ShellMode];

/**
 * A shell word as POSIX shells and bash read it: quotes removed ('a'"b"c), `\` before any
 * character outside quotes, before `"` `\` `$` `` ` `` in double quotes, `$'…'` with C escapes
 * (as `printf %q` and `${v@Q}` write them), `\` newline as a continued line.
 */
export class ShellDecoder implements Decoder {
  /** 0 text, 1 after `\`, 2 after `$`. */
  #st = 0;
  /** The reader of `$'…'`, made when one is met. */
  #ansi: BackslashDecoder | undefined;

  /** The mode it was made or reset in. */
  #begun: ShellMode;

  constructor(public mode: ShellMode) {
    this.#begun = mode;
  }

  get idle(): boolean {
    return this.#st === 0 && (this.mode !== ShellMode.AnsiC || (this.#ansi?.idle ?? true));
  }

  /** In the mode it began in, holding only a `\` (or, outside quotes, a `$`): in $'…', a run of `\x\x` is never idle. */
  get fresh(): boolean {
    if (this.mode !== this.#begun) return false;
    if (this.mode === ShellMode.AnsiC) return this.#ansi?.fresh === true;
    return this.#st === 1 || (this.#st === 2 && this.mode === ShellMode.Outside);
  }

  reset(mode: number): void {
    this.#st = 0;
    this.mode = this.#begun = mode as ShellMode;
    this.#ansi?.reset();
  }

  // Made apart from `push`: a closure there over `this` is a context allocated at every call of it (GC in the audit's stop path).
  #ansiDecoder(): BackslashDecoder {
    this.#ansi = new BackslashDecoder((c, out) => (c === 0x27 ? ((this.mode = ShellMode.Outside), out.cut(1)) : out.out(c, 0)));
    return this.#ansi;
  }

  push(b: number, sink: Sink): void {
    if (this.mode === ShellMode.AnsiC) return (this.#ansi ?? this.#ansiDecoder()).push(b, sink);
    if (this.#st === 1) {
      this.#st = 0;
      if (b === 0x0a) sink.cut(1);
      else if (this.mode === ShellMode.Outside || b === 0x22 || b === 0x5c || b === 0x24 || b === 0x60) sink.out(b, 1);
      else {
        sink.out(0x5c, 0);
        sink.out(b, 0);
      }
      return;
    }
    if (this.#st === 2) {
      this.#st = 0;
      if (b === 0x27 || b === 0x22) {
        this.mode = b === 0x27 ? ShellMode.AnsiC : ShellMode.Double;
        return sink.cut(1);
      }
      sink.out(0x24, 0);
      return this.push(b, sink);
    }
    const quote = this.mode === ShellMode.Single ? 0x27 : this.mode === ShellMode.Double ? 0x22 : -1;
    if (b === quote) {
      this.mode = ShellMode.Outside;
      sink.cut(1);
    } else if (this.mode === ShellMode.Outside && (b === 0x27 || b === 0x22)) {
      this.mode = b === 0x27 ? ShellMode.Single : ShellMode.Double;
      sink.cut(1);
    } else if (b === 0x5c && this.mode !== ShellMode.Single) this.#st = 1;
    else if (b === 0x24 && this.mode === ShellMode.Outside) this.#st = 2;
    else sink.out(b, 0);
  }
}

/**
 * A quote written twice for one inside quotes: YAML single-quoted scalars and SQL strings (`''` for
 * `'`); CSV fields, SQL identifiers, VB, C#'s verbatim and PowerShell's strings (`""` for `"`).
 */
export class YamlSingleDecoder implements Decoder {
  #quote = false;

  constructor(readonly q = 0x27) {}

  get idle(): boolean {
    return !this.#quote;
  }

  reset(): void {
    this.#quote = false;
  }

  push(b: number, sink: Sink): void {
    if (!this.#quote) {
      if (b === this.q) this.#quote = true;
      else sink.out(b, 0);
      return;
    }
    this.#quote = false;
    if (b === this.q) return sink.out(this.q, 1);
    sink.out(this.q, 0);
    this.push(b, sink);
  }
}

/** A byte of a comment leader (`#`, `//`, `;`, `>`, `*`, `--`, `%`): not a letter, digit, blank or line break. */
const isLeaderByte = (b: number) => b > 0x20 && b < 0x7f && !((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a));
/** The longest comment leader a folded line may begin with. */
const LEADER = 3;

/**
 * YAML's line folding in flow and folded scalars: a line break and the next line's indentation read as one space (n
 * breaks: n−1 newlines). With `leaders`, text wrapped in a comment block (textwrap's and fmt's `# ` before every line,
 * `// `, ` * `, `> `): a line break, the indentation, a leader of up to three such bytes and the blanks after it read
 * as one space; a leader not followed by a blank is text, after the space.
 */
export class FoldDecoder implements Decoder {
  /** 0 text, 1 after CR, 2 in the breaks and indentation, 3 in a leader, 4 in the blanks after a leader. */
  #st = 0;
  #breaks = 0;
  #leader: number[] = [];

  constructor(readonly leaders = false) {}

  get idle(): boolean {
    return this.#st === 0;
  }

  reset(): void {
    this.#st = 0;
    this.#leader.length = 0;
  }

  #fold(sink: Sink): void {
    if (this.#breaks === 1) sink.out(0x20, 1);
    else for (let k = 1; k < this.#breaks; k++) sink.out(0x0a, 1);
  }

  push(b: number, sink: Sink): void {
    const blank = b === 0x20 || b === 0x09;
    if (this.#st === 3) {
      if (blank) return void (this.#st = 4);
      if (isLeaderByte(b) && this.#leader.length < LEADER) return void this.#leader.push(b);
      // No leader: the fold, then its bytes as text.
      this.#st = 0;
      this.#fold(sink);
      for (const l of this.#leader) sink.out(l, 0);
      this.#leader.length = 0;
      return this.push(b, sink);
    }
    if (this.#st === 4) {
      if (blank) return;
      this.#st = 0;
      this.#leader.length = 0;
      this.#fold(sink);
      return this.push(b, sink);
    }
    if (this.#st === 1 && b !== 0x0a) {
      this.#st = 0;
      sink.out(0x0d, 0);
    }
    if (this.#st === 2 && this.leaders && this.#breaks === 1 && isLeaderByte(b)) {
      this.#st = 3;
      this.#leader.push(b);
      return;
    }
    if (this.#st === 2 && !blank && b !== 0x0a && b !== 0x0d) {
      this.#st = 0;
      this.#fold(sink);
    }
    if (b === 0x0a) {
      this.#breaks = this.#st === 2 ? this.#breaks + 1 : 1;
      this.#st = 2;
    } else if (b === 0x0d) this.#st = this.#st === 2 ? 2 : 1;
    else if (this.#st === 0) sink.out(b, 0);
  }
}

/** A character escaped by writing it twice: `$$` in docker-compose files and Makefiles, `%%` in .ini files (configparser) and batch files. */
export class DoubledDecoder implements Decoder {
  #held = -1;

  get idle(): boolean {
    return this.#held < 0;
  }

  get fresh(): boolean {
    return this.#held >= 0;
  }

  reset(): void {
    this.#held = -1;
  }

  push(b: number, sink: Sink): void {
    if (this.#held < 0) {
      if (b === 0x24 || b === 0x25) this.#held = b;
      else sink.out(b, 0);
      return;
    }
    const held = this.#held;
    this.#held = -1;
    if (b === held) return sink.out(held, 1);
    sink.out(held, 0);
    this.push(b, sink);
  }
}

/**
 * One quoting read after another, as the tools that write them stack them: a docker-compose file's
 * `'pa''ss$$word'` is YAML's `''` (read first, by the YAML parser) around compose's `$$` (read by
 * its interpolation). `outer` reads the text; what it makes is read by `inner`, whose escapes are
 * named `innerKind` (the stacked family's kinds: the outer's first, then the inner's).
 */
export class StackedDecoder implements Decoder {
  #sink: Sink | undefined;
  /** The kind the outer reading gave the byte the inner one is reading. */
  #kind = 0;
  readonly #toInner: Sink = {
    out: (b, kind) => {
      this.#kind = kind;
      this.inner.push(b, this.#fromInner);
    },
    cut: (kind) => this.#sink!.cut(kind),
  };
  readonly #fromInner: Sink = {
    out: (b, kind) => this.#sink!.out(b, kind ? this.innerKind : this.#kind),
    cut: (kind) => this.#sink!.cut(kind ? this.innerKind : this.#kind),
  };

  constructor(
    readonly outer: Decoder,
    readonly inner: Decoder,
    readonly innerKind: number,
  ) {}

  get idle(): boolean {
    return this.outer.idle && this.inner.idle;
  }

  reset(mode: number): void {
    this.outer.reset(mode);
    this.inner.reset(0);
  }

  push(b: number, sink: Sink): void {
    this.#sink = sink;
    this.outer.push(b, this.#toInner);
  }
}
