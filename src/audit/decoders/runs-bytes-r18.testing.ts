/** The copies ByteLists routes for `text` pushed in chunks of `sizes` (a size, or a draw of one each chunk): round 18's tests. */
import { ByteLists } from './runs-bytes.js';

export async function listsOf(text: Buffer, sizes: number | (() => number)): Promise<Array<{ alphabet: string; bytes: Buffer }>> {
  const out: Array<{ alphabet: string; parts: Buffer[] }> = [];
  const lists = new ByteLists((_at, alphabet) => {
    const run = { alphabet, parts: [] as Buffer[] };
    out.push(run);
    return { write: (b) => void run.parts.push(Buffer.from(b)), end: () => undefined };
  });
  const next = typeof sizes === 'number' ? () => sizes : sizes;
  for (let i = 0; i < text.length;) {
    const n = Math.max(1, next());
    await lists.push(text.subarray(i, i + n));
    i += n;
  }
  await lists.end();
  return out.map((r) => ({ alphabet: r.alphabet, bytes: Buffer.concat(r.parts) }));
}
