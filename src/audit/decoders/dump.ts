/** Hex dumps (`xxd`, `hexdump -C`, `od`), read back into the bytes they show by `../hexdump.ts`. */
import { DumpDecoder, sniffDump } from '../hexdump.js';
import type { Decoder } from './types.js';

/** What a dump gives back is written to its content in pieces of up to this many bytes. */
const GATHER = 64 * 1024;

export const dump: Decoder = {
  name: 'hex dump',
  sniff: (h) => sniffDump(h) !== undefined,
  open(env) {
    const sink = env.openAt(`${env.path} (as a hex dump)`);
    let queue: Promise<void> = Promise.resolve();
    let format: ReturnType<typeof sniffDump>;
    let d: DumpDecoder | undefined;
    // A dump line is 16 bytes: written one by one, each went through every reader of the content
    // (a 63 KB dump of `*` lines giving back 1 MiB took 8 s of CPU). Gathered up to 64 KiB a write.
    let parts: Buffer[] = [];
    let held = 0;
    const flush = () => {
      if (!held) return;
      const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, held);
      parts = [];
      held = 0;
      queue = queue.then(() => sink.write(bytes));
    };
    const out = (bytes: Buffer) => {
      if (!env.allow(bytes.length)) return;
      parts.push(bytes);
      held += bytes.length;
      if (held >= GATHER) flush();
    };
    return {
      push(bytes) {
        if (env.stopped) return;
        format ??= sniffDump(bytes);
        d ??= new DumpDecoder(format ?? 'xxd', out);
        d.push(bytes, false);
        flush();
        return queue;
      },
      async end() {
        d?.push(new Uint8Array(0), true);
        flush();
        await queue;
        await sink.end();
      },
    };
  },
};
