/**
 * `--match` / `match`: a shell glob over tag names — `*` any run, `?` one character, `[…]` one of a
 * class (`[0-9a-f]`, `[!0-9]` or `[^0-9]` for none of it), `\x` the character itself. A tag holds
 * only letters, digits, `_`, `.` and `-`: a glob with anything else outside a class (an unclosed
 * `[`, a brace list `{a,b}`, a `/`) could match no tag, and is refused, naming the character and
 * the fix, where it used to prune nothing and say nothing.
 */
const TAG_CHAR = /[A-Za-z0-9_.-]/;

const escapeRe = (c: string) => c.replace(/[.+^${}()|[\]\\*?-]/g, '\\$&');

/** Reads a class from `glob[start]` (the `[`); returns its regular expression and the index after its `]`. */
function readClass(glob: string, start: number): { re: string; next: number } {
  let i = start + 1;
  let negate = false;
  if (glob[i] === '!' || glob[i] === '^') {
    negate = true;
    i++;
  }
  const body: string[] = [];
  // A `]` first in the class is itself, as in the shell.
  for (let first = true; i < glob.length && (first || glob[i] !== ']'); first = false, i++) {
    const c = glob[i]!;
    if (c === '-' && body.length && glob[i + 1] !== undefined && glob[i + 1] !== ']') body.push('-');
    else body.push(escapeRe(c));
  }
  if (i >= glob.length)
    throw new Error(
      `'${glob}' opens a class with '[' at character ${start + 1} and never closes it: close it (sha-[0-9a-f]*), or leave the '[' out — a tag cannot hold one`,
    );
  return { re: `[${negate ? '^' : ''}${body.join('')}]`, next: i + 1 };
}

/** The glob as a regular expression over whole tags; throws an Error whose message names the glob and the fix. */
export function tagGlob(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length;) {
    const c = glob[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const cls = readClass(glob, i);
      re += cls.re;
      i = cls.next;
      continue;
    } else if (c === '\\') {
      const next = glob[i + 1];
      if (next === undefined) throw new Error(`'${glob}' ends with '\\', which escapes nothing: leave it out`);
      re += escapeRe(next);
      i += 2;
      continue;
    } else if (TAG_CHAR.test(c)) re += escapeRe(c);
    else {
      const hint = c === '{' || c === '}' || c === ',' ? ': a brace list is not a glob here — run once per pattern, or use a class (sha-[ab]*)' : '';
      throw new Error(`'${glob}' holds '${c}', which no tag can hold (letters, digits, '_', '.', '-'), so it would match nothing${hint}`);
    }
    i++;
  }
  return new RegExp(`^${re}$`);
}
