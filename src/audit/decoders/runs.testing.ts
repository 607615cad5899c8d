// The runs EncodedRuns routes from a text fed in chunks of `size`: each run's place, alphabet and decoded bytes.
import { EncodedRuns } from './runs.js';

export async function runsOf(text: string, size = 1 << 16): Promise<Array<{ at: number; alphabet: string; bytes: Buffer }>> {
  const out: Array<{ at: number; alphabet: string; parts: Buffer[] }> = [];
  const runs = new EncodedRuns((at, alphabet) => {
    const run = { at, alphabet, parts: [] as Buffer[] };
    out.push(run);
    return { write: (b) => void run.parts.push(Buffer.from(b)), end: () => undefined };
  });
  const bytes = Buffer.from(text, 'latin1');
  for (let i = 0; i < bytes.length; i += size) await runs.push(bytes.subarray(i, i + size));
  await runs.end();
  return out.map((r) => ({ at: r.at, alphabet: r.alphabet, bytes: Buffer.concat(r.parts) }));
}
