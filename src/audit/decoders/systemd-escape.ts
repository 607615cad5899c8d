/**
 * systemd's unit-name escaping (`systemd-escape`, `systemd-escape --path`, `--template=x@.service`,
 * and the names systemd gives mount, device and instance units): every byte outside
 * `[A-Za-z0-9:_.]` is written `\xHH`, and `/` is written `-` — so a URL or path holding a key,
 * made a unit instance's name, has its slashes as dashes, a string no escape family reads back
 * (they read `\x2d`, not `-`). A place is evidence where a `\xHH` stands in a run of unit-name
 * characters that holds a `-` too; the text around is rewritten with each such run unescaped (`-`
 * as `/`, `\xHH` as its byte) and routed (`(systemd escape at N)`, `text-rewrite.ts`).
 */
import { textAround, type Notation } from './text-rewrite.js';

/** How far either side of a place its run is looked through for a `-`. */
const REACH = 512;
/** A run of unit-name characters and `\xHH` escapes. */
const RUN = /(?:[A-Za-z0-9:_.@-]|\\x[0-9a-f]{2})+/g;

const isHex = (c: number | undefined) => c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66));
/** Whether `c` can stand in an escaped unit name (its letters, digits, `:_.@-`, and an escape's `\`). */
const inName = (c: number) =>
  (c >= 0x30 && c <= 0x3a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2e || c === 0x40 || c === 0x2d || c === 0x5c;

export const SYSTEMD_ESCAPE: Notation = {
  label: 'systemd escape',
  needles: [Buffer.from('\\x')],
  at(b, at) {
    if (!isHex(b[at + 2]) || !isHex(b[at + 3])) return false;
    let dash = false;
    for (let i = at - 1; i >= Math.max(0, at - REACH) && inName(b[i]!) && !dash; i--) dash = b[i] === 0x2d;
    for (let i = at + 4; i < Math.min(b.length, at + REACH) && inName(b[i]!) && !dash; i++) dash = b[i] === 0x2d;
    return dash && textAround(b, at, true);
  },
  rewrite(w) {
    let changed = false;
    const text = w.toString('latin1').replace(RUN, (run) => {
      if (!run.includes('\\x')) return run;
      changed = true;
      return run.replace(/\\x([0-9a-f]{2})|-/g, (_s, hex?: string) => (hex ? String.fromCharCode(parseInt(hex, 16)) : '/'));
    });
    return changed ? Buffer.from(text, 'latin1') : undefined;
  },
};
