/**
 * Highlighted code in HTML: a syntax highlighter writes each token of a listing in a `<span>` of its class — Pygments
 * (Sphinx, MkDocs: `<span class="s1">`), Rouge (Jekyll), Chroma (Hugo), highlight.js and Prism rendered ahead — and a
 * string holding an escape (`\\`) or a format spec (`%s`) is several tokens: the value in a documentation page's example
 * is cut by `</span><span class="se">` where it holds one. The escape families read the page's entities but not the
 * tags. A place is a span closed and another opened at once (`</span><span`), in text; the text around it is rewritten
 * with every `<span …>` and `</span>` taken out and routed (`(html spans at N)`, `text-rewrite.ts`); the entities and the
 * code's own escapes are read in the copy by the escape families.
 */
import { textAround, type Notation } from './text-rewrite.js';

const SPAN = /<\/?span(?:\s[^<>]*)?>/g;

export const HTML_SPANS: Notation = {
  label: 'html spans',
  needles: [Buffer.from('</span><span')],
  at(b, at) {
    const c = b[at + 12];
    return (c === 0x20 || c === 0x3e) && textAround(b, at, false);
  },
  rewrite(w) {
    const text = w.toString('latin1');
    const plain = text.replace(SPAN, '');
    return plain.length === text.length ? undefined : Buffer.from(plain, 'latin1');
  },
};
