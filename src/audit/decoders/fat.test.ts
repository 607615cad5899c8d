// Property: in a FAT image made by the real tools (mkfs.vfat, then mtools as a build script updates
// an EFI system partition: mcopy, mdel, mcopy again), a file copied into a hole a deletion left —
// its clusters before and after another file's — is given back whole, so a value cut between the two
// places is found; a file in one run is left to the image's own bytes (not written twice); FAT12,
// FAT16 and FAT32; in random chunk sizes; the clean twin passes. Generated: seeded values with
// + / = & < > % " \ ` and Latin-1 letters at the cluster boundary or at random, random file sizes
// and hole sizes, subdirectories; random boot sectors with 0x55AA are not claimed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { decodeWith } from './decode.testing.js';
import { fat, fatGeometry } from './fat.js';
import { auditFiles, has, SECRET } from './testing.js';

const rng = seededPerTest(0xfa7);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=&<>%"\\`éß';

/** An image of `kib` KiB (`fatBits`), a file deleted between two others and the config copied again: its bytes and the config's. */
function image(value: string, fatBits: 12 | 16 | 32, kib: number): { img: Buffer; config: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-fat-'));
  const env = { ...process.env, MTOOLS_SKIP_CHECK: '1' };
  const run = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    run('mkfs.vfat', '-C', '-F', String(fatBits), 'esp.img', String(kib));
    const cluster = fatGeometry(readFileSync(join(dir, 'esp.img')))!;
    const size = cluster.spc * cluster.bps;
    run('mmd', '-i', 'esp.img', '::/EFI', '::/EFI/app');
    writeFileSync(join(dir, 'a.bin'), rng.bytes(rng.int(1, 3 * size)));
    writeFileSync(join(dir, 'old.cfg'), rng.bytes(rng.int(1, 3) * size));
    writeFileSync(join(dir, 'c.bin'), rng.bytes(rng.int(1, 3 * size)));
    for (const f of ['a.bin', 'old.cfg', 'c.bin']) run('mcopy', '-i', 'esp.img', f, `::/EFI/app/${f === 'old.cfg' ? 'app.cfg' : f}`);
    run('mdel', '-i', 'esp.img', '::/EFI/app/app.cfg');
    const hole = readFileSync(join(dir, 'old.cfg')).length;
    const line = `API_TOKEN=${value}\n`;
    const at = rng.next() < 0.7 ? hole - rng.int(1, Buffer.byteLength(line) - 1) : rng.int(0, hole + size);
    const config = Buffer.concat([Buffer.from('#'.repeat(at)), Buffer.from(line), Buffer.from('\n'.repeat(rng.int(1, 2 * size)))]);
    writeFileSync(join(dir, 'app.cfg'), config);
    run('mcopy', '-i', 'esp.img', 'app.cfg', '::/EFI/app/app.cfg');
    return { img: readFileSync(join(dir, 'esp.img')), config };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.runIf(has('mkfs.vfat') && has('mcopy'))(`FAT images (seed ${rng.seed})`, { timeout: 120_000 }, () => {
  it.each([
    [12, 2048],
    [16, 20_480],
    [32, 40_960],
  ] as const)('FAT%i: the rewritten config given back whole in random chunk sizes, nothing else', async (bits, kib) => {
    for (let n = 0; n < (bits === 12 ? 5 : 2); n++) {
      const { img, config } = image(rng.chars(ALPHABET, rng.int(8, 60)), bits, kib);
      expect(fatGeometry(img)?.bits).toBe(bits);
      const chunk = rng.int(512, 300_000) * (bits === 12 ? 1 : 64);
      const { out, limits } = await decodeWith(fat, img, { chunk });
      // The image's own bytes (its boot sector as zeros, so offsets are the image's) come first, then the cut file, if it was cut.
      const joined = out.subarray(img.length);
      const plain = Buffer.concat([Buffer.alloc(512), img.subarray(512)]);
      expect({ plain: out.subarray(0, img.length).equals(plain), limits }).toEqual({ plain: true, limits: [] });
      expect(joined.length === 0 || joined.equals(config), `chunks of ${chunk}`).toBe(true);
      expect(joined.length > 0 || img.includes(config), 'a config not written is in one run').toBe(true);
    }
  });

  it('random boot sectors with the signature are not claimed', () => {
    for (let i = 0; i < 20_000; i++) {
      const head = rng.bytes(512);
      head[510] = 0x55;
      head[511] = 0xaa;
      head[0] = 0xeb;
      expect(fatGeometry(head)).toBeUndefined();
    }
  });

  it('through the audit: the cut config found by its path, the clean twin passes', async () => {
    let leaky = image(SECRET, 12, 2048);
    while (leaky.img.includes(Buffer.from(SECRET))) leaky = image(SECRET, 12, 2048);
    const found = await auditFiles({ 'srv/esp.img': leaky.img, 'srv/clean.img': image('an-other-value-of-the-same-length+/=', 12, 2048).img });
    expect(found.map((f) => `${f.severity} ${f.path}`)).toEqual(['leak srv/esp.img!/EFI/APP/APP.CFG']);
  });
});
