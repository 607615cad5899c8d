/** Tar archives built in memory for tests: each file at time 0, so the bytes are the same every run. */
import tar from 'tar-stream';

export async function tarOf(files: Record<string, Uint8Array | string>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, content] of Object.entries(files)) pack.entry({ name, mtime: new Date(0) }, typeof content === 'string' ? content : Buffer.from(content));
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** A layer tarball holding one file. */
export const layerTar = (name: string, content: string | Uint8Array) => tarOf({ [name]: content });
