/** unbzip2-stream: a `through` stream that decodes bzip2 synchronously as it is written. */
declare module 'unbzip2-stream' {
  import type { Duplex } from 'node:stream';
  export default function unbzip2Stream(): Duplex & { write(data: Buffer): boolean; end(): void };
}
