/**
 * Raw LZMA with no container and no header at all: `xz --format=raw` (LZMA2, its first chunk's control byte 0xE0–0xFF —
 * dictionary reset, new properties, the output size's high bits — then the sizes, the properties byte and the range coder's zero byte),
 * `xz --format=raw --lzma1` and Python's `lzma.FORMAT_RAW` (LZMA1: the range coder's zero byte first, the properties
 * agreed out of band: liblzma's lc=3 lp=0 pb=2 unless told), and an R lazy-load entry's body (`r-lazyload.ts`). No magic
 * number says so: an LZMA2 head is taken only when its chunk's shape holds (`lzma2HeadHolds`: valid properties with
 * lc + lp ≤ 4, a packed size no larger than the chunk's output) and the chunk's first bytes decode with no error
 * (`lzma2Trial`) — random bytes meet the shape about once in 2^18 and then fail the decode —; an LZMA1 head only when
 * its first bytes decode to text or to a format the registry claims (`lzma1Trial`), as brotli and raw deflate are
 * tried. A binary raw-compressed (no text to show) is taken only as LZMA2, whose shape says more; as LZMA1 it stays a gap.
 */
import { LzmaCore, LzmaError, MAX_DICT, parseProps, type LzmaProps } from './lzma-core.js';
import { emitTo, lzmaRun } from './lzma.js';
import { lzma2Run } from './lzma2.js';
import { looksText } from './trial.js';
import type { Decoder, DecodeEnv, Decoding } from './types.js';

/** LZMA2's dictionary property for 8 MiB (xz -6's, the audit's MAX_DICT): a raw stream says none. */
export const RAW_DICT_PROP = 22;
/** liblzma's LZMA1 defaults (`lzma_lzma_preset`), what `xz --format=raw --lzma1` and Python's FILTER_LZMA1 write. */
export const LZMA1_DEFAULTS: LzmaProps = { lc: 3, lp: 0, pb: 2, dictSize: MAX_DICT };
/** The least output an LZMA1 trial must give, all of it text or the start of a known format. */
const LZMA1_MIN = 64;
/** The output an LZMA1 trial decodes: enough to tell text, little for a random head (~0.1 ms for 1 KiB). */
const LZMA1_TRIAL = 1024;
/** The most output an LZMA2 trial decodes from a chunk cut by the head. */
const TRIAL_OUT = 1024;

/** An LZMA2 chunk's header at `at`: control, output and packed sizes, properties (LZMA chunks from 0xC0 on). */
export interface Lzma2Chunk {
  control: number;
  unpacked: number;
  packed: number;
  props: LzmaProps;
}

/** The first chunk of a raw LZMA2 stream at `h[at]`, when its shape holds: the 0xE0–0xFF LZMA chunk an encoder writes first. */
export function lzma2HeadHolds(h: Uint8Array, at = 0): Lzma2Chunk | undefined {
  if (h.length < at + 11 || h[at]! < 0xe0) return undefined;
  const unpacked = (h[at]! & 0x1f) * 65536 + h[at + 1]! * 256 + h[at + 2]! + 1;
  const packed = h[at + 3]! * 256 + h[at + 4]! + 1;
  const props = parseProps(h[at + 5]!, MAX_DICT);
  // LZMA2 allows lc + lp ≤ 4 only; a chunk that would not shrink is written stored (control 1 or 2) instead.
  if (!props || props.lc + props.lp > 4 || packed < 5 || packed > unpacked + 64) return undefined;
  if (h[at + 6] !== 0 || (h[at + 7] === 0xff && h[at + 8] === 0xff && h[at + 9] === 0xff && h[at + 10] === 0xff)) return undefined;
  return { control: h[at]!, unpacked, packed, props };
}

/**
 * Whether the first chunk at `h[at]` decodes with no error as far as `h` holds it (to its end, exactly, when whole):
 * what the decoder gave, or undefined.
 */
