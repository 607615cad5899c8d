// Property: a config or annotation string that holds an encoded stream — base64 of a tar.zst (GNU tar,
// zstd), base64 of gzip, hex of zlib — is opened as a file's content is, so the value inside is found,
// named by the field; the clean twin passes. Before, the automaton alone read them: a value in one
// encoding was found, a stream inside one was not.
// Nearest real-world variants: `ENV SEED_DATA=<base64 of a tar.zst>` handed to the container, a label
// or annotation carrying a gzip'd, base64'd manifest or values file (Helm-style).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { layoutGraph } from '../oci/graph.js';
import { initLayout, MediaType, readLayoutRoot, writeBlobBytes, writeIndex } from '../oci/layout.js';
import { auditLayout } from './audit.js';
import { has, tool } from './decoders/testing.js';
import { seededPerTest } from '../../test/support/random.js';

/** Generated inputs, from this seed before each test (HOIST_TEST_SEED replaces it); the tests that draw name it. */
const rand = seededPerTest(1);

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const value = () => Array.from({ length: 30 }, () => ALNUM[rand.int(ALNUM.length)]).join('');

/** The findings of an image whose config holds `config` and whose manifest holds `annotations`. */
async function auditConfig(secret: string, config: Record<string, unknown>, annotations: Record<string, string> = {}): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-config-routes-'));
  try {
    await initLayout(dir);
    const layer = await writeBlobBytes(dir, gzipSync(Buffer.alloc(1024)));
    const cfg = await writeBlobBytes(
      dir,
      Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config, rootfs: { type: 'layers', diff_ids: [] } })),
    );
    const manifest = await writeBlobBytes(
      dir,
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MediaType.ociManifest,
          config: { mediaType: MediaType.ociConfig, ...cfg },
          layers: [{ mediaType: MediaType.ociLayerGzip, ...layer }],
          annotations,
        }),
      ),
    );
    await writeIndex(dir, [{ mediaType: MediaType.ociManifest, ...manifest }]);
    const r = await auditLayout(dir, await layoutGraph(dir, await readLayoutRoot(dir)), {
      secrets: [{ name: 'token', value: secret }],
      handedKeys: new Map(),
      redact: (t) => t,
    });
    return r.findings.map((f) => `${f.severity}: ${f.where.replace(/sha256:[0-9a-f]{64}/, 'D')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const stacks: Array<[string, (v: string) => string]> = [
  [
    'base64 of a tar.zst',
    (v) => tool('sh', ['-c', 'tar --sort=name --mtime=@0 -cf - seed | zstd -q -c | base64 -w0'], { 'seed/app.env': `API_TOKEN=${v}\n` }).toString(),
  ],
  ['base64 of gzip', (v) => gzipSync(`password: ${v}\n`).toString('base64')],
  ['hex of zlib', (v) => deflateSync(`{"password":"${v}"}`).toString('hex')],
];

describe.skipIf(!has('zstd'))('config and annotation strings routed as content', () => {
  it.each(stacks)(
    `%s in a random field (Env, a label, an annotation): found, the field named; the clean twin passes (seed ${rand.seed})`,
    async (_, encode) => {
      for (let round = 0; round < 3; round++) {
        const v = value();
        const field = round % 3;
        const put = (s: string): [Record<string, unknown>, Record<string, string>] =>
          field === 0
            ? [{ Env: ['PATH=/bin', `SEED=${s}`] }, {}]
            : field === 1
              ? [{ Labels: { 'org.example.values': s } }, {}]
              : [{}, { 'org.example.values': s }];
        const where = [/config\.Env\[1\], value!/, /config\.Labels\["org\.example\.values"\], value!/, /annotations\["org\.example\.values"\], value!/][field]!;
        const found = await auditConfig(v, ...put(encode(v)));
        expect(found).toEqual([expect.stringMatching(where)]);
        expect(await auditConfig(v, ...put(encode(value())))).toEqual([]);
      }
    },
  );
});
