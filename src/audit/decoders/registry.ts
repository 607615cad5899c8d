/**
 * Every decoder the audit knows, in the order content is offered to them: containers and streams
 * with a magic number at their first byte, then the formats told by their first line (hex dumps,
 * Intel HEX and S-records, HTTP messages, UTF-16 text) or by name (brotli), then those told by their structure alone (Hadoop's snappy blocks, Blosc buffers, packed Cap'n Proto, pickle's protocol 0,
 * headerless deflate that inflates to text). Content none claims is plain: the router still looks inside it for streams that
 * start anywhere (`embedded.ts`), encoded runs in text (`runs.ts`) and a brotli stream (`trial.ts`).
 */
import { ar } from './ar.js';
import { arj } from './arj.js';
import { avro } from './avro.js';
import { orc, parquet } from './columnar.js';
import { berkeleyDb } from './bdb.js';
import { blosc } from './blosc.js';
import { pkcs7Ber } from './ber-octets.js';
import { bzip2 } from './bzip2.js';
import { cab } from './cab.js';
import { capnpPacked } from './capnp.js';
import { chromeCacheEntry } from './chrome-cache.js';
import { nginxCache } from './nginx-cache.js';
import { compress } from './compress.js';
import { cpio } from './cpio.js';
import { cramfs } from './cramfs.js';
import { deflateRaw } from './deflate-raw.js';
import { djvu } from './djvu.js';
import { dump } from './dump.js';
import { ext } from './ext.js';
import { fat } from './fat.js';
import { fdt } from './fdt.js';
import { folded } from './folded.js';
import { gitPack } from './gitpack.js';
import { hdf5 } from './hdf5.js';
import { hexRecords } from './hex-records.js';
import { javaKeystore } from './java-keystore.js';
import { kyotoCabinet } from './kyoto-cabinet.js';
import { kyotoDirRecord } from './kyoto-dir.js';
import { serializedDeflate } from './serialized-deflate.js';
import { jffs2 } from './jffs2.js';
import { levelDbLog } from './leveldb-log.js';
import { llvmBitcode } from './llvm-bitcode.js';
import { lmdb } from './lmdb.js';
import { msgpack } from './msgpack.js';
import { cbor } from './cbor.js';
import { bson } from './bson.js';
import { httpMessage } from './http-message.js';
import { warc } from './warc.js';
import { curlTrace } from './curl-trace.js';
import { lz4 } from './lz4.js';
import { lha } from './lha.js';
import { lrzip } from './lrzip.js';
import { lz4Legacy } from './lz4-legacy.js';
import { lzip } from './lzip.js';
import { lzmaAlone } from './lzma.js';
import { lzmaRawDecoder } from './lzma-raw.js';
import { rLazyLoad } from './r-lazyload.js';
import { lzop } from './lzop.js';
import { brotli, gzip, zlibStream, zstd } from './native.js';
import { ogg } from './ogg.js';
import { nsis } from './nsis.js';
import { openpgp } from './openpgp.js';
import { pdfEncrypted } from './pdf-crypt.js';
import { encrypted } from './encrypted.js';
import { xar } from './xar.js';
import { ostreeFilez } from './ostree.js';
import { pcap } from './pcap.js';
import { phar } from './phar.js';
import { pickle0 } from './pickle0.js';
import { postgres } from './postgres.js';
import { innodb } from './innodb.js';
import { mysqlArchive } from './mysql-archive.js';
import { arc } from './arc.js';
import { h2MvStore } from './h2-mvstore.js';
import { xapianGlass } from './xapian-glass.js';
import { pgDumpCustom } from './pg-dump.js';
import { redisRdb } from './redis-rdb.js';
import { rpm } from './rpm.js';
import { sevenZip } from './sevenzip.js';
import { snappy } from './snappy.js';
import { hadoopSnappy, snappyJava } from './snappy-blocks.js';
import { sqlite } from './sqlite.js';
import { sstTable } from './sst.js';
import { sqliteWal } from './sqlite-wal.js';
import { svndiff } from './svndiff.js';
import { squashfs } from './squashfs.js';
import { swfLzma } from './swf.js';
import { szdd } from './szdd.js';
import { tar } from './tar.js';
import { tokyoCabinet } from './tokyo-cabinet.js';
import { uImage } from './uimage.js';
import { ubifs } from './ubifs.js';
import type { Decoder } from './types.js';
import { bzip3 } from './unread.js';
import { utf16 } from './utf16.js';
import { utf32 } from './utf32.js';
import { qcow2Disk, vmdkDisk } from './vdisk.js';
import { wim } from './wim.js';
import { wiredTiger } from './wiredtiger.js';
import { woff2 } from './woff2.js';
import { xz } from './xz.js';
import { zip } from './zip.js';
import { zipSplit } from './zip-split.js';
import { zlibDict } from './zlib-dict.js';
import { zisofs } from './zisofs.js';
import { zpaq } from './zpaq.js';

