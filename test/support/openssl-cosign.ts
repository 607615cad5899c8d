/**
 * cosign key signatures made without Hoist's signer, for the tests of what trusts them (promote's
 * require-signature, base-signers, inspect): an EC P-256 key from `openssl ecparam`, the
 * simple-signing payload written here in cosign's exact byte form, the signature from
 * `openssl dgst -sha256 -sign` (ASN.1 DER, as cosign's annotation holds it), and the `.sig` manifest
 * as cosign stores it (specs/SIGNATURE_SPEC.md: an OCI manifest tagged `sha256-<hex>.sig`, its config
 * an empty-rootfs image config naming the payloads, one layer per signature) pushed with Hoist's
 * registry engine. Every way a signature can fail to hold is a variant: another key, another digest,
 * a payload changed after signing.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { parseRepository } from '../../src/core/reference.js';
import type { ImageGraph } from '../../src/oci/graph.js';
import { pushGraph } from '../../src/push/engine.js';
import { Credentials } from '../../src/registry/auth.js';
import { RegistryClient } from '../../src/registry/client.js';
import { memorySource } from './images.js';
import { MemoryRegistry } from './memory-registry.js';

const run = promisify(execFile);
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface OpensslKey {
  /** The private key's path (PEM, SEC1 as `openssl ecparam -genkey` writes it). */
  privatePath: string;
  /** The public key's path (PEM SubjectPublicKeyInfo: what cosign.pub holds). */
  publicPath: string;
  publicPem: string;
  /** `sha256:<hex>` of the public key's DER, computed by openssl (`pkey -pubin -outform DER`). */
  fingerprint: string;
}

/** A fresh P-256 key pair in `dir`, named `name`. */
export async function opensslKey(dir: string, name: string): Promise<OpensslKey> {
  const privatePath = join(dir, `${name}.key`);
  const publicPath = join(dir, `${name}.pub`);
  await run('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', privatePath]);
  await run('openssl', ['ec', '-in', privatePath, '-pubout', '-out', publicPath]);
  const der = join(dir, `${name}.pub.der`);
  await run('openssl', ['pkey', '-pubin', '-in', publicPath, '-outform', 'DER', '-out', der]);
  return { privatePath, publicPath, publicPem: await readFile(publicPath, 'utf8'), fingerprint: sha256(await readFile(der)) };
}

/** The simple-signing payload, byte for byte as cosign writes it (Go's encoding/json of its struct). */
export function simpleSigning(dockerReference: string, digest: string): Buffer {
  return Buffer.from(
    `{"critical":{"identity":{"docker-reference":"${dockerReference}"},"image":{"docker-manifest-digest":"${digest}"},"type":"cosign container image signature"},"optional":null}`,
  );
}

/** `openssl dgst -sha256 -sign`: base64 of the DER ECDSA signature over `payload`'s exact bytes. */
export async function opensslSign(key: OpensslKey, payload: Buffer, dir: string): Promise<string> {
  const file = join(dir, `payload-${sha256(payload).slice(7, 19)}`);
  await writeFile(file, payload);
  await run('openssl', ['dgst', '-sha256', '-sign', key.privatePath, '-out', `${file}.sig`, file]);
  return (await readFile(`${file}.sig`)).toString('base64');
}

/** `openssl dgst -sha256 -verify`: the independent reader's answer. */
export async function opensslVerifies(key: OpensslKey, payload: Buffer, signature: string, dir: string): Promise<boolean> {
  const file = join(dir, `check-${sha256(payload).slice(7, 19)}`);
  await writeFile(file, payload);
  await writeFile(`${file}.sig`, Buffer.from(signature, 'base64'));
  return run('openssl', ['dgst', '-sha256', '-verify', key.publicPath, '-signature', `${file}.sig`, file]).then(
    () => true,
    () => false,
  );
}

export interface SignatureLayer {
  payload: Buffer;
  signature: string;
}

