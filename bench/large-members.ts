/**
 * An image of ordinary content whose members are large — what bench/audit.ts's memory part audits
 * beside its 256 KiB files, so the peak it prints is the worst case of everyday content, not of small
 * files: gzip'd logs of 48 MiB (one member, and a rotated one of two members), a jar with a 12 MiB
 * stored member and 12 MiB deflated ones (sizes in the local headers, as zip writes them), a jar of
 * 12 MiB members written by `jar` (data descriptors, as every Java build's), both nested stored in
 * a fat jar as Spring Boot does, a 32 MiB tar in `.tar.xz` (xz -6: an 8 MiB dictionary) and
 * `.tar.zst` (zstd -19: an 8 MiB window), a git repository packed with deltas, and a 16 MiB
 * gzip'd file as base64 text. Made by the real tools (gzip, zip, jar, xz, zstd, git, base64, GNU
 * tar) into one gzip'd layer, and reused while its recipe is the same.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { blobPath, initLayout, MediaType, writeBlobBytes, writeBlobStream, writeIndex } from '../src/oci/layout.js';

const MiB = 1024 * 1024;
const RECIPE = { kind: 'large-members', version: 1 };

/** Log lines as services write them: mostly the same words, a request id, a path, a time, a user (compresses ~8×). */
function logText(bytes: number): Buffer {
  const ids = randomBytes(Math.ceil(bytes / 16));
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const id = ids.toString('hex', (i * 6) % (ids.length - 6), ((i * 6) % (ids.length - 6)) + 6);
    const line = `2026-12-04T17:${String(i % 60).padStart(2, '0')}:03.${String(i % 1000).padStart(3, '0')}Z INFO  [req ${id}] GET /api/v1/items/${i % 9973} 200 ${i % 487}ms user=u${id.slice(0, 5)} agent="Mozilla/5.0"\n`;
    lines.push(line);
    size += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, bytes);
}

/** Java-like class bytes: a constant pool of names and random code (compresses ~2×). */
function classBytes(bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  for (let at = 0; at < bytes; at += 4096) {
    const chunk = at % 8192 ? randomBytes(4096) : Buffer.from('Ljava/lang/String;org/example/service/Handler;handle;()V;Code;LineNumberTable;'.repeat(60));
    chunk.copy(out, at, 0, Math.min(4096, bytes - at));
  }
  return out;
}

const sh = (script: string, cwd: string) => execFileSync('bash', ['-euo', 'pipefail', '-c', script], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });

/** The files of the image, under `root`. */
async function makeFiles(root: string): Promise<void> {
  await mkdir(join(root, 'var/log'), { recursive: true });
  await mkdir(join(root, 'work'), { recursive: true });
  await writeFile(join(root, 'work/app.log'), logText(48 * MiB));
  await writeFile(join(root, 'work/a.log'), logText(16 * MiB));
  await writeFile(join(root, 'work/stored.bin'), randomBytes(12 * MiB));
  await writeFile(join(root, 'work/app.properties'), logText(12 * MiB));
  await writeFile(join(root, 'work/Big.class'), classBytes(12 * MiB));
  await writeFile(join(root, 'work/data.bin'), randomBytes(16 * MiB));
  await writeFile(join(root, 'work/payload'), Buffer.concat([logText(8 * MiB), classBytes(8 * MiB)]));
  sh(
    `
    gzip -6 -c work/app.log > var/log/app.log.gz
    { gzip -6 -c work/a.log; head -c 16777216 work/app.log | gzip -6 -c; } > var/log/app.log.1.gz
    mkdir -p opt/app/lib jar/a/b/assets jar/BOOT-INF/classes
    cp work/stored.bin jar/a/b/assets/blob.bin; cp work/app.properties jar/a/b/app.properties; cp work/Big.class jar/a/b/Big.class
    (cd jar && zip -q -0 ../opt/app/lib/zipped.jar a/b/assets/blob.bin && zip -q -6 ../opt/app/lib/zipped.jar a/b/app.properties a/b/Big.class)
    cp work/app.properties jar/BOOT-INF/classes/application.properties; cp work/Big.class jar/BOOT-INF/classes/Main.class
    (cd jar && jar cf ../opt/app/lib/java.jar BOOT-INF/classes)
    mkdir -p fat/BOOT-INF/lib && cp opt/app/lib/zipped.jar opt/app/lib/java.jar fat/BOOT-INF/lib/
    (cd fat && zip -q -0 ../opt/app/app-boot.jar BOOT-INF/lib/zipped.jar BOOT-INF/lib/java.jar)
    mkdir -p dump && cp work/a.log dump/table.sql && cp work/data.bin dump/table.bin
    tar -C dump -cf work/dump.tar . && mkdir -p srv/backup
    xz -6 -T1 -c work/dump.tar > srv/backup/dump.tar.xz
    zstd -q -19 -c work/dump.tar > srv/backup/dump.tar.zst
    gzip -6 -c work/payload | base64 > srv/backup/payload.gz.b64
    mkdir -p srv/repo && cd srv/repo && git init -q && git config user.email b@x && git config user.name bench
    head -c 4194304 ../../work/app.log > service.log && head -c 8388608 ../../work/data.bin > model.bin
    for i in 1 2 3 4 5 6; do echo "change $i" >> service.log; git add -A; git commit -q -m "commit $i"; done
    git gc -q --aggressive
    `,
    root,
  );
  await rm(join(root, 'work'), { recursive: true, force: true });
  await rm(join(root, 'jar'), { recursive: true, force: true });
  await rm(join(root, 'fat'), { recursive: true, force: true });
  await rm(join(root, 'dump'), { recursive: true, force: true });
}