export function lzma2Trial(h: Uint8Array, at = 0): Uint8Array | undefined {
  const chunk = lzma2HeadHolds(h, at);
  if (!chunk) return undefined;
  const body = h.subarray(at + 6, at + 6 + chunk.packed);
  const whole = body.length === chunk.packed;
  try {
    const core = new LzmaCore({ ...chunk.props, dictSize: MAX_DICT }, chunk.unpacked);
    core.feed(body);
    core.startRange();
    const parts: Uint8Array[] = [];
    let got = 0;
    const limit = whole ? chunk.unpacked : Math.min(chunk.unpacked, TRIAL_OUT);
    while (got < limit) {
      const wanting = core.decode(limit, whole);
      const out = core.take();
      if (core.marked) return undefined;
      parts.push(out.slice());
      got += out.length;
      if (wanting || !out.length) break;
    }
    if (whole && got !== chunk.unpacked) return undefined;
    return got >= Math.min(chunk.unpacked, 16) ? Buffer.concat(parts) : undefined;
  } catch (e) {
    if (e instanceof LzmaError || e instanceof RangeError) return undefined;
    throw e;
  }
}

/** Whether output starts a format the registry claims by its magic (given by the registry: it imports this file). */
export type Known = (out: Uint8Array) => boolean;

/** The decoder LZMA1 trials share, restarted for each (synchronous: no two at once). */
let trialCore: LzmaCore | undefined;

/**
 * Whether `h` starts a raw LZMA1 stream with liblzma's default properties whose first bytes decode to text or a known
 * format: LZMA1_TRIAL bytes decoded in one go (a limit cuts a match short, and the stream cannot go on from there).
 */
export function lzma1Trial(h: Uint8Array, known: Known): boolean {
  // The first symbol is a literal: its is-match bit, at probability one half, is 0 only below the range's midpoint.
  if (h.length < 16 || h[0] !== 0 || h[1]! >= 0x80 || (h[1] === 0 && h[2] === 0 && h[3] === 0 && h[4] === 0)) return false;
  try {
    const core = (trialCore ??= new LzmaCore(LZMA1_DEFAULTS, LZMA1_TRIAL));
    core.restart();
    core.feed(h);
    core.startRange();
    core.decode(LZMA1_TRIAL, false);
    const out = core.take();
    if (out.length < (core.marked ? 16 : LZMA1_MIN)) return false;
    return looksText(out) || known(out);
  } catch (e) {
    if (e instanceof LzmaError || e instanceof RangeError) return false;
    throw e;
  }
}

/** Whether `h` starts a raw LZMA2 stream: its first chunk's shape, a clean decode, and (cut by the head) text or a format. */
export function lzma2Starts(h: Uint8Array, known: Known): boolean {
  const out = lzma2Trial(h);
  if (!out) return false;
  const chunk = lzma2HeadHolds(h)!;
  return h.length >= 6 + chunk.packed || looksText(out) || known(out);
}

/** A raw LZMA2 stream (its own end chunk closing it) decoded into `env`'s sink; its failure named unless a trial's. */
export function rawLzma2(env: DecodeEnv): Decoding & { readonly finished: boolean; readonly consumed: number } {
  const sink = env.open();
  const run = lzma2Run(RAW_DICT_PROP, undefined, emitTo(env, sink), (why) => {
    if (!env.stopped) env.limit(`a damaged raw LZMA2 stream (${why}): the rest is not audited`);
  });
  return {
    get finished() {
      return run.finished;
    },
    get consumed() {
      return run.consumed;
    },
    push: (bytes) => run.push(bytes),
    async end() {
      await run.end();
      await sink.end();
    },
  };
}

function rawLzma1(env: DecodeEnv): Decoding {
  const sink = env.open();
  const run = lzmaRun(LZMA1_DEFAULTS, undefined, emitTo(env, sink), (why) => {
    if (!env.stopped) env.limit(`a damaged raw LZMA1 stream (${why}): the rest is not audited`);
  });
  return {
    push: (bytes) => run.push(bytes),
    async end() {
      await run.end();
      await sink.end();
    },
  };
}

/** The decoder, told by `known` which decoded heads start a format the registry claims. */
export const lzmaRawDecoder = (known: Known): Decoder => ({
  name: 'raw LZMA',
  head: 2048,
  sniff: (h) => (h[0]! >= 0xe0 ? lzma2Starts(h, known) : h[0] === 0 && lzma1Trial(h, known)),
  open(env) {
    let d: Decoding | undefined;
    return {
      async push(bytes) {
        d ??= bytes[0]! >= 0xe0 ? rawLzma2(env) : rawLzma1(env);
        await d.push(bytes);
      },
      async end() {
        d ??= rawLzma1(env);
        await d.end();
      },
    };
  },
});
