/**
 * The walk that archives of headers-then-contents share (ar, cpio): a header of known length is
 * gathered, read into a member (its name, its size, the padding after it), and the contents are
 * handed to the member's sink as they stream, never held.
 */
import { Members, type DecodeEnv, type Decoding } from './types.js';

export interface Header {
  /** The member's name; undefined for a record that holds no file (cpio's trailer ends the walk). */
  name: string | undefined;
  /** Bytes after the header before the contents (cpio's name and its padding, a BSD ar long name). */
  skip: number;
  size: number;
  /** Padding after the contents. */
  pad: number;
  /** Bytes of the contents that are the member's name (BSD ar's `#1/<n>`), read before it is opened. */
  nameInData?: number;
  end?: boolean;
}

/**
 * `headerLength(first)` says how long the header starting with `first` (at least `peek` bytes) is,
 * or a reason it is not one (`end`: the archive ended cleanly before it); `parse(header)` reads it (a reason again when it is damaged).
 */
export function recordWalk(
  env: DecodeEnv,
  kind: string,
  peek: number,
  headerLength: (first: Buffer) => number | string,
  parse: (header: Buffer) => Header | string,
  /** Sees each member's contents too (ar's long-name table). */
  onData?: (header: Header, bytes: Buffer) => void,
): Decoding {
  const members = new Members(env);
  let pending: Buffer = Buffer.alloc(0);
  let mode: 'header' | 'skip' | 'data' | 'name' | 'pad' | 'end' = 'header';
  let left = 0;
  let header: Header | undefined;
  let nameBuf = Buffer.alloc(0);
  const stop = (why: string) => void ([mode] = ['end', members.close(), env.limit(`a damaged ${kind} (${why}): the rest is not audited`)]);
  const walk = (chunk: Buffer) => {
    let i = 0;
    while (i < chunk.length && mode !== 'end') {
      if (mode === 'header') {
        pending = pending.length ? Buffer.concat([pending, chunk.subarray(i)]) : chunk.subarray(i);
        i = chunk.length;
        if (pending.length < peek) return;
        const length = headerLength(pending);
        if (length === 'end') return void (mode = 'end'); // what follows the archive is not part of it
        if (typeof length === 'string') return stop(length);
        if (pending.length < length) return;
        const parsed = parse(pending.subarray(0, length));
        const rest = pending.subarray(length);
        pending = Buffer.alloc(0);
        if (typeof parsed === 'string') return stop(parsed);
        if (parsed.end) return void (mode = 'end');
        header = parsed;
        [mode, left] = ['skip', parsed.skip];
        chunk = rest;
        i = 0;
      } else if (mode === 'skip' || mode === 'pad') {
        const take = Math.min(left, chunk.length - i);
        i += take;
        left -= take;
        if (left) continue;
        if (mode === 'skip') {
          [mode, left] = header!.nameInData ? ['name', header!.nameInData] : ['data', header!.size];
          if (mode === 'data' && header!.name !== undefined) members.start(header!.name);
        } else mode = 'header';
      } else if (mode === 'name') {
        const take = Math.min(left, chunk.length - i);
        nameBuf = Buffer.concat([nameBuf, chunk.subarray(i, i + take)]);
        [i, left] = [i + take, left - take];
        if (left) continue;
        members.start(nameBuf.toString('utf8').replace(/\0+$/, ''));
        nameBuf = Buffer.alloc(0);
        [mode, left] = ['data', header!.size - header!.nameInData!];
      }
      if (mode === 'data') {
        const take = Math.min(left, chunk.length - i);
        members.data(chunk.subarray(i, i + take));
        onData?.(header!, chunk.subarray(i, i + take));
        [i, left] = [i + take, left - take];
        if (left) continue;
        members.close();
        [mode, left] = ['pad', header!.pad];
        if (!left) mode = 'header';
      }
    }
  };
  return {
    push(bytes) {
      walk(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
      return members.settled;
    },
    end() {
      if (mode !== 'end' && (mode === 'data' || mode === 'name' || (mode === 'skip' && left) || pending.some((b) => b !== 0))) stop('it ends inside a member');
      members.close();
      return members.settled;
    },
  };
}
