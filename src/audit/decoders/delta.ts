/**
 * The delta filter (xz filter ID 3, 7-Zip's Delta coder): each byte stored as its difference from
 * the byte `distance` before it (1–256), so a text under `xz --delta=dist=N` comes out of LZMA2 as
 * differences, not the text. Reversed here as the output streams: a byte is the stored one plus the
 * byte `distance` back in what was already restored, 256 bytes of history kept across pieces.
 */
export class DeltaFilter {
  readonly #history = new Uint8Array(256);
  #pos = 0;

  constructor(readonly distance: number) {
    if (!Number.isInteger(distance) || distance < 1 || distance > 256) throw new RangeError(`delta distance ${distance} is not 1–256`);
  }

  /** The restored bytes of `bytes` (a new buffer; the input is left as it was). */
  push(bytes: Uint8Array): Uint8Array {
    const out = new Uint8Array(bytes.length);
    const h = this.#history;
    let pos = this.#pos;
    const d = this.distance;
    for (let i = 0; i < bytes.length; i++) {
      const b = (bytes[i]! + h[(pos - d) & 0xff]!) & 0xff;
      h[pos & 0xff] = b;
      out[i] = b;
      pos++;
    }
    this.#pos = pos & 0xff;
    return out;
  }

  /** Nothing is held back: every byte is restored as it comes. */
  end(): Uint8Array {
    return new Uint8Array(0);
  }
}

/** The delta filter for an xz filter's properties (one byte: the distance less one), or undefined when they are not that. */
export const xzDeltaFilter = (props: Uint8Array): DeltaFilter | undefined => (props.length === 1 ? new DeltaFilter(props[0]! + 1) : undefined);
