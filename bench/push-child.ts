/**
 * One measured push, in a process of its own (`bench/push.ts` bundles and starts it): the lab's
 * clients, the layout read, `pushGraph`, one JSON line. It imports only what a push needs, so the
 * process's wall time and RSS are Hoist's — in one bundle with the bench, every push paid for the
 * bench's own modules (the fault proxy, the memory registry, tar-stream: node:http's ESM facade
 * alone loads Node's internal undici, ~45 ms).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRepository } from '../src/core/reference.js';
import { readLayoutImage } from '../src/oci/layout.js';
import { Credentials } from '../src/registry/auth.js';
import { RegistryClient, type ClientOptions } from '../src/registry/client.js';
import { pushGraph } from '../src/push/engine.js';
import { imageGraph, layoutSource } from '../src/oci/graph.js';

export interface ChildSpec {
  layout: string;
  targets: Array<{ ref: string; tags: string[] }>;
  /** Uploads at once per registry (default 4, what `concurrency: 8` gives). */
  perHost?: number;
}

export interface ChildResult {
  /** Seconds inside pushGraph (the rest of the process's wall time is Node starting and reading the layout). */
  pushSeconds: number;
  bytesSent: number;
  blobsUploaded: number;
  /** Uploads continued from the registry's offset after an interruption, and started over from byte 0. */
  resumed: number;
  restarted: number;
  errors: string[];
}

interface LabRegistry {
  host: string;
  ca?: string;
  username?: string;
  passwordFile?: string;
}

async function child(spec: ChildSpec): Promise<void> {
  const labDir = process.env.HOIST_LAB_DIR ?? '/var/tmp/hoist-lab';
  const registries = (JSON.parse(readFileSync(join(labDir, 'lab.json'), 'utf8')) as { registries: Record<string, LabRegistry> }).registries;
  const known = new Map(Object.entries(registries).map(([kind, r]) => [r.host, { ...r, kind }]));
  const clients = new Map<string, RegistryClient>();
  const clientFor = (host: string) => {
    let c = clients.get(host);
    if (c) return c;
    const r = known.get(host);
    const o: ClientOptions = { host, insecure: true, retries: 8, userAgent: 'hoist-bench' };
    if (r?.kind === 'tls') Object.assign(o, { insecure: false, ca: readFileSync(r.ca!, 'utf8') });
    if (r?.username && r.passwordFile) o.credentials = new Credentials(r.username, readFileSync(r.passwordFile, 'utf8').trim());
    clients.set(host, (c = new RegistryClient(o)));
    return c;
  };
  const image = await readLayoutImage(spec.layout);
  const started = performance.now();
  const reports = await pushGraph(
    imageGraph(image),
    layoutSource(spec.layout),
    spec.targets.map((t) => ({ repository: parseRepository(t.ref), tags: t.tags })),
    { clientFor, concurrency: 8, perHost: spec.perHost ?? 4 },
  );
  const pushSeconds = (performance.now() - started) / 1000;
  await Promise.all([...clients.values()].map((c) => c.close()));
  const result: ChildResult = {
    pushSeconds,
    bytesSent: reports.reduce((n, r) => n + r.bytesSent, 0),
    blobsUploaded: reports.reduce((n, r) => n + r.blobsUploaded, 0),
    resumed: reports.reduce((n, r) => n + r.resumed, 0),
    restarted: reports.reduce((n, r) => n + r.restarted, 0),
    errors: reports.flatMap((r) => (r.error ? [r.error.message] : [])),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await child(JSON.parse(process.argv[2] ?? '{}') as ChildSpec);
