/**
 * LZMA2 (a 7z folder's coder; xz's one filter): chunks, each a control byte and sizes, holding
 * either raw bytes or LZMA1 data with its own range coder, decoded by `lzma-core.ts` — resetting
 * its dictionary, state or properties as the control byte says. A chunk is gathered whole (at most
 * 64 KiB packed) before it is decoded, so nothing is resumed mid-chunk; its output (at most 2 MiB)
 * goes out 256 KiB at a time, each piece allowed by the bounds first.
 */
import { LzmaCore, LzmaError, parseProps } from './lzma-core.js';
import type { Emit } from './lzma.js';
import { errorText, type Decoding } from './types.js';

/** LZMA2's one property byte: the dictionary size it stands for (40: 4 GiB − 1), or undefined past that. */
export function lzma2Dict(b: number): number | undefined {
  if (b > 40) return undefined;
  return b === 40 ? 0xffffffff : (2 | (b & 1)) * 2 ** (Math.floor(b / 2) + 11);
}

/** What an LZMA2 stream carries from chunk to chunk. */
interface ChunkState {
  reset: boolean;
  propsSet: boolean;
  stopped: boolean;
  out(core: LzmaCore): Promise<void>;
}

/** One chunk, its resets applied, decoded into the window and handed out. */
async function chunk(core: LzmaCore, c: number, body: Uint8Array, propsByte: number, unpacked: number, st: ChunkState): Promise<void> {
  if (c === 1 || c >= 0xe0) {
    core.resetDict();
    st.reset = true;
  } else if (!st.reset) throw new LzmaError('an LZMA2 stream that does not start with a dictionary reset');
  if (c < 0x80) {
    for (let i = 0; i < body.length && !st.stopped;) {
      i += core.putRaw(body, i);
      await st.out(core);
    }
    return;
  }
  if (c >= 0xc0) {
    const props = parseProps(propsByte, 0);
    if (!props) throw new LzmaError('LZMA2 properties out of range');
    core.setProps({ ...props, dictSize: 0 });
    st.propsSet = true;
  } else if (!st.propsSet) throw new LzmaError('an LZMA2 chunk before its properties');
  else if (c >= 0xa0) core.resetState();
  core.feed(body);
  core.startRange();
  const limit = core.total + unpacked;
  while (!st.stopped && core.total < limit) {
    const before = core.total;
    core.decode(limit, true);
    await st.out(core);
    if (core.marked) throw new LzmaError('an end marker inside an LZMA2 chunk');
    if (core.total === before) throw new LzmaError('a chunk that decodes to less than its size');
  }
  core.drop(); // a chunk's range coder ends with its chunk
}

/** One LZMA2 stream of up to `size` decoded bytes (when known), fed in chunks, to its end chunk. */
export function lzma2Run(
  dictByte: number,
  size: number | undefined,
  emit: Emit,
  fail: (why: string) => void,
): Decoding & { readonly finished: boolean; readonly consumed: number } {
  const dict = lzma2Dict(dictByte);
  let core: LzmaCore | undefined;
  let pending = new Uint8Array(0);
  let done = false;
  let fed = 0;
  const st: ChunkState = {
    reset: false,
    propsSet: false,
    stopped: false,
    out: async (c) => {
      const bytes = c.take();
      if (bytes.length && !(await emit(bytes))) st.stopped = true;
    },
  };
  const stop = (why: string) => {
    if (!st.stopped) fail(why);
    st.stopped = true;
  };
  if (dict === undefined) stop(`an LZMA2 dictionary property ${dictByte}`);
  else
    try {
      core = new LzmaCore({ lc: 0, lp: 0, pb: 0, dictSize: Math.min(dict, size ?? Infinity) }, size);
    } catch (e) {
      stop(errorText(e));
    }
  /** Decodes every whole chunk in `pending`. */
  const chunks = async () => {
    let at = 0;
    while (core && !done && !st.stopped) {
      if (at >= pending.length) break;
      const c = pending[at]!;
      if (c === 0) {
        done = true;
        at++;
        break;
      }
      const head = c === 1 || c === 2 ? 3 : c >= 0x80 ? (c >= 0xc0 ? 6 : 5) : 0;
      if (!head) throw new LzmaError(`an LZMA2 chunk of unknown kind ${c}`);
      if (pending.length - at < head) break;
      const unpacked = c < 0x80 ? pending[at + 1]! * 256 + pending[at + 2]! + 1 : (c & 0x1f) * 65536 + pending[at + 1]! * 256 + pending[at + 2]! + 1;
      const packed = c < 0x80 ? unpacked : pending[at + 3]! * 256 + pending[at + 4]! + 1;
      if (pending.length - at < head + packed) break;
      const body = pending.subarray(at + head, at + head + packed);
      const propsByte = pending[at + 5]!;
      at += head + packed;
      await chunk(core, c, body, propsByte, unpacked, st);
    }
    pending = pending.subarray(at);
  };
  return {
    get finished() {
      return done;
    },
    /** The bytes the stream took, its end chunk's byte included: once finished, where what follows it begins. */
    get consumed() {
      return fed - pending.length;
    },
    async push(bytes) {
      if (done || st.stopped) return;
      fed += bytes.length;
      const joined = new Uint8Array(pending.length + bytes.length);
      joined.set(pending);
      joined.set(bytes, pending.length);
      pending = joined;
      try {
        await chunks();
      } catch (e) {
        stop(e instanceof LzmaError ? e.message : errorText(e));
      }
    },
    async end() {
      if (!done && !st.stopped) stop('the data ends inside the stream');
    },
  };
}
