import { describe, expect, it } from 'vitest';
import { compile, encodings } from './audit.js';
import { EscapeScan } from './escapes.js';

const findIn = (value: string, haystack: string) => {
  const { automaton, families, span } = compile([{ name: 'secret', value }]);
  const found: string[] = [];
  new EscapeScan(automaton, families, span, (m) => m.tag.kind === 'secret' && found.push([m.tag.encoding, m.escapes].filter(Boolean).join(', '))).write(
    Buffer.from(haystack),
  );
  return [...new Set(found)];
};

describe('encodings', () => {
  it('lists each form once, with its name', () => {
    const forms = Object.fromEntries(encodings('p@ss w0rd/"x"').map(([form, name]) => [name + ':' + form, true]));
    expect(Object.keys(forms)).toEqual(expect.arrayContaining(['plain:p@ss w0rd/"x"', 'hex:7040737320773072642f227822']));
  });

  it.each([0, 1, 2])('finds a secret base64-encoded inside a longer text, at byte offset %i mod 3', (k) => {
    const value = 'npm_0123456789abcdef';
    const encoded = Buffer.from(`${'u'.repeat(k)}user:${value}:more`).toString('base64');
    expect(findIn(value, `auth=${encoded}\n`)).toEqual(['base64']);
  });

  it('finds base64url and hex forms, and URL- and JSON-escaped text read through (escapes.ts)', () => {
    const value = 'tok/en+with?odd=chars"';
    expect(findIn(value, Buffer.from(value).toString('base64url'))).toContain('base64url');
    expect(findIn(value, Buffer.from(value).toString('hex').toUpperCase())).toEqual(['hex']);
    expect(findIn(value, `q=${encodeURIComponent(value)}`)).toEqual(['plain, URL-encoded']);
    expect(findIn(value, JSON.stringify({ v: value }))).toEqual(['plain, backslash-escaped']);
  });

  it('leaves out values too short to look for, saying so', () => {
    expect(compile([{ name: "secret 'pin'", value: '1234' }]).skipped).toEqual([
      "secret 'pin' is shorter than 8 characters: not looked for (it would match by chance)",
    ]);
  });
});

describe('attestations', () => {
  it('finds a secret in a provenance attestation, raw and in a DSSE envelope (base64 payload), naming the attestation layer', async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { initLayout, writeBlobBytes, MediaType } = await import('../oci/layout.js');
    const { auditLayout } = await import('./audit.js');
    const SECRET = 'ghp_provenance0123456789abcdefXYZ';
    // BuildKit's provenance in mode=max records the build arguments: a secret passed as one is in it.
    const statement = {
      _type: 'https://in-toto.io/Statement/v0.1',
      predicateType: 'https://slsa.dev/provenance/v0.2',
      subject: [{ name: 'pkg:docker/acme/app', digest: { sha256: '0'.repeat(64) } }],
      predicate: { invocation: { parameters: { args: { 'build-arg:NPM_TOKEN': SECRET } } } },
    };
    const dir = await mkdtemp(join(tmpdir(), 'hoist-unit-'));
    await initLayout(dir);
    const cases = [
      Buffer.from(JSON.stringify(statement)),
      Buffer.from(
        JSON.stringify({ payloadType: 'application/vnd.in-toto+json', payload: Buffer.from(JSON.stringify(statement)).toString('base64'), signatures: [] }),
      ),
    ];
    for (const layerBytes of cases) {
      const layer = await writeBlobBytes(dir, layerBytes);
      const config = await writeBlobBytes(dir, Buffer.from('{}'));
      const bytes = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MediaType.ociManifest,
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
          layers: [{ mediaType: 'application/vnd.in-toto+json', ...layer, annotations: { 'in-toto.io/predicate-type': statement.predicateType } }],
        }),
      );
      const node = { digest: (await writeBlobBytes(dir, bytes)).digest, mediaType: MediaType.ociManifest, bytes };
      const graph = { root: node, children: [], blobs: [] };
      const result = await auditLayout(dir, graph, { secrets: [{ name: "build-arg 'NPM_TOKEN'", value: SECRET }], handedKeys: new Map(), redact: (t) => t });
      expect(result.findings.filter((f) => f.severity === 'leak').map((f) => f.where)).toEqual([expect.stringContaining(`layer ${layer.digest}`)]);
    }
  });
});
