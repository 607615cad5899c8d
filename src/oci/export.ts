/**
 * The built image out of the OCI layout, for `load` and `outputs`: a Docker archive (what
 * `docker load` reads: manifest.json, the config, the layer blobs as they are — docker load
 * decompresses them) streamed into `docker load` or a file, or the OCI layout itself as a
 * directory or a tar. Streamed: no blob is held whole.
 */
import { onDiskFull } from './disk.js';
import { createReadStream, createWriteStream } from 'node:fs';
import { cp, readdir, stat } from 'node:fs/promises';
import { makeDirs } from '../core/make-dirs.js';
import { dirname, join, relative } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { blobPath, type Descriptor } from './layout.js';
import type { ImageGraph } from './graph.js';
import { localBlob, type Adopted } from './adopt.js';
import type { OutputSpec } from './outputs.js';

/** A Docker archive of a single-platform image, named `repoTags`, written to `out` (adopted layers as their stand-ins). */
export async function writeDockerArchive(layoutDir: string, graph: ImageGraph, repoTags: readonly string[], out: Writable, adopted?: Adopted): Promise<void> {
  if (graph.children.length) throw new Error('a Docker archive holds one platform: this build made several (load and type=docker need a single platform)');
  const manifest = JSON.parse(graph.root.bytes.toString('utf8')) as { config: Descriptor; layers: Descriptor[] };
  const name = (d: Descriptor) => `blobs/sha256/${d.digest.slice('sha256:'.length)}`;
  const pack = tar.pack();
  const writing = pipeline(pack, out);
  const add = (path: string, size: number, body: NodeJS.ReadableStream | Buffer) =>
    new Promise<void>((resolve, reject) => {
      const entry = pack.entry({ name: path, size }, (e) => (e ? reject(e) : resolve()));
      if (Buffer.isBuffer(body)) entry.end(body);
      else (body as NodeJS.ReadableStream).pipe(entry);
    });
  const layers = manifest.layers.map((l) => localBlob(adopted, l));
  const index = Buffer.from(JSON.stringify([{ Config: name(manifest.config), RepoTags: repoTags, Layers: layers.map(name) }]));
  await add('manifest.json', index.length, index);
  for (const d of [manifest.config, ...new Map(layers.map((l) => [l.digest, l])).values()]) {
    await add(name(d), d.size, createReadStream(blobPath(layoutDir, d.digest)));
  }
  pack.finalize();
  await writing;
}

/** The OCI layout as a directory, or as a tar of it; files for which `leave` is true are left out. */
export async function writeOciLayout(layoutDir: string, spec: OutputSpec, leave: (path: string) => boolean = () => false): Promise<void> {
  await onDiskFull(dirname(spec.dest), `the OCI layout output ${spec.dest}`, () => copyLayout(layoutDir, spec, leave));
}

async function copyLayout(layoutDir: string, spec: OutputSpec, leave: (path: string) => boolean): Promise<void> {
  if (!spec.tar) {
    await cp(layoutDir, spec.dest, { recursive: true, filter: (path) => !leave(path) });
    return;
  }
  await makeDirs(dirname(spec.dest));
  const pack = tar.pack();
  const writing = pipeline(pack, createWriteStream(spec.dest, { mode: 0o644 }));
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (!leave(path)) {
        const size = (await stat(path)).size;
        await new Promise<void>((resolve, reject) =>
          createReadStream(path).pipe(pack.entry({ name: relative(layoutDir, path), size }, (e) => (e ? reject(e) : resolve()))),
        );
      }
    }
  };
  await walk(layoutDir);
  pack.finalize();
  await writing;
}
