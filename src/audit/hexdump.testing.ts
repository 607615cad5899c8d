/** Helpers of the hexdump tests: a dump made by the real tool, and a dump read back through `DumpDecoder`. */
import { tool } from './decoders/testing.js';
import { DumpDecoder, type DumpFormat } from './hexdump.js';

/** What `args` (a dump command line, e.g. `od -A d -d`) prints for `input`, in the C locale. */
export const dumpOf = (args: string, input: Buffer) => tool('sh', ['-c', `LC_ALL=C ${args} in`], { in: input });

/** `dump` read back as `format` in pushes of `size` bytes. */
export function read(dump: Buffer, format: DumpFormat, size: number): Buffer {
  const out: Buffer[] = [];
  const d = new DumpDecoder(format, (b) => out.push(b));
  for (let i = 0; i < dump.length; i += size) d.push(dump.subarray(i, i + size), false);
  d.push(new Uint8Array(0), true);
  return Buffer.concat(out);
}
