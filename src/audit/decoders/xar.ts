/**
 * A xar archive (macOS packages, `xar`, libarchive's `--format=xar`): a 28-byte header (`xar!`, its size, version, the
 * table of contents' compressed and plain lengths, the checksum algorithm), the table of contents — zlib'd XML naming
 * each file's data by its offset and length in the heap after it and its encoding —, then the heap. Each file's data is
 * written as a member (`pkg.xar!/dir/name`) as it is stored, and the router reads it by its own first bytes: zlib
 * (`application/x-gzip` is a zlib stream), bzip2, xz, and LZMA-alone, which has no magic a search of the heap may take
 * (libarchive's `xar:compression=lzma`). The table of contents is written at `pkg.xar!(toc)`. The archive is held up to
 * 64 MiB (a member may be anywhere in the heap).
 */
import { inflateSync } from 'node:zlib';
import { gathered, within } from './gathered.js';
import { startsWith, trial, type Decoder, type DecodeEnv } from './types.js';

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescape = (s: string) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => XML_ENTITIES[e]!);

/** The header: `xar!`, a header size of at least 28, version 1. */
const isXar = (h: Uint8Array) => startsWith(h, [0x78, 0x61, 0x72, 0x21]) && h.length >= 28 && ((h[4]! << 8) | h[5]!) >= 28 && ((h[6]! << 8) | h[7]!) === 1;

/** Each file's path and its data's [offset, length] in the heap, from the table of contents' XML (files nest in directories). */
function* members(toc: string): Generator<[string, number, number]> {
  const names: string[] = [];
  const depth: number[] = [];
  let level = 0;
  const tag = /<(\/?)(file|name|data)\b[^>]*>/g;
  for (let m = tag.exec(toc); m; m = tag.exec(toc)) {
    const [, close, kind] = m;
    if (kind === 'file') {
      if (close) {
        level--;
        while (depth.length && depth.at(-1)! > level) {
          depth.pop();
          names.pop();
        }
      } else level++;
    } else if (kind === 'name' && !close) {
      const end = toc.indexOf('</name>', tag.lastIndex);
      if (end < 0) return;
      while (depth.length && depth.at(-1)! >= level) {
        depth.pop();
        names.pop();
      }
      names.push(unescape(toc.slice(tag.lastIndex, end)).replace(/\//g, '_'));
      depth.push(level);
    } else if (kind === 'data' && !close) {
      const end = toc.indexOf('</data>', tag.lastIndex);
      if (end < 0) return;
      const body = toc.slice(tag.lastIndex, end);
      const offset = /<offset>(\d+)<\/offset>/.exec(body);
      const length = /<length>(\d+)<\/length>/.exec(body);
      if (offset && length) yield [names.join('/') || 'data', Number(offset[1]), Number(length[1])];
    }
  }
}

async function read(env: DecodeEnv, file: Buffer): Promise<void> {
  const header = (file[4]! << 8) | file[5]!;
  const packed = Number(file.readBigUInt64BE(8));
  const heap = header + packed;
  if (heap > file.length) return env.limit('a xar archive cut short in its table of contents');
  const toc = trial(() => inflateSync(file.subarray(header, heap), { maxOutputLength: 64 << 20 }));
  if (!(toc instanceof Buffer)) return env.limit('a xar archive whose table of contents does not inflate (damaged)');
  if (env.allow(toc.length)) {
    const sink = env.openAt(within(env.path, '(toc)'));
    await sink.write(toc);
    await sink.end();
  }
  for (const [name, offset, length] of members(toc.toString('utf8'))) {
    if (env.stopped) break;
    const from = heap + offset;
    if (from + length > file.length) {
      env.limit('a xar member cut short', within(env.path, `/${name}`));
      continue;
    }
    if (!env.allow(length)) break;
    const sink = env.open(name);
    await sink.write(file.subarray(from, from + length));
    await sink.end();
  }
}

export const xar: Decoder = {
  name: 'xar archive',
  sniff: isXar,
  open: (env) =>
    gathered(env, {
      skip: undefined,
      over: (e, max) => e.limit(`a xar archive over ${max} bytes, which the audit does not gather`),
      read: (file) => read(env, file),
    }),
};
