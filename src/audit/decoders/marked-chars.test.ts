// Property: a value's characters written as character literals a mark leads (`$t`, `?t`, `$\s`), one by one in a list
// after a list's opener, with any separator of commas, blanks and line breaks, are read back — for any value (ASCII with every printable
// special, Latin-1 and emoji as UTF-8) and any chunking; text whose `$` and `?` lead variables, prompts or operators
// gives nothing. Nearest real-world variants: Erlang's `[$t, $o, …]` (io_lib:write_char, made below by erl itself),
// Emacs Lisp's `'(?t ?o …)` and `(string ?t ?o …)`, Ruby's `[?t, ?o, …]`. All silent through the bundle of the session's start
// (/tmp/lead/dist-start): round 22's asserted gaps erlang-dollar-chars and elisp-chars.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { MarkedChars } from './marked-chars.js';
import { auditFiles, has, SECRET } from './testing.js';

const rng = seededPerTest(0x3a7c4e);
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SPECIALS = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** What a MarkedChars reads from `text` fed in chunks of `size` bytes. */
async function read(text: Buffer, size: number): Promise<string[]> {
  const got: string[] = [];
  const reader = new MarkedChars(() => {
    const parts: Uint8Array[] = [];
    return { write: (b) => void parts.push(Buffer.from(b)), end: () => void got.push(Buffer.concat(parts).toString('utf8')) };
  });
  for (let i = 0; i < text.length; i += size) await reader.push(text.subarray(i, i + size));
  await reader.end();
  return got;
}

/** A character as the literal after the mark: a backslash before a blank (`\s`) or a backslash. */
const literal = (c: string): string => (c === ' ' ? '\\s' : c === '\\' ? '\\\\' : c);

describe('marked character literals', () => {
  it('generated lists (marks × separators × values × chunkings): the value read back', async () => {
    for (let i = 0; i < 200; i++) {
      const mark = rng.pick(['$', '?']);
      const sep = rng.pick([', ', ',', ' ', ',\n    ', '\n', '  ', '\t']);
      const v = rng.pick([
        () => rng.chars(ALNUM, rng.int(12, 40)),
        () => `${rng.chars(ALNUM, 6)}${rng.chars(SPECIALS, 4)} ${rng.chars(ALNUM, 6)}`,
        () => `${rng.chars(ALNUM, 8)}é${rng.chars(ALNUM, 4)}😀${rng.chars(ALNUM, 4)}`,
      ])();
      const list = [...v].map((c) => mark + literal(c)).join(sep);
      const text = Buffer.from(`${rng.chars(ALNUM, rng.int(0, 300))}\nK = [${list}].\n`, 'utf8');
      expect(await read(text, rng.pick([1, 3, 7, 64, text.length])), `${JSON.stringify(sep)} ${mark}: ${text.toString('utf8')}`).toContain(v);
    }
  });

  // Emacs Lisp makes a string of characters by a call: `(string ?t ?o …)`, `(concat (list ?t …))`, `(vector ?t …)` — the
  // items follow the function's symbol, not the `(` itself (round 23's gap: read only after an opener).
  it('generated Emacs Lisp calls (a function symbol, then ?items) × chunkings: the value read back', async () => {
    for (let i = 0; i < 120; i++) {
      const fn = rng.pick(['string', 'list', 'vector', 'concat', `my-${rng.chars('abcdefghij', rng.int(1, 12))}`, "apply #'string"]);
      const sep = rng.pick([' ', '  ', '\n   ', '\t']);
      const v = rng.pick([() => rng.chars(ALNUM, rng.int(12, 40)), () => `${rng.chars(ALNUM, 6)}${rng.chars(SPECIALS, 4)} ${rng.chars(ALNUM, 6)}`])();
      const call = `(${fn}${rng.pick([' ', '\n  '])}${[...v].map((c) => `?${/[()[\]\\;"' ]/.test(c) ? `\\${c === ' ' ? 's' : c}` : c}`).join(sep)})`;
      const text = Buffer.from(`${rng.chars(ALNUM, rng.int(0, 300))}\n(defvar my-key ${call})\n`, 'utf8');
      const want = fn === "apply #'string" ? [] : [v];
      expect(
        (await read(text, rng.pick([1, 3, 7, 64, text.length]))).filter((r) => r === v),
        `${fn}: ${text.toString('utf8')}`,
      ).toEqual(want);
    }
  });

  it('shell, Perl, Makefiles and prose with many $ and ?: nothing read', async () => {
    const texts = [
      'for f in $a $b $c $d; do echo "$f $1 $2 $3 $4 $5 $6 $7 $8 $9" > $@; done # are you sure? yes? no?',
      'my ($self, $args, $opts, $x1, $y1) = @_; print "$ENV{HOME}/$dir/$file\\n" if $verbose && $x =~ /a?b?c?/;',
      'SELECT * FROM t WHERE a = ? AND b = ? AND c = ? AND d = ?; -- what? why? how?',
      'all: $(OBJS) ; $(CC) $(CFLAGS) -o $@ $^ $< $? $* $$HOME',
      '(message "are you sure ?y ?n ?q ?a ?b") (if (y-or-n-p "really? ") (why ? not) (x ?a) (y ?b)) (what ?)',
    ];
    for (const t of texts) expect(await read(Buffer.from(t), 5), t).toEqual([]);
  });

  it.runIf(has('erl'))('Erlang writes the list (io_lib:write_char): read back, the path named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoist-marked-'));
    try {
      writeFileSync(join(dir, 'secret'), SECRET);
      const src = `{ok, B} = file:read_file("secret"), io:format("K = [~ts].~n", [lists:join(", ", [io_lib:write_char(C) || C <- binary_to_list(B)])]), halt().`;
      const erl = execFileSync('erl', ['-noshell', '-eval', src], { cwd: dir, encoding: 'utf8' });
      const found = await auditFiles({ 'src/key.erl': `-module(key).\n${erl}`, 'clean.erl': erl.replaceAll('$', '$ ') });
      expect(found.map((x) => `${x.severity} ${x.path}`)).toEqual(['leak src/key.erl!(marked chars at 19)']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
