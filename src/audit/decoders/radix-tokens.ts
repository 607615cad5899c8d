/**
 * The numbers of a word or byte list, in every radix convention a language prints or writes one in: C's `0x`, `0b`, `0`
 * octal (`0164`), Python's `0o`, Lisp's `#x` `#o` `#b`, Visual Basic's `&H` `&O` `&B`, Erlang's and Ada's `16#74` / `8#164#`
 * (bases 2, 8 and 16), Pascal's and Delphi's character literals `#116` and `#$74`, the assemblers' suffix `074h`, and plain
 * decimal. A number written with a radix mark (all but `0x` and plain decimal, which `runs-bytes.ts` reads as bytes) makes
 * its list a byte list too: nothing else reads `Array(&H74, &H6F)` or `db 074h,06Fh` as bytes.
 */

export interface Token {
  negative: boolean;
  radix: number;
  digits: string;
  /** Written with a radix mark no byte list reader reads (all but `0x` and bare decimal): its list is read as bytes too. */
  marked: boolean;
}

/**
 * One number of a stretch standing alone. A `#` or `&` mark (Delphi's `#116#111`, Pascal's `#$6F#$6B`, Lisp, VB) may stand
 * right after the number before it; the others need no letter, digit or dot before them.
 */
export const NUMBER =
  /(?<![0-9A-Za-z.])(2|8|16)#([0-9a-fA-F]+)#?(?![0-9A-Za-z.])|(?<![0-9A-Za-z.])([-+]?)0([xXoObB])([0-9a-fA-F]+)(?![0-9A-Za-z.])|(?<![0-9A-Za-z.])(\d[0-9a-fA-F]*)[hH](?![0-9A-Za-z.])|(?<![.])([#&])([xXoObBhH$]?)([0-9a-fA-F]+)(?![0-9A-Za-z.])|(?<![0-9A-Za-z.])([-+]?)(\d+)(?![0-9A-Za-z.])/g;

/** NUMBER's plain forms alone (C's prefixes and decimal, its groups where NUMBER has them): a stretch with no other mark. */
const PLAIN = /(?!)()()|(?<![0-9A-Za-z.])([-+]?)0([xXoObB])([0-9a-fA-F]+)(?![0-9A-Za-z.])|(?!)()()()()|(?<![0-9A-Za-z.])([-+]?)(\d+)(?![0-9A-Za-z.])/g;

/** The numbers of a stretch: with NUMBER where it holds a mark only NUMBER's other forms read (`#`, `&`, an `h`). */
export const numbersOf = (text: string) => text.matchAll(/[#&hH]/.test(text) ? NUMBER : PLAIN);

const PREFIX: Record<string, number> = { x: 16, h: 16, $: 16, o: 8, b: 2 };

/** The token a match of NUMBER is, or undefined where its mark and digits do not make a number (`#abc`, `&Zz`). */
export function tokenOf(m: RegExpMatchArray): Token | undefined {
  if (m[1] !== undefined) return { negative: false, radix: Number(m[1]), digits: m[2]!, marked: true };
  if (m[4] !== undefined) {
    const radix = PREFIX[m[4].toLowerCase()]!;
    return { negative: m[3] === '-', radix, digits: m[5]!, marked: radix !== 16 };
  }
  if (m[6] !== undefined) return { negative: false, radix: 16, digits: m[6], marked: true };
  if (m[7] !== undefined) {
    const mark = m[8]!.toLowerCase();
    // `#116` (Delphi) is decimal; `#x74`, `#$74` (Lisp, Pascal) and `&H74` (VB) name their radix; `&116` is no number.
    if (!mark) return m[7] === '#' && /^\d+$/.test(m[9]!) ? { negative: false, radix: 10, digits: m[9]!, marked: true } : undefined;
    if (m[7] === '&' ? mark === 'x' || mark === '$' : mark === 'h') return undefined;
    return { negative: false, radix: PREFIX[mark]!, digits: m[9]!, marked: true };
  }
  return { negative: m[10] === '-', radix: 10, digits: m[11]!, marked: false };
}

/** Whether a token's digits are digits of its radix (`0b4982` is hex text, not binary: BigInt would throw). */
export const fitsRadix = (t: Token) =>
  t.radix === 2 ? /^[01]+$/.test(t.digits) : t.radix === 8 ? /^[0-7]+$/.test(t.digits) : t.radix === 10 ? /^\d+$/.test(t.digits) : true;

/**
 * A list's tokens read again where a bare convention tells their radix: every number a `0` then octal digits, one of
 * three digits or more (C's octal literals, Perl's sprintf('0%o'): `0164, 070, 053`), or every number eight binary digits
 * (`01110100,01101111`: bits between commas or semicolons): undefined where neither holds. Octal only where every number
 * is a byte: a table of file modes (`0644, 0755`) is none.
 */
export function bareRadix(list: readonly Token[]): Token[] | undefined {
  if (!list.every((t) => t.radix === 10 && !t.negative && !t.marked)) return undefined;
  if (list.every((t) => /^[01]{8}$/.test(t.digits))) return list.map((t) => ({ ...t, radix: 2, marked: true }));
  if (list.every((t) => /^0[0-7]{0,3}$/.test(t.digits) && parseInt(t.digits, 8) < 256) && list.some((t) => t.digits.length >= 4))
    return list.map((t) => ({ ...t, radix: 8, marked: true }));
  return undefined;
}
