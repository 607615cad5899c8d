/** For the ext2/3/4 reader's tests: images by the real `mke2fs -d`, and configs with a value at a place. */
import type { Seeded } from '../../../test/support/random.js';
import { tool } from './testing.js';

/** Filler lines, then `API_TOKEN=value` with the value's middle at byte `at`, then `tail` bytes of filler. */
export function straddle(rng: Seeded, value: string, at: number, tail = 2000): Buffer {
  const fill = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i % 40 === 39 ? '\n' : String.fromCharCode(97 + rng.int(26)))).join(''));
  const v = Buffer.from(value);
  const before = Math.max(0, at - Math.floor(v.length / 2) - 'API_TOKEN='.length);
  return Buffer.concat([fill(before), Buffer.from('API_TOKEN='), v, Buffer.from('\n'), fill(tail)]);
}

/** `mke2fs -q <options> -d root img <size>` of `files` (under root/), then `then` (a shell command in the same directory). */
export function mkfs(options: string, files: Record<string, Uint8Array | string>, size = '4M', then = ''): Buffer {
  const root = Object.fromEntries(Object.entries(files).map(([p, b]) => [`root/${p}`, b]));
  return tool('sh', ['-c', `mke2fs -q ${options} -d root img ${size} > /dev/null 2>&1${then ? ` && ${then}` : ''}`], root, 'img');
}

/** An ext4 image (4 KiB blocks) whose `/app.conf` was written by `debugfs -w` after every other one of `n` 4 KiB files was removed: in dozens of extents. */
export function fragmented(rng: Seeded, conf: Buffer, n = 100): Buffer {
  const fill = Object.fromEntries(Array.from({ length: n }, (_, i) => [`fill/f${i}`, rng.bytes(4096)]));
  const rm = Array.from({ length: n / 2 }, (_, i) => `rm /fill/f${2 * i}`).join('\n');
  const script =
    'mkdir -p root && mv fill root/ && mke2fs -q -t ext4 -b 4096 -d root img 8M && debugfs -w -f rm.cmds img > /dev/null 2>&1 && debugfs -w -R "write conf /app.conf" img > /dev/null 2>&1';
  return tool('sh', ['-c', script], { ...fill, 'rm.cmds': `${rm}\n`, conf }, 'img');
}
