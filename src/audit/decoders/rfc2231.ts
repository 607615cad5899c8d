/**
 * RFC 2231 parameter continuations: a MIME header parameter too long for a line — an attachment's
 * file name, above all one beyond ASCII — is cut into numbered pieces, `filename*0*=utf-8''…;` then
 * `filename*1*=…` on the next folded line (Python's email, Thunderbird, mutt), each piece
 * percent-encoded (`*N*=`) or quoted (`*N="…"`). A value in the name is cut where the pieces meet.
 * A place is a first piece (`NAME*0=` or `NAME*0*=`); the text around is rewritten with the joints
 * between a name's pieces taken out — the closing quote, `;`, the fold and `NAME*N*=` with its
 * opening quote — and routed (`(RFC 2231 continuations at N)`, `text-rewrite.ts`); the percent
 * escapes of the joined piece are read as every text's are.
 */
import { textAround, type Notation } from './text-rewrite.js';

const FIRST = /([A-Za-z][\w.-]{0,63})\*0\*?=/g;
const escapeName = (name: string) => name.replace(/[.-]/g, (c) => `\\${c}`);

export const RFC2231: Notation = {
  label: 'RFC 2231 continuations',
  needles: [Buffer.from('*0*='), Buffer.from('*0=')],
  at(b, at) {
    const c = b[at - 1];
    const named = c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2d);
    return named && textAround(b, at, false);
  },
  rewrite(w) {
    let text = w.toString('latin1');
    const names = new Set([...text.matchAll(FIRST)].map((m) => m[1]!));
    for (const name of names) {
      const joint = new RegExp(`"?[ \\t]*;[ \\t]*(?:\\r?\\n[ \\t]+)?${escapeName(name)}\\*[1-9]\\d{0,3}\\*?="?`, 'g');
      text = text.replace(joint, '');
    }
    const out = Buffer.from(text, 'latin1');
    return out.length === w.length ? undefined : out;
  },
};