/** The `.sig` manifest cosign writes for these signatures, and its blobs. */
export function signatureManifest(
  layers: readonly SignatureLayer[],
  mediaType = 'application/vnd.dev.cosign.simplesigning.v1+json',
): { graph: ImageGraph; blobs: Map<string, Buffer> } {
  const blobs = new Map<string, Buffer>();
  const descriptors = layers.map((l) => {
    const digest = sha256(l.payload);
    blobs.set(digest, l.payload);
    return {
      mediaType,
      size: l.payload.length,
      digest,
      annotations: { 'dev.cosignproject.cosign/signature': l.signature },
    };
  });
  const configBytes = Buffer.from(
    JSON.stringify({
      architecture: '',
      created: '0001-01-01T00:00:00Z',
      history: [{ created: '0001-01-01T00:00:00Z' }],
      os: '',
      rootfs: { type: 'layers', diff_ids: descriptors.map((d) => d.digest) },
      config: {},
    }),
  );
  blobs.set(sha256(configBytes), configBytes);
  const config = { mediaType: 'application/vnd.oci.image.config.v1+json', size: configBytes.length, digest: sha256(configBytes) };
  const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers: descriptors }));
  return {
    graph: { root: { digest: sha256(bytes), mediaType: 'application/vnd.oci.image.manifest.v1+json', bytes }, children: [], blobs: [config, ...descriptors] },
    blobs,
  };
}

/**
 * Pushes the `.sig` manifest of `subject` (tagged `sha256-<hex>.sig`) to `repository` (`host/path`);
 * its digest. With `kind: 'att'`, an attestation manifest as cosign tags it (`.att`, DSSE layers).
 */
export async function pushSignatures(
  repository: string,
  subject: string,
  layers: readonly SignatureLayer[],
  o: { insecure?: boolean; username?: string; password?: string; kind?: 'sig' | 'att' } = { insecure: true },
): Promise<string> {
  const repo = parseRepository(repository);
  const kind = o.kind ?? 'sig';
  const { graph, blobs } = signatureManifest(layers, kind === 'att' ? 'application/vnd.dsse.envelope.v1+json' : undefined);
  const client = new RegistryClient({
    host: repo.host,
    insecure: o.insecure ?? true,
    retries: 0,
    userAgent: 'hoist-test',
    ...(o.username ? { credentials: new Credentials(o.username, o.password ?? '', { origin: 'test' }) } : {}),
  });
  try {
    const [report] = await pushGraph(graph, memorySource(blobs), [{ repository: repo, tags: [`${subject.replace(':', '-')}.${kind}`] }], {
      clientFor: () => client,
      concurrency: 2,
      perHost: 2,
    });
    if (report?.error) throw report.error;
    return graph.root.digest;
  } finally {
    await client.close();
  }
}

export interface SigningKeys {
  /** A private directory for the keys and the payload files openssl reads, removed after the file's tests. */
  dir: string;
  /** The key whose signatures the tests trust. */
  signer: OpensslKey;
  /** Another key: its signatures must never be taken for the signer's. */
  stranger: OpensslKey;
}

/**
 * The setup the tests of what trusts signatures share: a signer's and a stranger's openssl keys made
 * once per file (filled in before its first test), and the in-process registries a test starts,
 * closed after each test.
 */
export function signingFixture(): { keys: SigningKeys; registry(this: void, options?: Parameters<typeof MemoryRegistry.start>[0]): Promise<MemoryRegistry> } {
  const keys = {} as SigningKeys;
  const open: MemoryRegistry[] = [];
  beforeAll(async () => {
    keys.dir = await mkdtemp(join(tmpdir(), 'hoist-keys-'));
    keys.signer = await opensslKey(keys.dir, 'signer');
    keys.stranger = await opensslKey(keys.dir, 'stranger');
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((r) => r.close()));
  });
  afterAll(async () => {
    if (keys.dir) await rm(keys.dir, { recursive: true, force: true });
  });
  return {
    keys,
    async registry(options?: Parameters<typeof MemoryRegistry.start>[0]) {
      const registry = await MemoryRegistry.start(options);
      open.push(registry);
      return registry;
    },
  };
}
