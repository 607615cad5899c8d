/**
 * For the notations' order tests: a writer for each text notation of `runs.ts` (by its label), each taking the bytes of
 * a text (a Latin-1 string) and writing them as that notation's writer does — the characters it escapes escaped, with
 * the evidence a place of it needs (`text-rewrite.ts`) — and a simulated reading of a text by the notations alone: the
 * copies RewrittenText makes of it, and of each copy in turn, as the router routes them.
 */
import { notations } from './runs.js';
import { following, RewrittenText, type Notation } from './text-rewrite.js';

/** The UTF-8 bytes of `s` as a Latin-1 string. */
export const bytes = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
const hex2 = (c: number) => c.toString(16).padStart(2, '0');
/** The UTF-8 characters of a Latin-1 string of bytes, each as its bytes (a lone byte above 0x7F one of its own). */
const chars = (s: string): string[] => s.match(/[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}|[\s\S]/g) ?? [];
const utf8 = (c: string) => Buffer.from(c, 'latin1').toString('utf8');
/** `s` cut at `n` places as even as its characters allow (a writer cuts no UTF-8 character). */
function cut(s: string, n: number): string[] {
  const cs = chars(s);
  return [...Array(n).keys()].map((i) => cs.slice(Math.floor((i * cs.length) / n), Math.floor(((i + 1) * cs.length) / n)).join(''));
}

const ROFF: Record<string, string> = { '\\': '\\[rs]', '"': '\\(dq', "'": '\\(aq', '-': '\\-', '`': '\\(ga', '~': '\\(ti', '^': '\\(ha', '@': '\\(at' };
const LATEX: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  '<': '\\textless{}',
  '>': '\\textgreater{}',
  '|': '\\textbar{}',
  '{': '\\{',
  '}': '\\}',
  _: '\\_',
  '%': '\\%',
  '&': '\\&',
  '#': '\\#',
  $: '\\$',
};
const CP1252 = new Map<number, number>(
  [...Array(32).keys()].flatMap((i) => {
    const c = new TextDecoder('windows-1252').decode(Uint8Array.of(0x80 + i)).codePointAt(0)!;
    return c === 0xfffd || c < 0x100 ? [] : [[0x80 + i, c] as [number, number]];
  }),
);

