/**
 * Bytes above 0x7F in "meta" notation: `cat -v` and `cat -A` (and `less`'s and BSD vis's `\M-`)
 * write such a byte as `M-` and its low seven bits as `cat -v` shows them — a printable character, or
 * `^` and a letter for a control, `^?` for DEL — so `é` (C3 A9) is `M-CM-)` and `€` is
 * `M-bM-^BM-,`: a value beyond ASCII printed to a CI log to show its hidden characters. A place is
 * evidence where two such bytes make a UTF-8 lead and continuation byte; the text around it is
 * rewritten with every `M-…` (and vis's `\M-…`) as its byte and routed (`(meta notation at N)`,
 * `text-rewrite.ts`). `^X` alone is left: `cat -v` writes a `^` of the text as it is.
 */
import { textAround, type Notation } from './text-rewrite.js';

/** The byte and length of the meta sequence at `at` (`M-x`, `M-^X`, `M-^?`), or undefined. */
function metaAt(b: Uint8Array, at: number): { byte: number; size: number } | undefined {
  if (b[at] !== 0x4d || b[at + 1] !== 0x2d) return undefined;
  const c = b[at + 2];
  if (c === undefined || c < 0x20 || c > 0x7e) return undefined;
  if (c !== 0x5e) return { byte: c | 0x80, size: 3 };
  const d = b[at + 3];
  // `M-^` followed by no control's letter is the byte 0xDE (`^` with its high bit) itself.
  if (d === 0x3f) return { byte: 0xff, size: 4 };
  if (d !== undefined && d >= 0x40 && d <= 0x5f) return { byte: (d - 0x40) | 0x80, size: 4 };
  return { byte: 0xde, size: 3 };
}

export const META_NOTATION: Notation = {
  label: 'meta notation',
  beyondEncoders: true,
  needles: [Buffer.from('M-')],
  at(b, at) {
    const lead = metaAt(b, at);
    if (!lead || lead.byte < 0xc2 || lead.byte > 0xf4) return false;
    const skip = b[at + lead.size] === 0x5c ? 1 : 0;
    const next = metaAt(b, at + lead.size + skip);
    return next !== undefined && next.byte >= 0x80 && next.byte <= 0xbf && textAround(b, at, true);
  },
  rewrite(w) {
    // vis writes every such byte as `\M-C` (and its own backslashes as `\\`); cat -v and less write `M-C`, and a
    // backslash before it is the text's own (`a\😀` is `a\M-p^_M-^XM-^@`): vis's when no sequence lacks one.
    let vis = true;
    for (let i = w.indexOf('M-'); i >= 0 && vis; i = w.indexOf('M-', i + 2)) if (metaAt(w, i) && w[i - 1] !== 0x5c) vis = false;
    const out = Buffer.allocUnsafe(w.length);
    let n = 0;
    let decoded = false;
    for (let i = 0; i < w.length;) {
      const m = metaAt(w, i);
      if (!m) {
        out[n++] = w[i++]!;
        continue;
      }
      // vis writes `\M-C`: its backslash belongs to the sequence.
      if (vis && n > 0 && out[n - 1] === 0x5c && i > 0 && w[i - 1] === 0x5c) n--;
      out[n++] = m.byte;
      decoded = true;
      i += m.size;
    }
    return decoded ? out.subarray(0, n) : undefined;
  },
};