/** The layout of the large members (one gzip'd layer: GNU tar, gzip -6) under `dir`; made once per recipe. */
export const largeMembersLayout = (dir: string) => layoutOf(dir, RECIPE, makeFiles);

/**
 * The large members' layer again as a `+zstd` layer (`zstd -3` of the same tar, as `docker buildx --output
 * compression=zstd` and `buildah push --compression-format zstd` write): the zstd layer path's memory (zstd-frames.ts).
 */
export async function largeMembersZstdLayout(dir: string, gzipLayout: string): Promise<string> {
  const index = JSON.parse(readFileSync(join(gzipLayout, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
  const manifest = JSON.parse(readFileSync(blobPath(gzipLayout, index.manifests[0]!.digest), 'utf8')) as {
    config: { digest: string };
    layers: Array<{ digest: string }>;
  };
  const source = blobPath(gzipLayout, manifest.layers[0]!.digest);
  const recipe = { kind: 'large-members-zstd', version: 1, from: manifest.layers[0]!.digest };
  const made = join(dir, 'bench-layers.json');
  if (existsSync(made) && readFileSync(made, 'utf8') === JSON.stringify(recipe)) return dir;
  await rm(dir, { recursive: true, force: true });
  await initLayout(dir);
  const zstd = spawn('bash', ['-c', 'gzip -dc "$0" | zstd -q -3 -c', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  const layer = await writeBlobStream(dir, zstd.stdout);
  const config = await writeBlobBytes(dir, readFileSync(blobPath(gzipLayout, manifest.config.digest)));
  const descriptors = [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd', ...layer }];
  const written = await writeBlobBytes(
    dir,
    Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: { mediaType: MediaType.ociConfig, ...config }, layers: descriptors }),
    ),
  );
  await writeIndex(dir, [{ mediaType: MediaType.ociManifest, ...written }]);
  await writeFile(made, JSON.stringify(recipe));
  return dir;
}

const WORDS = 'the fix for build cache when push retries a layer and the tag moves forward on main with release notes'.split(' ');
const words = (n: number) => Array.from({ length: n }, (_, i) => WORDS[(i * 7 + n) % WORDS.length]).join(' ');
const b64 = (n: number) => randomBytes(n).toString('base64');

/** A line of a checksum list as coreutils (`sha256sum`, `sha1sum`, `md5sum`: dpkg's md5sums) or BSD's `sha512 -r`/`shasum --tag` write it. */
function sumLine(i: number): string {
  const path = `usr/lib/x86_64-linux-gnu/${words(2).replace(/ /g, '-')}-${i}.so.${i % 7}`;
  const [digest, style] = [
    [32, 0],
    [20, 0],
    [16, 0],
    [64, 1],
  ][i % 4]!;
  const hex = randomBytes(digest!).toString('hex');
  return style ? `SHA512 (${path}) = ${hex}\n` : `${hex}  ${path}\n`;
}

/**
 * Text whose every record holds encoded runs the audit must open (issue 28: 32 MiB of each was cut at the 20 s bound):
 * a GitHub REST API dump (node ids, base64 of `04:User…`; commit SHAs in fields and URLs; PGP signatures joined by
 * `\n`), a mysqldump --hex-blob (base64 session payloads, 0x… blobs, bcrypt hashes), or checksum lists (`sumLine`:
 * each digest's hex a run opened, its bytes a content of their own — issue 28's per-content cost).
 */
function dumpText(kind: DumpKind, bytes: number): Buffer {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const sha = randomBytes(20).toString('hex');
    const part =
      kind === 'sums'
        ? sumLine(i)
        : kind === 'api'
          ? `${JSON.stringify({
              node_id: Buffer.from(`04:User${1000 + i}`).toString('base64'),
              login: `user${i}`,
              sha,
              url: `https://api.github.com/repos/acme/app/commits/${sha}`,
              message: words(12),
              verification: { verified: true, signature: `-----BEGIN PGP SIGNATURE-----\n\n${b64(48)}\n${b64(48)}\n${b64(21)}\n-----END PGP SIGNATURE-----\n` },
            })},\n`
          : `(${i},'${b64(60 + (i % 120))}',0x${randomBytes(16 + (i % 64)).toString('hex')},'$2y$10$${b64(40).replace(/[+=]/g, '.').slice(0, 53)}','${words(4)}','2026-12-0${1 + (i % 9)} 10:00:00')${i % 50 === 49 ? ';\nINSERT INTO `sessions` VALUES ' : ','}`;
    parts.push(part);
    size += part.length;
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}

/** One dump of `mib` MiB (`dumpText`) in a layer of its own under `dir`; made once per recipe. */
export type DumpKind = 'api' | 'sql' | 'sums';
export const dumpLayout = (dir: string, kind: DumpKind, mib: number) =>
  layoutOf(dir, { kind: `dump-${kind}`, mib, version: 1 }, async (root) => {
    await mkdir(join(root, 'srv'), { recursive: true });
    await writeFile(join(root, 'srv', { api: 'commits.json', sql: 'dump.sql', sums: 'SHA256SUMS' }[kind]), dumpText(kind, mib * MiB));
  });

/** A layout of one tiny file: what the audit costs doing nothing. */
export const tinyLayout = (dir: string) =>
  layoutOf(dir, { kind: 'tiny', version: 1 }, async (root) => {
    await mkdir(join(root, 'etc'), { recursive: true });
    await writeFile(join(root, 'etc/hostname'), 'bench\n');
  });

async function layoutOf(dir: string, recipe: object, files: (root: string) => Promise<void>): Promise<string> {
  const made = join(dir, 'bench-layers.json');
  if (existsSync(made) && readFileSync(made, 'utf8') === JSON.stringify(recipe)) return dir;
  await rm(dir, { recursive: true, force: true });
  const root = join(dir, 'files');
  await files(root);
  await initLayout(dir);
  const tarred = spawn('bash', ['-c', 'tar -C "$0" --sort=name --owner=0 --group=0 -cf - . | gzip -6', root], { stdio: ['ignore', 'pipe', 'inherit'] });
  const layer = await writeBlobStream(dir, tarred.stdout);
  await rm(root, { recursive: true, force: true });
  const descriptors = [{ mediaType: MediaType.ociLayerGzip, ...layer }];
  const config = await writeBlobBytes(
    dir,
    Buffer.from(
      JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [] }, history: [{ created_by: 'bench' }] }),
    ),
  );
  const manifest = await writeBlobBytes(
    dir,
    Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: { mediaType: MediaType.ociConfig, ...config }, layers: descriptors }),
    ),
  );
  await writeIndex(dir, [{ mediaType: MediaType.ociManifest, ...manifest }]);
  if (!existsSync(blobPath(dir, layer.digest))) throw new Error(`the large-member layer of ${dir} was not written`);
  await writeFile(made, JSON.stringify(recipe));
  return dir;
}
