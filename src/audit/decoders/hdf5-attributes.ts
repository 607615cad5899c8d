/**
 * An HDF5 attribute message's value (type 0x000C; versions 1–3): after its name, datatype and dataspace (each padded to
 * 8 bytes in version 1), as many bytes as the datatype's element size times the dataspace's elements — an opaque
 * `np.void`, a fixed-length string, an array of bytes an app stored as a dataset's or the file's metadata (a model's
 * training config). Variable-length values (their bytes in a global heap, read as plain) give none. What value-streams.ts
 * `valuesOnward` tries as a magicless stream (brotli, raw deflate, raw LZMA2 the app wrote there).
 */
export const MSG_ATTRIBUTE = 0x0c;
/** Datatype classes whose elements hold their bytes in place: integer, float, time, string, bitfield, opaque, compound, enum, array. */
const IN_PLACE = new Set([0, 1, 2, 3, 4, 5, 6, 8, 10]);

/** The value of attribute message `body` (its offset in the file `at`): its bytes and offset, or undefined. */
export function attributeValue(body: Buffer, at: number): { bytes: Buffer; at: number } | undefined {
  const version = body[0];
  if (body.length < 8 || (version !== 1 && version !== 2 && version !== 3)) return undefined;
  const pad = (n: number) => (version === 1 ? (n + 7) & ~7 : n);
  const nameSize = body.readUInt16LE(2);
  const typeSize = body.readUInt16LE(4);
  const spaceSize = body.readUInt16LE(6);
  const type = 8 + (version === 3 ? 1 : 0) + pad(nameSize);
  const space = type + pad(typeSize);
  const data = space + pad(spaceSize);
  if (typeSize < 8 || spaceSize < 2 || data > body.length) return undefined;
  if (!IN_PLACE.has(body[type]! & 0x0f)) return undefined;
  const elementSize = body.readUInt32LE(type + 4);
  const elements = spaceElements(body.subarray(space, space + spaceSize));
  const n = elements === undefined ? -1 : elementSize * elements;
  if (n <= 0 || data + n > body.length) return undefined;
  return { bytes: body.subarray(data, data + n), at: at + data };
}

/** A dataspace message's element count (dimension sizes of 8 bytes: the lengths h5py writes); undefined when it does not read. */
function spaceElements(s: Buffer): number | undefined {
  const version = s[0];
  const rank = s[1]!;
  if ((version !== 1 && version !== 2) || rank > 32) return undefined;
  if (version === 2 && s[3] === 2) return 0; // a null dataspace
  const first = version === 1 ? 8 : 4;
  if (first + 8 * rank > s.length) return undefined;
  let n = 1;
  for (let d = 0; d < rank; d++) n *= Number(s.readBigUInt64LE(first + 8 * d));
  return Number.isSafeInteger(n) ? n : undefined;
}
