/**
 * The trials that try a few bytes as zlib (`probeZlib`, a header met inside binary content) or as brotli (`tryBrotli`,
 * content nothing claimed) on one engine each, made once and reset between trials, where `inflateSync` and
 * `brotliDecompressSync` made an engine per trial — a Transform stream, its native state and async resource, made,
 * failed and destroyed: bench/audit.ts's archives row (1 GiB of layers, a third of the files jars and .gz files) ran
 * 1,305 brotli trials (1,077 of them failing) and 400 zlib trials (all failing), one engine each.
 *
 * A trial says what the one-shot call said: the output (at most `max` bytes; more is `TOO_LARGE`), or undefined where
 * it threw. It drives the engine's handle as Node's `processChunkSync` does (the flush given, a new output buffer of
 * `chunkSize` while the last one filled, the counts from the engine's write state) — the same native calls on the same
 * bytes; only the engine is not new. A failure is told by the handle's `onerror`, taken here so that it does not destroy
 * the engine, which is reset as each trial ends (brotli's ring buffer, up to its window, is let go then): zlib's reset
 * (`inflateReset`) starts it clean again. Brotli's does not: Node's brotli decoder keeps the
 * last error through its reset (every later trial would fail), so a brotli engine that failed is closed and the next
 * trial makes another — a trial that succeeds leaves its engine for the next. Where the engine is not as this reads it
 * (another Node), each trial is the one-shot call, as before.
 */
import * as zlib from 'node:zlib';
import { TOO_LARGE } from './types.js';

interface Handle {
  writeSync?: (flush: number, input: Uint8Array, inOff: number, inLen: number, out: Buffer, outOff: number, outLen: number) => void;
  reset?: () => void;
  onerror?: (message: string, errno: number, code?: string) => void;
}
type Engine = zlib.Inflate & { _handle?: Handle; _writeState?: Uint32Array };

/** Output of a trial, as `trial(() => oneShot(...))` gave it. */
export type TrialOut = Buffer | typeof TOO_LARGE | undefined;

export class TrialEngine {
  #engine: Engine | undefined;
  #failed = false;
  /** Engines made (a count for the tests: one for many trials). */
  made = 0;

  constructor(
    /** A new engine of the kind. */
    readonly make: () => zlib.Inflate,
    /** Whether a failure stays through a reset (brotli): the engine is then closed and another made. */
    readonly sticky: boolean,
    /** The one-shot call, where the engine is not as this reads it. */
    readonly oneShot: (input: Uint8Array, flush: number, max: number, chunkSize: number) => Buffer,
  ) {}

  #ready(): Engine | undefined {
    let engine = this.#engine;
    if (engine && !engine.destroyed) {
      this.#failed = false;
      return engine;
    }
    engine = this.make() as Engine;
    this.made++;
    engine.on('error', () => undefined); // told by `onerror` below, as it happens
    const h = engine._handle;
    if (typeof h?.writeSync !== 'function' || typeof h.reset !== 'function' || !(engine._writeState instanceof Uint32Array) || !('onerror' in h)) {
      engine.close();
      return undefined;
    }
    h.onerror = () => void (this.#failed = true);
    this.#failed = false;
    this.#engine = engine;
    return engine;
  }

  /** `input` tried with `flush`: its output, `TOO_LARGE` past `max` bytes, undefined where it failed. */
  run(input: Uint8Array, flush: number, max: number, chunkSize: number): TrialOut {
    const engine = this.#ready();
    if (!engine) return this.#oneShot(input, flush, max, chunkSize);
    try {
      return this.#run(engine, input, flush, max, chunkSize);
    } finally {
      // Reset as the trial ends, not as the next begins: what it holds (brotli's ring buffer, up to its window) is let go.
      if (this.#engine === engine) engine.reset();
    }
  }

  #run(engine: Engine, input: Uint8Array, flush: number, max: number, chunkSize: number): TrialOut {
    const handle = engine._handle!;
    const state = engine._writeState!;
    const pieces: Buffer[] = [];
    let out = Buffer.allocUnsafe(chunkSize);
    let offset = 0;
    let availOutBefore = chunkSize;
    let inOff = 0;
    let availInBefore = input.length;
    let total = 0;
    for (;;) {
      handle.writeSync!(flush, input, inOff, availInBefore, out, offset, availOutBefore);
      if (this.#failed) {
        if (this.sticky) {
          this.#engine = undefined;
          engine.close();
        }
        return undefined;
      }
      const availOutAfter = state[0]!;
      const availInAfter = state[1]!;
      const have = availOutBefore - availOutAfter;
      if (have > 0) {
        pieces.push(out.subarray(offset, offset + have));
        offset += have;
        total += have;
        if (total > max) return TOO_LARGE;
      }
      if (availOutAfter === 0 || offset >= chunkSize) {
        availOutBefore = chunkSize;
        offset = 0;
        out = Buffer.allocUnsafe(chunkSize);
      }
      if (availOutAfter !== 0) break;
      inOff += availInBefore - availInAfter;
      availInBefore = availInAfter;
    }
    return total === 0 ? Buffer.alloc(0) : pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, total);
  }

  #oneShot(input: Uint8Array, flush: number, max: number, chunkSize: number): TrialOut {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return this.oneShot(input, flush, max, chunkSize);
    } catch (e) {
      return (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? TOO_LARGE : undefined;
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}

/** zlib (RFC 1950) trials: `inflateSync(input, { finishFlush: flush, maxOutputLength: max, chunkSize })`. */
export const zlibTrials = new TrialEngine(
  () => zlib.createInflate(),
  false,
  (input, flush, max, chunkSize) => zlib.inflateSync(input, { finishFlush: flush, maxOutputLength: max, chunkSize }),
);

/** Brotli trials: `brotliDecompressSync(input, { finishFlush: flush, maxOutputLength: max, chunkSize })`. */
export const brotliTrials = new TrialEngine(
  () => zlib.createBrotliDecompress() as unknown as zlib.Inflate,
  true,
  (input, flush, max, chunkSize) => zlib.brotliDecompressSync(input, { finishFlush: flush, maxOutputLength: max, chunkSize }),
);
