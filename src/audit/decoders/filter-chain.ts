/**
 * A chain of reversing filters, as an xz block lists them before its LZMA2 (`xz --x86 --delta=dist=4 --lzma2`: the
 * header names x86, then delta): encoding ran them first to last, so decoding runs LZMA2's output through them last to
 * first — delta restored, then the branch operands. What a filter holds back at the end goes on through the ones before
 * it. One filter is itself.
 */
/** A reversing filter as bcj.ts makes them (its `BranchFilter`; named here, not imported: bcj.ts imports this file). */
interface BranchFilter {
  push(bytes: Uint8Array): Uint8Array;
  end(): Uint8Array;
}

export function filterChain(filters: readonly BranchFilter[]): BranchFilter | undefined {
  if (filters.length <= 1) return filters[0];
  return {
    push(bytes: Uint8Array): Uint8Array {
      let b = bytes;
      for (let i = filters.length - 1; i >= 0; i--) b = filters[i]!.push(b);
      return b;
    },
    end(): Uint8Array {
      let tail: Uint8Array = new Uint8Array(0);
      for (let i = filters.length - 1; i >= 0; i--) {
        const f = filters[i]!;
        const pushed = tail.length ? f.push(tail) : new Uint8Array(0);
        tail = Buffer.concat([pushed, f.end()]);
      }
      return tail;
    },
  };
}
