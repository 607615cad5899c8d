/**
 * Texinfo's escapes of its command character and braces, as pandoc's texinfo writer and makeinfo's
 * sources write them: `@@` for `@`, `@{` and `@}` for braces, and the character commands
 * (`@backslashchar{}`, `@comma{}`, `@hashchar{}`, `@atchar{}`, `@lbracechar{}`, `@rbracechar{}`,
 * `@euro{}`, `@ss{}`). An escape family reads none of them, so a URL holding a password is cut at its
 * `@`. A place is `@{` or `@}`, an `@@` between two characters that are not spaces nor `@` (a diff's
 * hunk header `@@ -1 +1 @@` is none), or one of the character commands, not in a line of a git binary patch or of
 * uuencode (`encodedLine`) nor in a long run of base85 (`inRun85`); the text around it is
 * rewritten as makeinfo prints it and routed (`(Texinfo escapes at N)`, `text-rewrite.ts`).
 */
import { encodedLine, textAround, type Notation } from './text-rewrite.js';

const COMMANDS: Record<string, string> = {
  backslashchar: '\\',
  comma: ',',
  hashchar: '#',
  atchar: '@',
  lbracechar: '{',
  rbracechar: '}',
  euro: '€',
  ss: 'ß',
  pounds: '£',
  dots: '…',
};

const AT = 0x40;
const space = (c: number | undefined) => c === undefined || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** The character command at `at` (`@name{}`), or undefined. */
function command(b: Buffer, at: number): string | undefined {
  const open = b.indexOf(0x7b, at + 1);
  if (open < 0 || open - at > 16 || b[open + 1] !== 0x7d) return undefined;
  return COMMANDS[b.toString('latin1', at + 1, open)];
}

/**
 * Whether the text around `at` is text (`textAround`) and its bytes above 0x7F are UTF-8 (a sequence cut by the edges
 * aside): `@{` `@}` `@@` are met in random bytes every few KiB, and 32 of them pass `textAround` one time in 50.
 */
function utf8Around(b: Buffer, at: number): boolean {
  if (!textAround(b, at, false)) return false;
  const text = b.toString('utf8', Math.max(at - 16, 0), Math.min(at + 16, b.length));
  const bad = text.indexOf('\ufffd', 3);
  return bad < 0 || bad >= text.length - 3;
}

const TOKEN = /@([@{}])|@([a-z]+)\{\}/g;

/** RFC 1924's base85 alphabet (Python's b85encode, git's binary patches): `@`, `{` and `}` are among its digits. */
const B85 = new Uint8Array(256);
for (const c of '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~') B85[c.charCodeAt(0)] = 1;
/**
 * A stretch this long of base85's digits alone (no blank, no `.` `,` `:` `/` of text or a URL) around a place is an
 * encoder's run, not text a person escaped: python3's b85encode of a gzip held `@{` now and then, and its rewritten copy
 * decoded to a damaged gzip named as a limit (runs-base85.test.ts at HOIST_TEST_SEED=5).
 */
const RUN85 = 64;

/** Whether `at` is inside a stretch of RUN85 base85 digits or more. */
function inRun85(b: Buffer, at: number): boolean {
  let from = at;
  while (from > 0 && B85[b[from - 1]!] && at - from < RUN85) from--;
  let to = at;
  while (to < b.length && B85[b[to]!] && to - from < RUN85) to++;
  return to - from >= RUN85;
}

/** Whether the needle at `at` begins an escape (before `encodedLine`). */
function place(b: Buffer, at: number): boolean {
  if (b[at] !== AT) {
    // `char{}`: the command's `@` is before it.
    const start = b.lastIndexOf(AT, at);
    return start >= 0 && at - start <= 12 && command(b, start) !== undefined && utf8Around(b, at);
  }
  const next = b[at + 1];
  if (next === AT) return !space(b[at - 1]) && b[at - 1] !== AT && !space(b[at + 2]) && b[at + 2] !== AT && utf8Around(b, at);
  if (next === 0x7b || next === 0x7d) return utf8Around(b, at);
  return command(b, at) !== undefined && utf8Around(b, at);
}

export const TEXINFO_ESCAPES: Notation = {
  label: 'Texinfo escapes',
  needles: [Buffer.from('@@'), Buffer.from('@{'), Buffer.from('@}'), Buffer.from('char{}'), Buffer.from('@euro{}'), Buffer.from('@ss{}')],
  at: (b, at) => place(b, at) && !encodedLine(b, at) && !inRun85(b, at),
  rewrite(w) {
    let changed = false;
    const text = w.toString('latin1').replace(TOKEN, (m: string, c?: string, name?: string) => {
      const out = c ?? (name !== undefined ? COMMANDS[name] : undefined);
      if (out === undefined) return m;
      changed = true;
      return Buffer.from(out, 'utf8').toString('latin1');
    });
    return changed ? Buffer.from(text, 'latin1') : undefined;
  },
};