/** Each notation's writer of a text's bytes: what its reader (the notation of that label) reads back. */
export const WRITERS: Record<string, (s: string) => string> = {
  'joined literals': (s) => {
    const [a, b] = cut(s, 2);
    return `x = "${a}"\n    "${b}";`;
  },
  // DNS presentation: every byte as \DDD (an é, C3 A9, is the evidence).
  'decimal escapes': (s) => `TXT "\\195\\169 ${[...s].map((c) => `\\${c.charCodeAt(0).toString().padStart(3, '0')}`).join('')}"`,
  // cat -v: bytes above 0x7F as M-, a control as ^X.
  'meta notation': (s) =>
    `M-CM-) ${[...s]
      .map((c) => {
        const v = c.charCodeAt(0);
        if (v < 0x80) return c;
        const low = v & 0x7f;
        return low < 0x20 ? `M-^${String.fromCharCode(low + 0x40)}` : low === 0x7f ? 'M-^?' : `M-${String.fromCharCode(low)}`;
      })
      .join('')}`,
  // RTF: \uN? for a character beyond ASCII, \\ \{ \} for its own.
  'RTF escapes': (s) =>
    `{\\rtf1\\ansi \\'e9 ${chars(s)
      .map((c) => (c.length > 1 ? `\\u${utf8(c).charCodeAt(0)}?` : c === '\\' || c === '{' || c === '}' ? `\\${c}` : c))
      .join('')}}`,
  // tcpdump -X: 16 bytes a line.
  'packet dump': (s) => {
    const b = Buffer.from(`GET /x HTTP/1.1\r\nX: ${s}\r\n\r\n`, 'latin1');
    const lines = ['12:00:00.000001 IP 10.0.0.1.4242 > 10.0.0.2.80: Flags [P.], length ' + b.length];
    for (let o = 0; o < b.length; o += 16) {
      const row = b.subarray(o, o + 16);
      const groups: string[] = [];
      for (let i = 0; i < row.length; i += 2) groups.push(hex2(row[i]!) + (i + 1 < row.length ? hex2(row[i + 1]!) : ''));
      const ascii = [...row].map((c) => (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.')).join('');
      lines.push(`\t0x${o.toString(16).padStart(4, '0')}:  ${groups.join(' ').padEnd(40)}  ${ascii}`);
    }
    return lines.join('\n') + '\n';
  },
  // nroff bold: each character, a backspace, the character again.
  overstrike: (s) =>
    chars(s)
      .map((c) => (c.length === 1 && c <= ' ' ? c : `${c}\b${c}`))
      .join(''),
  // git diff --word-diff=plain, character regex: a rotated middle.
  'word diff': (s) => {
    const [a, b, c] = cut(s, 3);
    return `${a}[-OLDPART-]{+${b}+}${c}`;
  },
  // UTF-8 read as cp1252 and written as UTF-8.
  mojibake: (s) =>
    [...s]
      .map((c) => {
        const v = c.charCodeAt(0);
        return v < 0x80 ? c : bytes(String.fromCodePoint(CP1252.get(v) ?? v));
      })
      .join(''),
  // systemd-escape --path: / as -, every byte outside [A-Za-z0-9:_.] as \xHH.
  'systemd escape': (s) => `mnt-${[...s].map((c) => (c === '/' ? '-' : /[A-Za-z0-9:_.]/.test(c) ? c : `\\x${hex2(c.charCodeAt(0))}`)).join('')}.mount`,
  // grep --color=always: the matched third in red.
  'terminal colours': (s) => {
    const [a, b, c] = cut(s, 3);
    return `${a}\x1b[01;31m\x1b[K${b}\x1b[m\x1b[K${c}`;
  },
  // pandoc's LaTeX writer (--ascii: é as \'{e}).
  'LaTeX escapes': (s) =>
    `\\textbar{} ${chars(s)
      .map((c) => (c === bytes('é') ? "\\'{e}" : (LATEX[c] ?? c)))
      .join('')}`,
  // pandoc's man writer.
  'roff glyphs': (s) =>
    `\\(lq${chars(s)
      .map((c) => (c.length > 1 ? `\\[u${utf8(c).codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]` : (ROFF[c] ?? c)))
      .join('')}\\(rq`,
  // makeinfo's source: @ { } and the character commands.
  'Texinfo escapes': (s) =>
    `@{${[...s].map((c) => (c === '@' ? '@@' : c === '{' ? '@{' : c === '}' ? '@}' : c === '\\' ? '@backslashchar{}' : c === ',' ? '@comma{}' : c)).join('')}@}`,
  // fold: the word cut where the width falls, the next line indented.
  'wrapped text': (s) => {
    const [a, b] = cut(s, 2);
    return `    token: ${a}\n           ${b}\n    next: 1`;
  },
  // git diff --word-diff=porcelain, character regex.
  'porcelain word diff': (s) => {
    const [a, b, c] = cut(s, 3);
    return `@@ -1 +1 @@\n ${a}\n-OLDPART\n+${b}\n ${c}\n~\n`;
  },
  // VBA's Chr()/ChrW() of each UTF-16 unit, joined by ` & ` (a macro generator's layout).
  'char codes': (s) =>
    `Pw = ${utf8(s)
      .split('')
      .map((c) => `ChrW(${c.charCodeAt(0)})`)
      .join(' & ')}`,
  // Python's print(list(s)): each character quoted on its own (' and \\ escaped, a control as \\xHH).
  'char list': (s) =>
    `chars: [${chars(s)
      .map((c) => `'${c === "'" ? "\\'" : c === '\\' ? '\\\\' : c < ' ' || c === '\x7f' ? `\\x${hex2(c.charCodeAt(0))}` : c}'`)
      .join(', ')}]`,
  // PHP's var_export of a string holding a NUL (the text's bytes, then a NUL): ' and \\ escaped, the NUL a piece of its own.
  'php nul pieces': (s) => `'${s.replace(/[\\']/g, '\\$&')}' . "\\0" . ''`,
  // sqlite3's .mode table --wrap 12: the text cut every 12 bytes inside a cell, a line each, beside a blank key cell.
  'table cells': (s) => {
    const pieces = s.match(/[^]{1,12}/g) ?? [''];
    const rule = '+---------+--------------+';
    return `${rule}\n${pieces.map((p, k) => `| ${k ? '       ' : 'api_key'} | ${p.padEnd(12)} |`).join('\n')}\n${rule}\n`;
  },
  // JSON of a coloured line (a notebook's output): each third of the text in its own colour, ESC written \u001b.
  'escaped colours': (s) => {
    const [a, b, c] = cut(s, 3);
    return `{"text": "\\u001b[33m${a}\\u001b[39m\\u001b[1;31m${b}\\u001b[0m${c}\\u001b[0m"}`;
  },
  // Pygments' HtmlFormatter: the text in spans, cut in three tokens.
  'html spans': (s) => {
    const [a, b, c] = cut(s, 3);
    return `<pre><span class="s1">${a}</span><span class="se">${b}</span><span class="s1">${c}</span></pre>\n`;
  },
  // Python's email: a long parameter cut into pieces.
  'RFC 2231 continuations': (s) => {
    const [a, b, c] = cut(s, 3);
    return `Content-Disposition: attachment;\n filename*0="${a}";\n filename*1="${b}";\n filename*2="${c}"\n`;
  },
};

/** The labels of the notations, in their canonical order. */
export const LABELS = notations().map((n) => n.label);

/**
 * The copies the notations make of `text` and of each copy in turn, to `depth` notations deep, each with the labels of
 * the notations that made it: by every notation at each step (`all`, as before the canonical order) or by those that
 * follow the chain (`following`, with the pairs read in both orders `rule`). The text itself is the first.
 */
export async function copiesOf(
  text: Buffer,
  rule: 'all' | ReadonlyMap<string, ReadonlySet<string>>,
  depth = 4,
  chain: string[] = [],
  out: Array<{ chain: string[]; text: Buffer }> = [],
): Promise<Array<{ chain: string[]; text: Buffer }>> {
  out.push({ chain, text });
  if (chain.length >= depth) return out;
  const made: Array<{ label: string; parts: Buffer[] }> = [];
  const all: Notation[] = notations();
  const reader = new RewrittenText(rule === 'all' ? all : following(all, chain, rule), (_offset, label) => {
    const copy = { label, parts: [] as Buffer[] };
    made.push(copy);
    return { write: (b) => void copy.parts.push(Buffer.from(b)), end: () => undefined };
  });
  await reader.push(text);
  await reader.end();
  for (const m of made) await copiesOf(Buffer.concat(m.parts), rule, depth, [...chain, m.label], out);
  return out;
}
