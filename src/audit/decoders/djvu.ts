/**
 * DjVu documents (`AT&TFORM`, then `DJVU`, `DJVM` or `DJVI`: scanned manuals and books, djvulibre's output): an IFF
 * tree of chunks. A page's hidden text layer (TXTz: what OCR read, searchable), its annotations and metadata (ANTz) and
 * the document's outline (NAVM) are BZZ-compressed — a Burrows-Wheeler transform under DjVu's own adaptive binary
 * coder (the ZP-coder), which the audit does not decode: a value in them is in the file's bytes in no form the scan
 * knows. Their uncompressed forms (TXTa, ANTa) are read as they are, with the rest of the file's bytes as plain. The
 * chunk headers are walked as the file streams in (nested FORMs entered, the others passed over: 8 bytes held at a
 * time); a BZZ chunk is named once, at the file.
 */
import { startsWith, type Decoder, type DecodeEnv, type Decoding } from './types.js';

const MAGIC = [0x41, 0x54, 0x26, 0x54, 0x46, 0x4f, 0x52, 0x4d];
const FORMS = ['DJVU', 'DJVM', 'DJVI', 'THUM'];
const BZZ: Record<string, string> = { TXTz: 'hidden text (TXTz)', ANTz: 'annotations (ANTz)', NAVM: 'an outline (NAVM)' };

/** `AT&TFORM`, a length, then a DjVu form type. */
export const isDjvu = (h: Uint8Array) => startsWith(h, MAGIC) && h.length >= 16 && FORMS.includes(String.fromCharCode(...h.subarray(12, 16)));

export const djvu: Decoder = {
  name: 'DjVu document',
  sniff: isDjvu,
  open(env: DecodeEnv): Decoding {
    const plain = env.openAt(env.path);
    // The file's offset of the next chunk header (past `AT&T`), and the bytes of a header met across a push.
    let next = 4;
    let seen = 0;
    let held = Buffer.alloc(0);
    let named = false;
    // The top FORM's end (12 + its length, from the file's first 12 bytes): a file shorter was cut, a walk that does not
    // land on it met a damaged chunk header.
    let top = -1;
    let lead = Buffer.alloc(0);
    const say = (what: string) => {
      if (named) return;
      named = true;
      env.limit(what);
    };
    const chunk = (id: string, length: number) => {
      if (!/^[\x20-\x7e]{4}$/.test(id)) say('a DjVu document with a damaged chunk header, whose compressed chunks the audit may not have met');
      if (id === 'FORM') return 12;
      if (BZZ[id]) say(`a DjVu document with BZZ-compressed ${BZZ[id]}, which the audit does not decode`);
      return 8 + length + (length & 1);
    };
    return {
      async push(bytes) {
        if (env.stopped) return;
        const start = seen;
        seen += bytes.length;
        // `AT&TFORM` blanked: the plain read is not claimed again.
        const blank = Math.max(0, Math.min(bytes.length, MAGIC.length - start));
        if (env.allow(bytes.length)) await plain.write(blank ? Buffer.concat([Buffer.alloc(blank, 0x20), bytes.subarray(blank)]) : bytes);
        if (lead.length < 12) lead = Buffer.concat([lead, bytes.subarray(0, 12 - lead.length)]);
        if (top < 0 && lead.length === 12) top = 12 + lead.readUInt32BE(8);
        while (next + 8 <= seen) {
          const from = next - start;
          const header = from >= 0 ? bytes.subarray(from, from + 8) : Buffer.concat([held.subarray(held.length + from), bytes]).subarray(0, 8);
          next += chunk(String.fromCharCode(...header.subarray(0, 4)), Buffer.from(header).readUInt32BE(4));
        }
        held = Buffer.from(Buffer.concat([held, bytes]).subarray(-8));
      },
      async end() {
        if (!env.stopped && seen < top) say(`a DjVu document cut short (${seen} of ${top} bytes)`);
        else if (!env.stopped && top >= 0 && next !== top && next !== top + 1)
          say('a DjVu document whose chunk lengths do not add up (a damaged chunk header)');
        await plain.end();
      },
    };
  },
};
