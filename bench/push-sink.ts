/**
 * A registry on loopback that the Docker daemon pushes an image to, for bench/base.ts's no-save row: what the docker
 * path would cost if Hoist took the image from the daemon's own `docker push` instead of `docker save` (issue 36).
 * It answers HEAD of the blobs it is told are there (the base's registry digests: the daemon knows them from its pull
 * or push of the base, asks, and sends nothing of them — as `docker push` does to a registry holding the base), takes
 * every other blob (hashed, counted, its digest checked) and the manifest. The dockerd default trusts 127.0.0.0/8
 * over plain HTTP. Not Hoist's code: a measurement of the daemon's side only — nothing is decompressed or audited here.
 */
import { createHash, type Hash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Sink {
  host: string;
  /** Blob bytes the daemon sent (uploads), and how many of the base's blobs it asked for and found there. */
  received: () => { bytes: number; uploads: number; present: number; manifests: number; badDigests: number };
  close: () => Promise<void>;
}

export async function startSink(present: Iterable<string>): Promise<Sink> {
  const base = new Set(present);
  const there = new Set(base);
  const asked = new Set<string>();
  const uploads = new Map<string, { hash: Hash; bytes: number }>();
  const seen = { bytes: 0, uploads: 0, present: 0, manifests: 0, badDigests: 0 };
  let next = 0;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sink');
    const path = url.pathname;
    let m: RegExpExecArray | null;
    if (path === '/v2/') return res.writeHead(200, { 'Docker-Distribution-API-Version': 'registry/2.0' }).end();
    if ((m = /^\/v2\/(.+)\/blobs\/(sha256:[a-f0-9]{64})$/.exec(path)) && (req.method === 'HEAD' || req.method === 'GET')) {
      if (!there.has(m[2]!)) return res.writeHead(404).end();
      if (base.has(m[2]!)) asked.add(m[2]!);
      return res.writeHead(200, { 'Content-Length': '0', 'Docker-Content-Digest': m[2]! }).end();
    }
    if ((m = /^\/v2\/(.+)\/blobs\/uploads\/$/.exec(path)) && req.method === 'POST') {
      const id = String(++next);
      uploads.set(id, { hash: createHash('sha256'), bytes: 0 });
      return res.writeHead(202, { Location: `/v2/${m[1]}/blobs/uploads/${id}`, Range: '0-0', 'Docker-Upload-UUID': id }).end();
    }
    if ((m = /^\/v2\/(.+)\/blobs\/uploads\/(\d+)$/.exec(path)) && uploads.has(m[2]!)) {
      const [, repo, id] = m as unknown as [string, string, string];
      const upload = uploads.get(id)!;
      req.on('data', (c: Buffer) => (upload.hash.update(c), (upload.bytes += c.length), (seen.bytes += c.length)));
      req.on('end', () => {
        if (req.method === 'PATCH') {
          res.writeHead(202, { Location: `/v2/${repo}/blobs/uploads/${id}`, Range: `0-${Math.max(0, upload.bytes - 1)}`, 'Docker-Upload-UUID': id }).end();
          return;
        }
        const digest = `sha256:${upload.hash.digest('hex')}`;
        if (digest !== url.searchParams.get('digest')) seen.badDigests++;
        seen.uploads++;
        uploads.delete(id);
        there.add(digest);
        res.writeHead(201, { Location: `/v2/${repo}/blobs/${digest}`, 'Docker-Content-Digest': digest }).end();
      });
      return;
    }
    if ((m = /^\/v2\/(.+)\/manifests\/[^/]+$/.exec(path)) && req.method === 'PUT') {
      const hash = createHash('sha256');
      req.on('data', (c: Buffer) => hash.update(c));
      req.on('end', () => {
        seen.manifests++;
        const digest = `sha256:${hash.digest('hex')}`;
        res.writeHead(201, { 'Docker-Content-Digest': digest, Location: `/v2/${m![1]}/manifests/${digest}` }).end();
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: () => ({ ...seen, present: asked.size }),
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
