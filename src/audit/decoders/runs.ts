/**
 * Encoded runs inside text: base64 (and base64url), hex and base32 runs of at least MIN_RUN
 * characters — a Helm release record (base64 of gzip of JSON), a data: URI, a Kubernetes Secret's
 * values, a hex-encoded blob — decoded as they stream and routed as content of their own, so what
 * they hold is scanned and opened in turn (base64 → gzip → JSON), each level one deeper. Line
 * breaks inside a run (base64 wrapped at 64 or 76 columns, indented as in a YAML block) do not end it.
 */
import type { Sink } from './types.js';

export const MIN_RUN = 40;
type Alphabet = 'base64' | 'hex' | 'base32';

const B64 = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_') B64[c.charCodeAt(0)] = 1;
// A run is tried only where one starts (the lookbehind): each character is looked at about once, not once per start inside a word.
const RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{40,}(?:={0,2}\r?\n[ \t]*[A-Za-z0-9+/_-]{16,})*={0,3}/g;

function alphabetOf(run: string): Alphabet {
  if (/^[0-9a-fA-F\s]*$/.test(run)) return 'hex';
  if (/^[A-Z2-7=\s]*$/.test(run)) return 'base32';
  return 'base64';
}

function decode(text: string, alphabet: Alphabet): Buffer {
  const t = text.replace(/[\s=]/g, '');
  if (alphabet === 'hex') return Buffer.from(t.slice(0, t.length & ~1), 'hex');
  if (alphabet === 'base64') return Buffer.from(t.replaceAll('-', '+').replaceAll('_', '/'), 'base64');
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const c of t) {
    value = (value << 5) | 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** How many characters of an unfinished run can be decoded now without cutting a group. */
const whole = (length: number, alphabet: Alphabet) => length - (length % (alphabet === 'hex' ? 2 : alphabet === 'base32' ? 8 : 4));

/**
 * Finds and decodes the runs of one text. A run still open at a chunk's end is decoded as far as a
 * whole group and continued with the next chunk (a long record streams, it is not gathered).
 */
export class EncodedRuns {
  #open: { sink: Sink; alphabet: Alphabet; rest: string } | undefined;
  #offset = 0;
  #tail = '';

  constructor(readonly open: (offset: number, alphabet: Alphabet) => Sink | undefined) {}

  async push(chunk: Uint8Array): Promise<void> {
    const text = this.#tail + Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString('latin1');
    const base = this.#offset - this.#tail.length;
    this.#offset += chunk.length;
    this.#tail = '';
    let from = 0;
    if (this.#open) {
      // The open run goes on as far as this chunk's leading base64 characters do.
      let i = 0;
      while (i < text.length && (B64[text.charCodeAt(i)] || '=\n\r \t'.includes(text[i]!))) i++;
      await this.#continue(text.slice(0, i), i === text.length);
      if (i === text.length) return;
      from = i;
    }
    const re = new RegExp(RUN.source, 'g'); // its own: a decoded run's router runs this too, meanwhile
    re.lastIndex = from;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const atEnd = m.index + m[0].length === text.length;
      const sink = this.open(base + m.index, alphabetOf(m[0].slice(0, 64)));
      if (!sink) continue;
      this.#open = { sink, alphabet: alphabetOf(m[0].slice(0, 64)), rest: '' };
      await this.#continue(m[0], atEnd);
    }
    // A run may start in the last characters: they are looked at again with the next chunk.
    if (!this.#open) {
      let i = text.length;
      while (i > 0 && text.length - i < MIN_RUN && B64[text.charCodeAt(i - 1)]) i--;
      this.#tail = text.slice(i);
    }
  }

  async #continue(piece: string, more: boolean): Promise<void> {
    const run = this.#open!;
    const text = run.rest + piece.replace(/[\s=]/g, '');
    const n = more ? whole(text.length, run.alphabet) : text.length;
    run.rest = text.slice(n);
    if (n) await run.sink.write(decode(text.slice(0, n), run.alphabet));
    if (!more) await this.end();
  }

  async end(): Promise<void> {
    const run = this.#open;
    this.#open = undefined;
    if (!run) return;
    if (run.rest) await run.sink.write(decode(run.rest, run.alphabet));
    await run.sink.end();
  }
}
