/**
 * `ar` archives: a `.deb` (debian-binary, control.tar.*, data.tar.*) and static libraries. GNU long
 * names (`//` table, `/<offset>`) and BSD ones (`#1/<length>`, the name at the start of the contents).
 */
import { recordWalk } from './records.js';
import { startsWith, type Decoder } from './types.js';

const MAGIC = [...Buffer.from('!<arch>\n')];

export const ar: Decoder = {
  name: 'ar archive',
  sniff: (h) => startsWith(h, MAGIC),
  open(env) {
    let magic = true;
    let longNames = '';
    const walk = recordWalk(
      env,
      'ar archive',
      8,
      // A member header is judged whole: fewer than its 60 bytes at a chunk's end wait for the next chunk.
      (first) => (magic || first.length < 60 ? (magic ? 8 : 60) : first[58] === 0x60 && first[59] === 0x0a ? 60 : 'a member header without its end marker'),
      (h) => {
        if (magic) {
          magic = false;
          return { name: undefined, skip: 0, size: 0, pad: 0 };
        }
        const raw = h.toString('latin1', 0, 16).trimEnd();
        const size = Number(h.toString('latin1', 48, 58).trim());
        if (!Number.isSafeInteger(size) || size < 0) return 'a member size that is not a number';
        const pad = size % 2;
        if (raw.startsWith('#1/')) {
          const n = Number(raw.slice(3));
          if (!Number.isSafeInteger(n) || n > size) return 'a BSD long name longer than its member';
          return { name: '', skip: 0, size, pad, nameInData: n };
        }
        const gnu = /^\/(\d+)$/.exec(raw);
        const name = gnu
          ? longNames.slice(Number(gnu[1])).split('/\n')[0]!
          : raw === '/' || raw === '/SYM64/'
            ? '(symbol table)'
            : raw === '//'
              ? '(long names)'
              : raw.replace(/\/$/, '');
        return { name, skip: 0, size, pad };
      },
      // The long-name table is small and comes before the members that use it: kept as it passes.
      (header, bytes) => {
        if (header.name === '(long names)' && longNames.length < 1 << 20) longNames += bytes.toString('latin1');
      },
    );
    return walk;
  },
};
