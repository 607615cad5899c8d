/**
 * The shape of a decoder that must hold its whole file to read it (its index is at its end, its pieces point anywhere):
 * the file's own bytes written on at once as plain content under its path — its first `skip` bytes, the header its
 * sniff claimed by, as blanks, so that the plain read is not claimed again and a stream found in it is named at the
 * file's own offset (none where `skip` is undefined: an archive whose members are each read) —, and the file gathered, up to `max` bytes, for `read` at its end. Used by pdf-crypt.ts,
 * h2-mvstore.ts, xapian-glass.ts, mysql-archive.ts and arc.ts. Past `max` what was gathered is dropped and `over` says why (a limit, or nothing where the file may hold
 * nothing to decode); `read` is then not called.
 */
import type { DecodeEnv, Decoding } from './types.js';

/** What the decoders that gather a file hold of it at most. */
export const MAX_GATHERED = 64 << 20;

export interface Gathering {
  /** The header's length, written to the plain read as blanks; undefined: no plain read (an archive whose members are read). */
  skip: number | undefined;
  /** Where the header starts, told from the file's first bytes (hdf5.ts: its superblock after a user block); 0 when not said. */
  at?: (first: Uint8Array) => number;
  /** The most held (MAX_GATHERED when not said). */
  max?: number;
  /** The file passed `max`: what to say (env.limit), if anything; `held` is what was gathered, dropped after. */
  over(env: DecodeEnv, max: number, held: readonly Buffer[]): void;
  /** The whole file, once it ended within `max` and the bounds did not stop it. */
  read(file: Buffer): void | Promise<void>;
}

/** A Decoding that writes the plain read through and gathers the file for `g.read`. */
export function gathered(env: DecodeEnv, g: Gathering): Decoding {
  const max = g.max ?? MAX_GATHERED;
  const plain = g.skip === undefined ? undefined : env.openAt(env.path);
  const parts: Buffer[] = [];
  let held = 0;
  let over = false;
  let seen = 0;
  let start: number | undefined;
  return {
    async push(bytes) {
      if (env.stopped) return;
      // The header as blanks: a stream found in the plain read is named at the file's own offset, and the read is still
      // taken for text where the file's bytes are (a PDF's ASCII85 streams are read by the text readers; zeros, as
      // heldPlain writes an image's header, would make it binary).
      start ??= g.at ? g.at(bytes) : 0;
      const from = Math.max(0, start - seen);
      const to = Math.max(from, Math.min(bytes.length, start + (g.skip ?? 0) - seen));
      seen += bytes.length;
      if (plain && env.allow(bytes.length))
        await plain.write(to > from ? Buffer.concat([bytes.subarray(0, from), Buffer.alloc(to - from, 0x20), bytes.subarray(to)]) : bytes);
      if (over) return;
      held += bytes.length;
      if (held > max) {
        over = true;
        g.over(env, max, parts);
        parts.length = 0;
        return;
      }
      parts.push(Buffer.from(bytes));
    },
    async end() {
      await plain?.end();
      if (over || env.stopped) return;
      const file = Buffer.concat(parts);
      parts.length = 0;
      await g.read(file);
    },
  };
}

/** `path!name`: a place of the decoder's own making inside the content at `path`. */
export const within = (path: string, name: string) => `${path.endsWith('!') ? path : `${path}!`}${name}`;
