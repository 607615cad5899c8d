// The loopback registry the Docker daemon pushes to (push-sink.ts), as the daemon's blob writer uses it.
// Property: a PATCH's Range names every byte its request carried, however far the audit (which inflates each layer as it
// arrives) holds the upload back — dockerd takes the layer's size in the manifest it pushes from that Range (distribution's
// blob writer: ReadFrom returns end - start + 1), so a Range of the bytes taken so far named a layer shorter than its blob.
// Nearest real variant: bench/run.sh base at load 17, where the push of the layout then read a prefix of the daemon's
// 5 MiB layer and found another digest ("upload cancelled"), and a docker push into a sink whose audit sleeps 30 ms a
// chunk (manifest 7766016 bytes for a blob of 8002816).
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { blobPath } from '../oci/layout.js';
import { startPushSink, type PushSink } from './push-sink.js';

let sink: PushSink | undefined;
let dir: string | undefined;

afterEach(async () => {
  await sink?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  sink = undefined;
  dir = undefined;
});

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A sink whose audit takes each inflated chunk `ms` after the last (a loaded machine). */
async function slowSink(ms: number): Promise<PushSink> {
  dir = await mkdtemp(join(tmpdir(), 'hoist-push-sink-'));
  sink = await startPushSink({
    layoutDir: join(dir, 'layout'),
    present: async () => new Map(),
    onLayer: async (tar) => {
      for await (const _ of tar) await new Promise((r) => setTimeout(r, ms));
    },
  });
  return sink;
}

/** POST, one PATCH per part, PUT ?digest=: the Range of each PATCH, and the PUT's status. */
async function chunkedUpload(s: PushSink, parts: Buffer[], digest: string): Promise<{ ranges: string[]; put: number }> {
  const post = await fetch(`http://${s.host}/v2/${s.repository}/blobs/uploads/`, { method: 'POST' });
  let location = post.headers.get('location')!;
  const ranges: string[] = [];
  for (const part of parts) {
    const patch = await fetch(`http://${s.host}${location}`, { method: 'PATCH', body: part });
    ranges.push(patch.headers.get('range') ?? '');
    location = patch.headers.get('location')!;
  }
  const put = await fetch(`http://${s.host}${location}?digest=${digest}`, { method: 'PUT' });
  return { ranges, put: put.status };
}

describe("a PATCH's Range while the audit holds the upload back", () => {
  it('one PATCH of a 5 MiB layer (what dockerd 20.10 sends): Range 0-(size-1), the blob whole under its digest', async () => {
    const s = await slowSink(20);
    const layer = gzipSync(randomBytes(5 * 1024 * 1024));
    const digest = sha256(layer);
    const got = await chunkedUpload(s, [layer], digest);
    const written = await readFile(blobPath(join(dir!, 'layout'), digest));
    expect({ ...got, size: s.uploaded.get(digest)?.size, written: sha256(written) }).toEqual({
      ranges: [`0-${layer.length - 1}`],
      put: 201,
      size: layer.length,
      written: digest,
    });
  });

  it('three PATCHes (a chunked client): each Range covers every byte sent so far', async () => {
    const s = await slowSink(10);
    const layer = gzipSync(randomBytes(3 * 1024 * 1024));
    const cuts = [0, 1_000_000, 2_000_000, layer.length];
    const parts = cuts.slice(1).map((end, i) => layer.subarray(cuts[i], end));
    const got = await chunkedUpload(s, parts, sha256(layer));
    expect(got).toEqual({ ranges: cuts.slice(1).map((end) => `0-${end - 1}`), put: 201 });
  });
});
