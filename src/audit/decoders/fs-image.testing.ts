/**
 * For the tests of file-system images whose files are stored in pieces (JFFS2's pages, UBIFS's
 * blocks, zisofs's blocks): a config with a value across a piece's edge, and a small tree holding it.
 */

/** A config of numbered lines with API_TOKEN=value across byte `at` of the file. */
export function straddle(value: string, at: number): string {
  const fill = Array.from({ length: Math.ceil(at / 20) + 2 }, (_, i) => `option.${String(i).padStart(5, '0')} = value-${(i * 7919) % 100003}\n`).join('');
  const pre = at - Math.floor(value.length / 2) - 'API_TOKEN='.length;
  return `${fill.slice(0, pre - 1)}\nAPI_TOKEN=${value}\n${'tail line\n'.repeat(2000)}`;
}

/** A tree under root/: the config with `value` across byte 8192 (two 4 KiB pieces), a short file, a long one, and `more`. */
export const straddleTree = (value: string, more: Record<string, string | Uint8Array> = {}): Record<string, string | Uint8Array> => ({
  'root/etc/app/app.conf': straddle(value, 8192),
  'root/etc/hostname': 'device\n',
  'root/usr/share/doc/notes.txt': Array.from({ length: 3000 }, (_, i) => `note ${(i * 2654435761) % 4294967296}\n`).join(''),
  ...more,
});
