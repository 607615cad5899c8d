/** unbzip2-stream's block decoder and bit reader, driven by `bzip2.ts`. */
declare module 'unbzip2-stream/lib/bzip2.js' {
  const bzip2: unknown;
  export default bzip2;
}
declare module 'unbzip2-stream/lib/bit_iterator.js' {
  const bitIterator: unknown;
  export default bitIterator;
}
