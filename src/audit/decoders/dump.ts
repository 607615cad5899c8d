/** Hex dumps (`xxd`, `hexdump -C`, `od`), read back into the bytes they show by `../hexdump.ts`. */
import { DumpDecoder, sniffDump } from '../hexdump.js';
import type { Decoder } from './types.js';

export const dump: Decoder = {
  name: 'hex dump',
  sniff: (h) => sniffDump(h) !== undefined,
  open(env) {
    const sink = env.openAt(`${env.path} (as a hex dump)`);
    let queue: Promise<void> = Promise.resolve();
    let format: ReturnType<typeof sniffDump>;
    let d: DumpDecoder | undefined;
    const out = (bytes: Buffer) => {
      if (!env.allow(bytes.length)) return;
      queue = queue.then(() => sink.write(bytes));
    };
    return {
      push(bytes) {
        if (env.stopped) return;
        format ??= sniffDump(bytes);
        d ??= new DumpDecoder(format ?? 'xxd', out);
        d.push(bytes, false);
        return queue;
      },
      async end() {
        d?.push(new Uint8Array(0), true);
        await queue;
        await sink.end();
      },
    };
  },
};
