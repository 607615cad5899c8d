/**
 * PHP archives in phar's own format (`composer.phar`, PHPUnit, php-cs-fixer, a vendor's CLI): a PHP
 * stub ending in `__HALT_COMPILER(); ?>`, then phar's manifest (each file's name, sizes and flags)
 * and the files' bytes in order. `Phar::compressFiles(Phar::GZ)` deflates each file with no header
 * (zlib.deflate), which no search inside finds. The archive's bytes are read on as plain (the stub,
 * stored files; its first two bytes as zeros, so the plain read is not claimed again), the archive held
 * up to MAX_FILE, and at its end each deflated file is inflated and written as a member
 * (`tool.phar!/config/secrets.php`). A bzip2'd file (0x2000) is bzip2's own stream, found inside.
 * Phars in tar or zip form are those formats' own.
 */
import { inflateRawSync } from 'node:zlib';
import { heldImage } from './held-image.js';
import { trial, type Decoder, type DecodeEnv, type Decoding } from './types.js';

// 64 MiB: the most any decoder holds (ext, squashfs, sqlite); composer.phar and phpunit.phar are a few MiB.
const MAX_FILE = 64 << 20;
const HALT = Buffer.from('__HALT_COMPILER();');
/** phar's flag of a file deflated (PHAR_ENT_COMPRESSED_GZ). */
const GZ = 0x1000;

/**
 * A PHP script (`<?php`, or a `#!` line first) that is a phar's stub: named `.phar`, ending within its first bytes
 * (`__HALT_COMPILER();`), or an installed tool with no `.php` name (`/usr/local/bin/composer`) whose first bytes map
 * a phar. A `.php` file that only names Phar (a build script) is PHP source, read as text.
 */
export function sniffPhar(h: Uint8Array, path: string): boolean {
  if (!((h[0] === 0x3c && h[1] === 0x3f) || (h[0] === 0x23 && h[1] === 0x21))) return false; // `<?` or `#!`: most content is neither
  const text = Buffer.from(h).toString('latin1');
  if (!text.startsWith('<?php') && !(text.startsWith('#!') && text.includes('<?php'))) return false;
  if (path.endsWith('.phar') || text.includes('__HALT_COMPILER();')) return true;
  return !/\.php\d?$/i.test(path) && /\bPhar::(mapPhar|interceptFileFuncs|webPhar)\b/.test(text);
}

interface Entry {
  name: string;
  size: number;
  compressed: number;
  flags: number;
}

/** The manifest that starts at `at`: its files, and where their bytes start; undefined where it does not hold. */
function manifest(img: Buffer, at: number): { entries: Entry[]; data: number } | undefined {
  if (at + 18 > img.length) return undefined;
  const length = img.readUInt32LE(at);
  const count = img.readUInt32LE(at + 4);
  const data = at + 4 + length;
  if (data > img.length || count > length / 24) return undefined;
  let p = at + 14;
  const u32 = () => {
    if (p + 4 > data) throw RangeError();
    const v = img.readUInt32LE(p);
    p += 4;
    return v;
  };
  const skip = (n: number) => {
    if (p + n > data) throw RangeError();
    p += n;
  };
  try {
    skip(u32()); // the alias
    skip(u32()); // the archive's metadata
    const entries: Entry[] = [];
    for (let i = 0; i < count; i++) {
      const n = u32();
      const name = img.toString('utf8', p, p + n);
      skip(n);
      const size = u32();
      u32(); // time
      const compressed = u32();
      u32(); // CRC-32
      const flags = u32();
      skip(u32()); // the file's metadata
      entries.push({ name, size, compressed, flags });
    }
    return p === data ? { entries, data } : undefined;
  } catch {
    return undefined;
  }
}

/** Each deflated file of the phar in `img`, inflated (undefined: one that does not inflate). */
export function* pharFiles(img: Buffer): Generator<[string, Buffer | undefined]> {
  const halt = img.indexOf(HALT);
  if (halt < 0) return;
  // `?>` and a line break may follow the halt (a stub's own choice): the manifest starts where one holds.
  let m: ReturnType<typeof manifest>;
  for (let at = halt + HALT.length; at <= halt + HALT.length + 8 && !m; at++) m = manifest(img, at);
  if (!m) return;
  let at = m.data;
  for (const e of m.entries) {
    const bytes = img.subarray(at, at + e.compressed);
    at += e.compressed;
    if (!(e.flags & GZ)) continue;
    const out = trial(() => inflateRawSync(bytes, { maxOutputLength: Math.max(e.size, 1) }));
    yield [e.name.replace(/^\/+/, ''), out instanceof Buffer ? out : undefined];
  }
}

export const phar: Decoder = {
  name: 'phar archive',
  head: 2048,
  sniff: sniffPhar,
  open: (env: DecodeEnv): Decoding =>
    heldImage(env, {
      header: 2,
      max: MAX_FILE,
      tooLarge: `a phar over ${MAX_FILE >> 20} MiB: its deflated files are not inflated`,
      unreadable: 'a deflated phar file that does not inflate',
      files: pharFiles,
    }),
};
