/**
 * LZMA-alone files (`.lzma`: `lzma`, `xz --format=lzma`, 7-Zip's `-tlzma`): a 13-byte header — the
 * properties byte, the dictionary size, the 64-bit output size (all ones: unknown, the stream then
 * ends on its end marker) — and raw LZMA1, decoded by `lzma-core.ts`. The format has no magic
 * number: content is claimed when its header is one a real encoder writes (properties below 225, a
 * dictionary of 2^n or 2^n + 2^(n-1) bytes, a size below 256 GiB or unknown, the range coder's zero
 * first byte) when named `.lzma`/`.tlz`; unnamed, only with the properties every common encoder
 * writes (0x5D) and a dictionary from 64 KiB — random or text bytes pass that with odds below one in
 * 2^48, and a zero-filled binary header (`00 00 10 00 00…`) does not. `lzmaRun` is the driver the other LZMA users share (a 7z folder's coder).
 */
import { LzmaCore, LzmaError, parseProps, type LzmaProps } from './lzma-core.js';
import { errorText, type Decoder, type DecodeEnv, type Decoding, type Sink } from './types.js';

/** Whether `d` is a dictionary size an encoder writes: 2^n or 2^n + 2^(n-1), from 4 KiB. */
export function plausibleDict(d: number): boolean {
  if (d < 4096) return false;
  const top = 2 ** Math.floor(Math.log2(d));
  return d === top || d === top + top / 2;
}

/** An LZMA-alone header at the start of `h`: its properties and size (undefined: unknown), or undefined when it is not one. */
export function aloneHeader(h: Uint8Array): { props: LzmaProps; size: number | undefined } | undefined {
  if (h.length < 14 || h[13] !== 0) return undefined;
  const view = new DataView(h.buffer, h.byteOffset, h.byteLength);
  const dict = view.getUint32(1, true);
  const low = view.getUint32(5, true);
  const high = view.getUint32(9, true);
  const props = parseProps(h[0]!, dict);
  if (!props || !plausibleDict(dict)) return undefined;
  if (low === 0xffffffff && high === 0xffffffff) return { props, size: undefined };
  return high < 64 ? { props, size: high * 2 ** 32 + low } : undefined;
}

/** Decoded output handed on: allowed by the bounds first, copied (the window is reused); false once the bounds stop it. */
export type Emit = (bytes: Uint8Array) => Promise<boolean>;

export const emitTo =
  (env: DecodeEnv, sink: Sink): Emit =>
  async (bytes) => {
    if (!env.allow(bytes.length)) return false;
    await sink.write(bytes.slice());
    return true;
  };

/**
 * One raw LZMA1 stream fed in chunks: `size` bytes (or up to its end marker when undefined). Its
 * output goes to `emit`; damage or a cut stream is reported through `fail`.
 */
export function lzmaRun(props: LzmaProps, size: number | undefined, emit: Emit, fail: (why: string) => void): Decoding & { readonly finished: boolean } {
  let core: LzmaCore | undefined;
  let stopped = false;
  let done = false;
  const limit = size ?? Infinity;
  const stop = (why: string) => {
    if (!stopped) fail(why);
    stopped = true;
  };
  try {
    core = new LzmaCore(props, size);
  } catch (e) {
    stop(errorText(e));
  }
  let started = false;
  const drain = async (ended: boolean) => {
    if (!core || stopped || done) return;
    try {
      if (!started) {
        if (core.unread < 5 && !ended) return;
        if (core.unread < 5) throw new LzmaError('the data ends inside the stream');
        core.startRange();
        started = true;
      }
      for (;;) {
        const wanting = core.decode(limit, ended);
        const out = core.take();
        if (out.length && !(await emit(out))) return void (stopped = true);
        if (core.total >= limit || core.marked) return void (done = true);
        if (wanting || !out.length) return;
      }
    } catch (e) {
      stop(e instanceof LzmaError ? e.message : `${errorText(e)}`);
    }
  };
  return {
    get finished() {
      return done;
    },
    async push(bytes) {
      if (!core || stopped || done) return;
      core.feed(bytes);
      await drain(false);
    },
    async end() {
      await drain(true);
      if (!stopped && !done) stop('the data ends inside the stream');
    },
  };
}

/** A header, then raw LZMA1: what `lzmaAlone` and a ZWS SWF (`swf.ts`) read alike, told apart by their header. */
export interface HeadedLzma {
  /** What a damaged one is called: `a damaged ${damaged} (why)`. */
  damaged: string;
  /** Why, when the content ends before `need` bytes. */
  endsInHeader: string;
  /** Bytes gathered before the header is parsed. */
  need: number;
  /** Where the LZMA data begins. */
  body: number;
  parse(header: Uint8Array): { props: LzmaProps; size: number | undefined } | undefined;
}

/** The header gathered and parsed, then the LZMA data decoded by `lzmaRun` up to the size it gives. */
export function headedLzma(env: DecodeEnv, spec: HeadedLzma): Decoding & { readonly finished: boolean } {
  const sink = env.open();
  let header: Uint8Array = new Uint8Array(0);
  let run: (Decoding & { readonly finished: boolean }) | undefined;
  const fail = (why: string) => {
    if (!env.stopped) env.limit(`a damaged ${spec.damaged} (${why}): the rest is not audited`);
  };
  return {
    get finished() {
      return run?.finished ?? false;
    },
    async push(bytes) {
      if (env.stopped) return;
      if (run) return run.push(bytes);
      const joined = new Uint8Array(header.length + bytes.length);
      joined.set(header);
      joined.set(bytes, header.length);
      header = joined;
      if (header.length < spec.need) return;
      const parsed = spec.parse(header);
      if (!parsed) return fail('a header that cannot be read');
      run = lzmaRun(parsed.props, parsed.size, emitTo(env, sink), fail);
      await run.push(header.subarray(spec.body));
    },
    async end() {
      if (run) await run.end();
      else if (!env.stopped) fail(spec.endsInHeader);
      await sink.end();
    },
  };
}

export const lzmaAlone: Decoder = {
  name: 'lzma',
  sniff: (h, path) => {
    const header = aloneHeader(h);
    if (!header) return false;
    if (/\.(lzma|tlz)$/i.test(path)) return true;
    // Unnamed, a claim stops the content being read as plain (streams inside, encoded runs): only the header every
    // common encoder writes (lc=3 lp=0 pb=2, a dictionary from 64 KiB, a size unknown or not zero) is claimed.
    return h[0] === 0x5d && header.props.dictSize >= 65536 && header.size !== 0;
  },
  open: (env: DecodeEnv): Decoding =>
    headedLzma(env, { damaged: 'lzma stream', endsInHeader: 'the data ends inside its header', need: 14, body: 13, parse: aloneHeader }),
};
