/**
 * Text formats that fold long lines anywhere, a value too, by a line break and one space: a Java
 * manifest (`jar` writes 72-byte lines, `META-INF/MANIFEST.MF` and the `.SF` signature files),
 * LDIF (`ldapsearch`, `slapcat`: 76 columns, base64 values `attr::` folded the same), iCalendar and
 * vCard (75 octets). The fold is no escape, so no escape reading begins there: a build token in a
 * manifest attribute, or an LDAP export's password, was split in the file and passed. Told by the
 * first line, the text is unfolded as it streams (a CRLF or LF followed by one space removed) and
 * routed as content, `app.jar!/META-INF/MANIFEST.MF!(unfolded)`, where escapes and runs apply.
 */
import type { Decoder } from './types.js';

/** First lines that say the text folds: a manifest or signature file, iCalendar, vCard, LDIF (its version line or a first entry). */
const FIRST_LINE = /^(?:(?:Manifest|Signature)-Version: |BEGIN:(?:VCALENDAR|VCARD)\r?\n|(?:#[^\n]*\n)*(?:version: 1\r?\n|dn::? ))/;

export const folded: Decoder = {
  name: 'folded text',
  // Its own output starts with the same line, and has no fold left: not claimed again.
  sniff: (h, path) => !path.endsWith('(unfolded)') && FIRST_LINE.test(Buffer.from(h.buffer, h.byteOffset, Math.min(h.length, 512)).toString('latin1')),
  open(env) {
    const sink = env.openAt(`${env.path.endsWith('!') ? env.path : `${env.path}!`}(unfolded)`);
    /** A line break at the end of the last chunk: whether a space follows is told by the next. */
    let held = Buffer.alloc(0);
    const unfold = (all: Buffer, final: boolean): Buffer => {
      const out = Buffer.allocUnsafe(all.length);
      let o = 0;
      let i = 0;
      for (; i < all.length; i++) {
        const c = all[i]!;
        if (c === 0x0d || c === 0x0a) {
          const lf = c === 0x0d ? i + 1 : i;
          // Not yet known whether the break is a fold: kept for the next chunk.
          if (!final && lf + 1 >= all.length) break;
          if (all[lf] === 0x0a && all[lf + 1] === 0x20) {
            i = lf + 1;
            continue;
          }
        }
        out[o++] = c;
      }
      held = Buffer.from(all.subarray(i));
      return out.subarray(0, o);
    };
    const write = async (bytes: Buffer, final: boolean) => {
      const out = unfold(held.length ? Buffer.concat([held, bytes]) : bytes, final);
      if (!out.length || !env.allow(out.length)) return;
      await sink.write(out);
    };
    return {
      push: (bytes) => write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), false),
      async end() {
        if (held.length) await write(Buffer.alloc(0), true);
        await sink.end();
      },
    };
  },
};
