/** What makes a decoded byte list a value's text: shared by `runs-bytes.ts`, `runs-bytes-indexed.ts` and `keyed-lists.ts`. */

/** The shortest value the audit looks for is 8 bytes: a list of fewer numbers cannot hold one. */
export const MIN_BYTES = 8;

/** The longest binary header (holding a NUL or a byte beyond ASCII) a text may follow: a serialization's tag and length (Erlang's term_to_binary `131,109` and a 4-byte length, Java's `0xACED0005 0x74` and a 2-byte length, msgpack's and CBOR's string heads, a pickle's frame). */
export const MAX_HEADER = 12;

/**
 * Whether a short list's bytes are text (UTF-8 or Latin-1, no control character but tab and line breaks): a value is.
 * A short list that is not is a magic number or a table in source code (`[0x89, 0x4c, 0x5a, 0x4f, …]`, lzop's), whose
 * format a decoder would claim and then name as a damaged stream. NULs after the text are a C buffer's terminator and
 * padding (gdb's `p/x buf` of a `char[40]`, Rust's `{:?}` of a `[u8; 48]`, Go's `[48]byte`): text still, if MIN_BYTES
 * of it come before them. So is text after a binary header of at most MAX_HEADER bytes holding a control byte (a value
 * serialized, then printed as a list: Erlang's `<<131,109,0,0,0,33,…>>`; msgpack's `0xd9` and a length), if MIN_BYTES of
 * it come after the header.
 */
export function isText(whole: Buffer): boolean {
  let end = whole.length;
  while (end > 0 && whole[end - 1] === 0) end--;
  if (end < MIN_BYTES) return false;
  const bytes = end === whole.length ? whole : whole.subarray(0, end);
  const control = lastControl(bytes);
  if (control < 0 && textual(bytes)) return true;
  if (control >= MAX_HEADER) return false;
  // The header's last bytes may be a length that reads as text (`!` is 33), or the whole header may be bytes beyond
  // ASCII that are no UTF-8 (msgpack's `0xd9` and a length): the text begins at one of the next few.
  // A header holds a NUL (a length's high bytes) or a tag beyond ASCII: control bytes alone are small numbers (`30, 31,
  // 32, …`: Rust's {:x?} hex read as decimal), no serialization's.
  let tagged = false;
  for (let from = control + 1; from <= MAX_HEADER && end - from >= MIN_BYTES; from++) {
    tagged ||= bytes[from - 1] === 0 || bytes[from - 1]! >= 0x80 || bytes.subarray(0, from).some((b) => b === 0 || b >= 0x80);
    if (tagged && textual(bytes.subarray(from))) return true;
  }
  return false;
}

/** The last control byte's index (no tab or line break), or -1. */
function lastControl(bytes: Buffer): number {
  for (let i = bytes.length - 1; i >= 0; i--) {
    const b = bytes[i]!;
    if (b < 0x20 ? b !== 9 && b !== 10 && b !== 13 : b === 0x7f) return i;
  }
  return -1;
}

/** Bytes without a control byte: text where they hold no C1 byte, or are well-formed UTF-8. */
function textual(bytes: Buffer): boolean {
  let c1 = false;
  for (const b of bytes) if (b >= 0x80 && b < 0xa0) c1 = true;
  if (!c1) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
