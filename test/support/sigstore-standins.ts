// STAND-INS of Sigstore's Fulcio and Rekor for tests (no internet here): the Sigstore project's own
// mock handlers (@sigstore/mock's fulcioHandler / rekorHandler: a CA with a CT log, a transparency
// log), each served by a plain http server on 127.0.0.1 — no nock, no interception: the code under
// test talks to a real socket. Their keys are made here, and so is the root of trust that names
// them (a TrustedRoot as a private Sigstore deployment's trusted_root.json would).
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fulcioHandler, initializeCA, initializeCTLog } from '@sigstore/mock/dist/fulcio/index.js';
import { initializeTLog, rekorHandler } from '@sigstore/mock/dist/rekor/index.js';
import { TrustedRoot } from '@sigstore/protobuf-specs';

type Handler = { path: string; fn: (body: string) => Promise<{ statusCode: number; response: string | ArrayBufferView; contentType?: string }> };

export interface StandIn {
  url: string;
  /** `METHOD path` of every request received. */
  requests: string[];
  server: Server;
}

/** Serves mock handlers (POST by path) on 127.0.0.1; more may be pushed into `handlers` later. */
export async function serveHandlers(handlers: Handler[]): Promise<StandIn> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push(`${req.method} ${req.url}`);
      const h = handlers.find((x) => x.path === req.url && req.method === 'POST');
      if (!h) return void res.writeHead(404).end('no such stand-in route');
      void h.fn(Buffer.concat(chunks).toString('utf8')).then((r) => {
        res.writeHead(r.statusCode, { 'content-type': r.contentType ?? 'text/plain' });
        res.end(typeof r.response === 'string' ? r.response : Buffer.from(r.response.buffer, r.response.byteOffset, r.response.byteLength));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

export interface Standins {
  fulcio: StandIn;
  rekor: StandIn;
  /** The root of trust naming the stand-ins' CA, CT log and transparency log. */
  root: TrustedRoot;
  /** The same root as a Sigstore trusted_root.json holds it (`cosign verify --trusted-root`), as a JSON object. */
  rootJSON(): Record<string, unknown>;
  /** Writes that trusted_root.json to `path` (for `hoist verify --trusted-root`). */
  writeRoot(path: string, root?: Record<string, unknown>): Promise<string>;
  /** The CA's root certificate, PEM. */
  caPem: string;
  /** The transparency log's public key (it signs each entry's SET). */
  rekorKey: KeyObject;
  close(): void;
}

export async function startStandins(): Promise<Standins> {
  const keys = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const caKeys = keys();
  const ca = await initializeCA(caKeys, await initializeCTLog(caKeys));
  const fulcio = await serveHandlers([fulcioHandler(ca)]);
  const tlogKeys = keys();
  const rekorRoutes: Handler[] = [];
  const rekor = await serveHandlers(rekorRoutes);
  // The log's entries name its URL, known once its server listens.
  rekorRoutes.push(rekorHandler(await initializeTLog(rekor.url, tlogKeys)));
  const start = '2000-01-01T00:00:00Z';
  const spki = (k: { publicKey: KeyObject }) => k.publicKey.export({ type: 'spki', format: 'der' });
  const keyId = (der: Buffer) => createHash('sha256').update(der).digest('base64');
  const pub = (der: Buffer) => ({ rawBytes: der.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } });
  const caDer = Buffer.from(ca.rootCertificate.buffer, ca.rootCertificate.byteOffset, ca.rootCertificate.byteLength);
  const root = TrustedRoot.fromJSON({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [{ baseUrl: rekor.url, hashAlgorithm: 'SHA2_256', publicKey: pub(spki(tlogKeys)), logId: { keyId: keyId(spki(tlogKeys)) } }],
    certificateAuthorities: [
      {
        subject: { organization: 'stand-in', commonName: 'stand-in fulcio' },
        uri: fulcio.url,
        certChain: { certificates: [{ rawBytes: caDer.toString('base64') }] },
        validFor: { start },
      },
    ],
    ctlogs: [{ baseUrl: 'stand-in-ct', hashAlgorithm: 'SHA2_256', publicKey: pub(spki(caKeys)), logId: { keyId: keyId(spki(caKeys)) } }],
    timestampAuthorities: [],
  });
  const caPem = `-----BEGIN CERTIFICATE-----\n${caDer
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END CERTIFICATE-----\n`;
  return {
    fulcio,
    rekor,
    root,
    caPem,
    rekorKey: tlogKeys.publicKey,
    rootJSON: () => TrustedRoot.toJSON(root) as Record<string, unknown>,
    async writeRoot(path, json = TrustedRoot.toJSON(root) as Record<string, unknown>) {
      await writeFile(path, `${JSON.stringify(json, null, 2)}\n`);
      return path;
    },
    close() {
      fulcio.server.close();
      rekor.server.close();
    },
  };
}

const b64u = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
/** An OIDC token's shape (unsigned: the stand-in Fulcio reads its claims only, a real one checks the issuer's signature). */
export const jwt = (claims: object): string =>
  `${b64u({ alg: 'RS256', typ: 'JWT' })}.${b64u(claims)}.${Buffer.from('stand-in-signature').toString('base64url')}`;