/** Raw LZMA: its trial's output counts when it starts a format claimed by its magic (this file's, hence made here). */
const lzmaRaw = lzmaRawDecoder((out) => claimByMagic(out) !== undefined);

export const DECODERS: readonly Decoder[] = [
  gzip,
  zstd,
  xz,
  bzip2,
  compress,
  lzip,
  lzop,
  lz4,
  lz4Legacy,
  svndiff,
  snappy,
  snappyJava,
  zipSplit,
  zip,
  sevenZip,
  cab,
  xar,
  squashfs,
  bzip3,
  arj,
  wim,
  zpaq,
  lrzip,
  lha,
  arc,
  szdd,
  sqlite,
  sqliteWal,
  postgres,
  innodb,
  mysqlArchive,
  h2MvStore,
  xapianGlass,
  hdf5,
  redisRdb,
  pgDumpCustom,
  avro,
  parquet,
  orc,
  phar,
  qcow2Disk,
  vmdkDisk,
  pkcs7Ber,
  chromeCacheEntry,
  nginxCache,
  levelDbLog,
  berkeleyDb,
  sstTable,
  tokyoCabinet,
  kyotoCabinet,
  wiredTiger,
  lmdb,
  nsis,
  djvu,
  uImage,
  fdt,
  llvmBitcode,
  fat,
  ext,
  cramfs,
  zisofs,
  ubifs,
  jffs2,
  ar,
  cpio,
  rpm,
  gitPack,
  tar,
  zlibStream,
  zlibDict,
  ogg,
  pcap,
  ostreeFilez,
  javaKeystore,
  openpgp,
  pdfEncrypted,
  encrypted,
  swfLzma,
  woff2,
  lzmaAlone,
  // R's lazy-load databases: a length, a type byte and its body; a raw LZMA2 `Z` entry first, or named .rdb
  rLazyLoad,
  hadoopSnappy,
  blosc,
  capnpPacked,
  pickle0,
  // before the hex dumps: a trace's lines are hex dumps of the pieces sent and received, read as one stream each here
  curlTrace,
  dump,
  hexRecords,
  warc,
  httpMessage,
  folded,
  utf32,
  utf16,
  brotli,
  // a pickle, Marshal, V8, Java or PHP serialization: gathered and read for raw deflate values, its bytes read on as plain
  serializedDeflate,
  // documents told by their structure (a map of str keys; BSON's lengths): each string and byte value tried as a
  // magicless stream (value-streams.ts), their bytes read on as plain
  msgpack,
  cbor,
  bson,
  // claimed by a hex name and a trial inflate of its head: after every decoder a magic number claims by
  kyotoDirRecord,
  deflateRaw,
  // raw LZMA2 (a first chunk's shape and a clean decode) and raw LZMA1 (a decode to text): no magic number, tried last
  lzmaRaw,
];

/**
 * Decoders told by their structure alone, with no magic number. What a chance brotli trial gave is
 * no evidence of brotli when only one of these claims it: one byte before a zlib stream decoded as
 * brotli's uncompressed meta-block gives the stream's deflate body, which raw deflate then reads —
 * the stream found twice, once under a path of chances (14 first bytes in 256).
 */
const STRUCTURE_ONLY: ReadonlySet<Decoder> = new Set([hadoopSnappy, blosc, capnpPacked, pickle0, msgpack, cbor, bson, deflateRaw, lzmaRaw]);

/** Whether `decoder` claims by structure alone: its content is opened as a trial's, a failure that gave little taken for a chance match. */
export const claimsByStructure = (decoder: Decoder): boolean => STRUCTURE_ONLY.has(decoder);

/** The decoder with a magic number (or a name) that claims `head`: what a trial's output must start with to count. */
export const claimByMagic = (head: Uint8Array): Decoder | undefined => DECODERS.find((d) => !STRUCTURE_ONLY.has(d) && d.sniff(head, ''));

/** The bytes content is claimed by (`Decoder.sniff`), and the most a decoder may ask for instead (`Decoder.head`). */
export const SNIFF = 512;
export const LONG_HEAD = 2048;

/**
 * The decoder that claims content starting with `head` (up to LONG_HEAD bytes, fewer only when the content is shorter) at
 * `path`, if one does: each is offered its first 512 bytes, or as many as it names. Not a whole first chunk: a sniffer
 * that walks what it is given (pickle 0's opcodes, a line each: text whose lines all start with `c`) read 256 KiB a file.
 */
export const claim = (head: Uint8Array, path: string): Decoder | undefined => {
  const short = head.length > SNIFF ? head.subarray(0, SNIFF) : head;
  return DECODERS.find((d) => d.sniff(d.head ? head.subarray(0, Math.min(d.head, LONG_HEAD)) : short, path));
};
