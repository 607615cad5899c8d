/**
 * The objects of a git pack that later deltas may name as their base, by offset and by id, within a
 * byte budget. A whole object is kept as the pack holds it — its zlib stream, a copy of the input,
 * inflated again when a delta needs it — so the budget holds several times more bases than their
 * content would; a resolved delta is kept inflated. Segmented LRU: an object enters on probation and
 * is protected once a delta used it (a base is often the base of many: each version of a file
 * against the newest), so a run of objects used once does not flush the bases in use.
 */
import { inflateSync } from 'node:zlib';

export interface Cached {
  type: number;
  id: string;
  /** Deltas between it and a whole object. */
  depth: number;
  /** Its content, or the zlib stream it inflates from (`size` bytes). */
  data?: Uint8Array;
  zlib?: Uint8Array;
  size: number;
}

/** Bytes an entry costs beyond what it holds (its objects, its map slots). */
const OVERHEAD = 256;
/** The share of the budget for objects a delta used. */
const PROTECTED = 0.75;

const cost = (e: Cached) => (e.data ?? e.zlib)!.length + OVERHEAD;

export class ObjectCache {
  #probation = new Map<number, Cached>();
  #protected = new Map<number, Cached>();
  #byId = new Map<string, number>();
  #bytes = 0;
  #protectedBytes = 0;
  /** The last base inflated from its stream (one, beside the budget). */
  #inflated: { at: number; data: Uint8Array } | undefined;

  constructor(readonly budget: number) {}

  get bytes(): number {
    return this.#bytes;
  }

  /** Whether an entry holding `bytes` would be kept. */
  keeps(bytes: number): boolean {
    return bytes + OVERHEAD <= this.budget / 4;
  }

  put(offset: number, entry: Cached): void {
    const held = (entry.data ?? entry.zlib)!;
    if (!this.keeps(held.length)) return;
    // What zlib gave may sit in a larger buffer, the input slice in a chunk: kept alone, so the budget counts what is held.
    if (held.buffer.byteLength > held.length + 1024 || (entry.zlib && held.byteOffset))
      entry = entry.data ? { ...entry, data: new Uint8Array(entry.data) } : { ...entry, zlib: new Uint8Array(held) };
    this.#probation.set(offset, entry);
    this.#byId.set(entry.id, offset);
    this.#bytes += cost(entry);
    this.#evict();
  }

  /** The content of the object at `offset`, or with id `id`, if it is still kept (then protected). */
  get(offset: number | undefined, id?: string): (Cached & { data: Uint8Array }) | undefined {
    const at = offset ?? (id === undefined ? undefined : this.#byId.get(id));
    if (at === undefined) return undefined;
    const e = this.#protected.get(at) ?? this.#probation.get(at);
    if (!e) return undefined;
    if (this.#protected.delete(at)) this.#protectedBytes -= cost(e);
    else this.#probation.delete(at);
    this.#protected.set(at, e);
    this.#protectedBytes += cost(e);
    // Over its share, the protected segment's least recently used go back on probation.
    for (const [old, p] of this.#protected) {
      if (this.#protectedBytes <= this.budget * PROTECTED) break;
      this.#protected.delete(old);
      this.#protectedBytes -= cost(p);
      this.#probation.set(old, p);
    }
    this.#evict();
    if (e.data) return { ...e, data: e.data };
    // Inflated once while deltas after deltas name it (each version of a file against the newest): a 4 MiB base
    // inflated again for each of 5 deltas was 20 MiB of buffers freed at once, which the allocator kept.
    // Into one buffer of its size (and the byte zlib needs to see the end), not 16 KiB pieces joined into another.
    if (this.#inflated?.at !== at) this.#inflated = { at, data: inflateSync(e.zlib!, { chunkSize: Math.max(64, e.size + 1) }) };
    return { ...e, data: this.#inflated.data };
  }

  #evict(): void {
    while (this.#bytes > this.budget) {
      const segment = this.#probation.size ? this.#probation : this.#protected;
      const [old, e] = segment.entries().next().value as [number, Cached];
      segment.delete(old);
      if (segment === this.#protected) this.#protectedBytes -= cost(e);
      if (this.#byId.get(e.id) === old) this.#byId.delete(e.id);
      this.#bytes -= cost(e);
    }
  }
}
