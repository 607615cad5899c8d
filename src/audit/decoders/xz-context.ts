/**
 * xz-decompress's decoder (xz-embedded compiled to WebAssembly) driven here, each decoding context in a WebAssembly
 * instance of its own: two contexts in one instance corrupt each other's state (its allocator), so that of two streams
 * read at the same time one stopped with "error code 7" — a clean snap-like squashfs (xz, 1 MiB blocks) named as a
 * damaged xz stream. The package's own answer, a lock for one context at a time, would make an xz inside an xz wait on
 * itself. An instance whose context is gone is kept for the next stream while its memory is small (WebAssembly memory
 * never shrinks: a stream of `xz -6` grows it to 8.5 MiB), else dropped.
 */

interface XzExports {
  memory: { buffer: ArrayBuffer };
  create_context(): number;
  destroy_context(ptr: number): void;
  supply_input(ptr: number, size: number): void;
  get_next_output(ptr: number): number;
}
interface XzPackage {
  _getModuleInstance?(): Promise<void>;
  _moduleInstance?: { exports: unknown };
}
interface XzModule {
  XzReadableStream?: unknown;
  default?: { XzReadableStream?: unknown };
}

/** The instance's memory kept between streams: what a small dictionary's stream grows it to. */
export const KEEP_MEMORY = 1024 * 1024;
/** Instances kept with no context, for the next streams. */
const KEEP_IDLE = 2;
const idle: XzExports[] = [];
const given = new WeakSet<object>();
let loaded: Promise<Required<Pick<XzPackage, '_getModuleInstance'>> & XzPackage> | undefined;

const xzPackage = () =>
  (loaded ??= import('xz-decompress').then((m: XzModule) => {
    const cls = (m.XzReadableStream ?? m.default?.XzReadableStream) as XzPackage | undefined;
    if (typeof cls?._getModuleInstance !== 'function') throw new Error('xz-decompress has no XzReadableStream._getModuleInstance');
    return cls as Required<Pick<XzPackage, '_getModuleInstance'>> & XzPackage;
  }));

/** An instance no live context uses: an idle one, else a new one (the package instantiates its module, a few ms). */
async function freeInstance(): Promise<XzExports> {
  const kept = idle.pop();
  if (kept) return kept;
  const cls = await xzPackage();
  for (;;) {
    await cls._getModuleInstance();
    const made = cls._moduleInstance;
    cls._moduleInstance = undefined;
    if (made && !given.has(made)) {
      given.add(made);
      return made.exports as XzExports;
    }
  }
}

/** The instances kept with no context (for tests: whether one was kept, and which). */
export const idleInstances = (): readonly object[] => idle;

/** One decoding context on an instance of its own: the package's buffer layout (bufsize, in, in_pos, in_size, out, out_pos). */
class Context {
  readonly bufSize: number;
  private readonly inStart: number;
  private readonly outStart: number;
  private readonly ptr: number;
  private closed = false;
  constructor(private readonly x: XzExports) {
    this.ptr = x.create_context();
    const m = this.mem32();
    this.bufSize = m[0]!;
    this.inStart = m[1]! - this.ptr;
    this.outStart = m[4]! - this.ptr;
  }
  private mem32 = () => new Uint32Array(this.x.memory.buffer, this.ptr, 6);
  needsInput = () => this.mem32()[2] === this.mem32()[3];
  supply(bytes: Uint8Array): void {
    new Uint8Array(this.x.memory.buffer, this.ptr + this.inStart, bytes.length).set(bytes);
    this.x.supply_input(this.ptr, bytes.length);
  }
  /**
   * The next output (a copy), whether the stream ended, and the decoder's error: the output decoded before it (up to a
   * buffer, 64 KiB) is given with it, not lost — read where a damaged stream, or a match past a held dictionary, stops.
   */
  next(): { out: Uint8Array; finished: boolean; error?: Error } {
    const ret = this.x.get_next_output(this.ptr);
    const m = this.mem32();
    const out = new Uint8Array(this.x.memory.buffer, this.ptr + this.outStart, m[5]!).slice();
    m[5] = 0;
    if (ret !== 0 && ret !== 1) return { out, finished: false, error: new Error(`get_next_output failed with error code ${ret}`) };
    return { out, finished: ret === 1 };
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.x.destroy_context(this.ptr);
    if (this.x.memory.buffer.byteLength <= KEEP_MEMORY && idle.length < KEEP_IDLE) idle.push(this.x);
  }
}

/** What `new XzReadableStream(source)` gives — the decoded bytes of one xz stream (or concatenated ones) — on its own instance. */
export class XzStream extends ReadableStream<Uint8Array> {
  constructor(source: ReadableStream<Uint8Array>) {
    const reader = source.getReader();
    let ctx: Context | undefined;
    let pending: Uint8Array = new Uint8Array(0);
    let failed: Error | undefined; // thrown at the pull after the output decoded before it
    const close = () => {
      ctx?.close();
      ctx = undefined;
    };
    super({
      start: async () => {
        ctx = new Context(await freeInstance());
      },
      pull: async (controller) => {
        try {
          if (failed) throw failed;
          const c = ctx!;
          if (c.needsInput()) {
            if (pending.length === 0) {
              const r = await reader.read();
              if (!r.done) pending = r.value;
            }
            const n = Math.min(c.bufSize, pending.length);
            c.supply(pending.subarray(0, n));
            pending = pending.subarray(n);
          }
          const { out, finished, error } = c.next();
          failed = error;
          if (error && !out.length) throw error;
          controller.enqueue(out);
          if (finished) {
            close();
            controller.close();
          }
        } catch (e) {
          close();
          throw e;
        }
      },
      cancel: async () => {
        close();
        await reader.cancel();
      },
    });
  }
}
