/**
 * Python pickles of protocol 0 — Python 2's default, and `pickle.dumps(x, 0)` for a readable
 * pickle: every str is a UNICODE opcode in raw-unicode-escape, characters up to U+00FF written as
 * their Latin-1 byte and the rest as `\uXXXX`/`\UXXXXXXXX`, a mix no escape family reads (`é` is
 * the byte E9, not C3 A9, beside `\u20ac`); a Python 2 str is a STRING opcode, its repr. The
 * opcodes are parsed (a pickle is claimed only when its first bytes parse as opcodes, with a string
 * and a memo PUT among them) and each string written decoded, in UTF-8, a line each, to
 * `cache.pkl!(strings)`, where escapes and runs apply. A pickle is gathered up to MAX_PICKLE (they
 * are small); beyond that it is not read as one, and said.
 */
import type { Decoder } from './types.js';

const MAX_PICKLE = 16 << 20;
/** Opcodes of protocol 0 with no argument. */
const BARE = new Set([...'(.012NabdelostuR'].map((c) => c.charCodeAt(0)));
/** Opcodes whose argument is one line (two for GLOBAL and INST). */
const LINE = new Set([...'ILFSVpgP'].map((c) => c.charCodeAt(0)));
const TWO_LINES = new Set([...'ci'].map((c) => c.charCodeAt(0)));
const C = (c: string) => c.charCodeAt(0);
/** The opcodes whose argument the parse reads: strings, memo PUTs and GETs, integers. */
const ARGUMENT = new Set([...'VSpgIL'].map((c) => c.charCodeAt(0)));

/** raw-unicode-escape, as pickle writes a str: `\uXXXX` and `\UXXXXXXXX`, any other byte a Latin-1 character. */
export function rawUnicodeEscape(b: Buffer): string {
  let s = '';
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0x5c && (b[i + 1] === C('u') || b[i + 1] === C('U'))) {
      const n = b[i + 1] === C('u') ? 4 : 8;
      const hex = b.toString('latin1', i + 2, i + 2 + n);
      if (hex.length === n && /^[0-9a-fA-F]+$/.test(hex) && parseInt(hex, 16) <= 0x10ffff) {
        s += String.fromCodePoint(parseInt(hex, 16));
        i += 1 + n;
        continue;
      }
    }
    s += String.fromCharCode(b[i]!);
  }
  return s;
}

const SIMPLE: Record<string, number> = { n: 10, r: 13, t: 9, a: 7, b: 8, f: 12, v: 11, '\\': 0x5c, "'": 0x27, '"': 0x22 };

/** A STRING opcode's argument, Python's repr of a byte string ('…' or "…"): its bytes. */
export function reprBytes(b: Buffer): Buffer {
  const q = b[0];
  const body = (q === 0x27 || q === 0x22) && b[b.length - 1] === q ? b.subarray(1, -1) : b;
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== 0x5c || i + 1 >= body.length) {
      out.push(c);
      continue;
    }
    const e = String.fromCharCode(body[++i]!);
    if (e in SIMPLE) out.push(SIMPLE[e]!);
    else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(body.toString('latin1', i + 1, i + 3))) out.push(parseInt(body.toString('latin1', i + 1, (i += 2) + 1), 16));
    else if (/[0-7]/.test(e)) {
      let oct = e;
      while (oct.length < 3 && /[0-7]/.test(String.fromCharCode(body[i + 1] ?? 0))) oct += String.fromCharCode(body[++i]!);
      out.push(parseInt(oct, 8) & 0xff);
    } else out.push(0x5c, body[i]!);
  }
  return Buffer.from(out);
}

/**
 * Parses `b` as protocol-0 opcodes, handing each string to `onString`: 'whole' when every byte
 * parsed (pickles one after another included), 'cut' when the bytes ended inside an opcode, 'no' at
 * an opcode protocol 0 does not have. `seen` counts what a real pickle holds: strings, memo PUTs.
 */
export function parsePickle0(b: Buffer, onString: (s: Buffer) => void, seen = { strings: 0, puts: 0 }): 'whole' | 'cut' | 'no' {
  let i = 0;
  while (i < b.length) {
    const op = b[i]!;
    if (BARE.has(op)) {
      i++;
      continue;
    }
    if (!LINE.has(op) && !TWO_LINES.has(op)) return 'no';
    let end = b.indexOf(0x0a, i + 1);
    if (end < 0) return 'cut';
    if (TWO_LINES.has(op)) {
      end = b.indexOf(0x0a, end + 1);
      if (end < 0) return 'cut';
    }
    // Only these opcodes' arguments are looked at: a GLOBAL, INST, FLOAT or PERSID line is passed over unread (a text whose
    // lines begin with `c` parsed as GLOBALs to its end in the sniff, a Buffer made per line).
    if (ARGUMENT.has(op)) {
      const arg = b.subarray(i + 1, end);
      if (op === C('V')) onString(Buffer.from(rawUnicodeEscape(arg)));
      else if (op === C('S')) onString(reprBytes(arg));
      else if (op === C('p') && /^\d+$/.test(arg.toString('latin1'))) seen.puts++;
      else if ((op === C('I') || op === C('L') || op === C('p') || op === C('g')) && !/^-?\d+L?$/.test(arg.toString('latin1'))) return 'no';
      if (op === C('V') || op === C('S')) seen.strings++;
    }
    i = end + 1;
  }
  return 'whole';
}

/** Whether `head` opens a protocol-0 pickle: it starts with a mark, a global or a string, and parses, a string and a PUT in it. */
export function sniffPickle0(head: Uint8Array): boolean {
  const b = Buffer.from(head.buffer, head.byteOffset, head.length);
  if (!b.length || !'(cVS'.includes(String.fromCharCode(b[0]!))) return false;
  const seen = { strings: 0, puts: 0 };
  return parsePickle0(b, () => undefined, seen) !== 'no' && seen.strings > 0 && seen.puts > 0;
}

export const pickle0: Decoder = {
  name: 'pickle (protocol 0)',
  sniff: (h) => sniffPickle0(h),
  open(env) {
    const sink = env.openAt(`${env.path.endsWith('!') ? env.path : `${env.path}!`}(strings)`);
    let held: Buffer[] | undefined = [];
    let size = 0;
    return {
      push(bytes) {
        size += bytes.length;
        if (held && size <= MAX_PICKLE) held.push(Buffer.from(bytes));
        else held = undefined;
      },
      async end() {
        if (!held) env.limit(`a pickle larger than ${MAX_PICKLE >> 20} MiB: its strings are not decoded`);
        else {
          const strings: Buffer[] = [];
          if (parsePickle0(Buffer.concat(held), (s) => strings.push(s, Buffer.from('\n'))) === 'no')
            env.limit('a damaged pickle: the strings after the damage are not decoded');
          const out = Buffer.concat(strings);
          if (out.length && env.allow(out.length)) await sink.write(out);
        }
        held = undefined;
        await sink.end();
      },
    };
  },
};
