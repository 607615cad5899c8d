/** tar (ustar, GNU, PAX), walked by `TarWalker`: each regular file's contents a member. */
import { isRegularFile, TarWalker } from '../tar.js';
import { Members, type Decoder } from './types.js';

export const isTar = (h: Uint8Array) => h.length >= 262 && Buffer.from(h.subarray(257, 262)).toString('latin1') === 'ustar';

export const tar: Decoder = {
  name: 'tar',
  sniff: isTar,
  open(env) {
    const members = new Members(env);
    let current: unknown;
    let finished = false;
    const walker = new TarWalker(
      (bytes, entry, part) => {
        if (part === 'end') finished = true;
        if (part !== 'data' || !entry || !isRegularFile(entry.type)) {
          if (part === 'header') [current] = [undefined, members.close()];
          return;
        }
        if (current !== entry) {
          current = entry;
          members.start(entry.path);
        }
        members.data(bytes);
      },
      (reason) => env.limit(reason),
    );
    return {
      /** The end blocks were read (a tar found inside other bytes: what follows is not its). */
      get finished() {
        return finished;
      },
      push(bytes) {
        walker.write(bytes);
        return members.settled;
      },
      end() {
        members.close();
        return members.settled;
      },
    };
  },
};
