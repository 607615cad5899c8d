// hoist inspect judging keyless signatures with hoist verify's flags and verifier: an image signed
// through Hoist's own keyless path against STAND-INS of Fulcio and Rekor (@sigstore/mock's handlers
// on loopback, test/support/sigstore-standins.ts, with a self-made trusted_root.json), pushed to the
// in-memory registry through Hoist's real client, then inspected.
//
// Property: for each `.sig` inspect lists, it says whether a keyless signature verifies for the
// identity and issuer given and who signed it (the certificate's subject and issuer) — verified for
// the signer only; another identity, another issuer, a tampered payload each refused with the reason
// that tells it; flags that cannot work (a regexp that does not compile, no issuer, no root) are a
// usage error naming the flag, exit 2, before any request.
// Nearest real-world variant: an operator checking which CI job signed what a production tag names:
// `hoist inspect app:1.4.2 --certificate-identity-regexp '^https://github.com/acme/' …`.
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryRegistry } from '../../../test/support/memory-registry.js';
import { releaseImage } from '../../../test/support/releases.js';
import { jwt, startStandins, type Standins } from '../../../test/support/sigstore-standins.js';
import { parseReference, parseRepository } from '../../core/reference.js';
import type { Inspected } from '../../maintain/inspect.js';
import { pushGraph } from '../../push/engine.js';
import { RegistryClient } from '../../registry/client.js';
import { signatureManifest } from '../../sign/attach.js';
import { attachKeylessSignature } from '../../sign/keyless.js';
import { signatureTag } from '../../sign/payload.js';
import { parseCommandLine } from '../args.js';
import { exitCodeFor } from '../exit.js';
import { runInspect, type InspectCommand } from './inspect.js';

const SUB = 'project_path:team/app:ref_type:branch:ref:main';
const ISSUER = 'https://gitlab.example.test';
const TOKEN = jwt({ iss: ISSUER, sub: SUB, aud: 'sigstore' });

let s: Standins;
let reg: MemoryRegistry;
let client: RegistryClient;
let dir: string;
let root: string;
beforeAll(async () => {
  s = await startStandins();
  reg = await MemoryRegistry.start();
  client = new RegistryClient({ host: reg.host, insecure: true, retries: 0, userAgent: 't' });
  dir = await mkdtemp(join(tmpdir(), 'hoist-inspect-keyless-'));
  root = await s.writeRoot(join(dir, 'trusted_root.json'));
});
afterAll(async () => {
  s.close();
  await client.close();
  await reg.close();
  await rm(dir, { recursive: true, force: true });
});

/** An image pushed as `team/<name>:1.0.0` and signed keyless through the stand-ins. */
async function signedImage(name: string): Promise<string> {
  const image = releaseImage('1.0.0', name);
  await pushGraph(image.graph, image.source, [{ repository: parseRepository(`${reg.host}/team/${name}`), tags: ['1.0.0'] }], {
    clientFor: () => client,
    concurrency: 2,
    perHost: 2,
  });
  const digest = image.graph.root.digest;
  await attachKeylessSignature(client, `team/${name}`, `${reg.host}/team/${name}`, digest, { fulcioUrl: s.fulcio.url, rekorUrl: s.rekor.url, token: TOKEN });
  return digest;
}

async function inspected(name: string, keyless: Partial<NonNullable<InspectCommand['keyless']>>): Promise<Inspected> {
  const printed: string[] = [];
  const ref = parseReference(`${reg.host}/team/${name}:1.0.0`);
  const code = await runInspect(client, { verb: 'inspect', ref, keyless: { trustedRoot: root, ...keyless } }, true, {
    print: (t) => void printed.push(t),
    raw: () => undefined,
  });
  expect(code).toBe(0);
  return JSON.parse(printed.join('')) as Inspected;
}

describe('hoist inspect with the keyless flags (stand-in Fulcio and Rekor)', () => {
  it('says the signature verifies for its signer and names the certificate subject and issuer; the page shows it', async () => {
    const digest = await signedImage('good');
    const i = await inspected('good', { identity: SUB, issuer: ISSUER });
    expect(i.signatures).toEqual([
      expect.objectContaining({ subject: digest, kind: 'sig', tag: signatureTag(digest), verified: `keyless ${SUB} (issuer ${ISSUER})` }),
    ]);
    expect(i.signatures[0]!.notVerified).toBeUndefined();
    const byRegexp = await inspected('good', { identityRegexp: '^project_path:team/app:', issuerRegexp: '^https://gitlab\\.' });
    expect(byRegexp.signatures[0]!.verified).toBe(`keyless ${SUB} (issuer ${ISSUER})`);
    const printed: string[] = [];
    const ref = parseReference(`${reg.host}/team/good:1.0.0`);
    await runInspect(client, { verb: 'inspect', ref, keyless: { trustedRoot: root, identity: SUB, issuer: ISSUER } }, false, {
      print: (t) => void printed.push(t),
      raw: () => undefined,
    });
    expect(printed.join('')).toContain(`${signatureTag(digest)}  1 signature (image)\n              verified: keyless ${SUB} (issuer ${ISSUER})`);
  }, 60_000);

  it('refuses another identity and another issuer, naming who did sign', async () => {
    await signedImage('other');
    const wrongId = await inspected('other', { identity: 'project_path:team/other:ref_type:branch:ref:main', issuer: ISSUER });
    expect(wrongId.signatures[0]!.verified).toBeUndefined();
    expect(wrongId.signatures[0]!.notVerified).toBe(
      `wrong identity: the certificate is for '${SUB}', not 'project_path:team/other:ref_type:branch:ref:main' (issuer '${ISSUER}')`,
    );
    const wrongIssuer = await inspected('other', { identity: SUB, issuer: 'https://token.actions.githubusercontent.com' });
    expect(wrongIssuer.signatures[0]!.notVerified).toBe(
      `wrong issuer: '${SUB}' was vouched for by '${ISSUER}', not 'https://token.actions.githubusercontent.com'`,
    );
  }, 60_000);

  it('refuses a tampered payload: another payload under the same signature and certificate', async () => {
    const digest = await signedImage('tampered');
    // An attacker with push access swaps the payload (its docker-reference changed), keeping the signature annotations.
    const m = (await client.getManifest('team/tampered', signatureTag(digest)))!;
    const doc = JSON.parse(m.bytes.toString()) as { layers: Array<{ mediaType: string; digest: string; size: number; annotations: Record<string, string> }> };
    const layer = doc.layers[0]!;
    const payload = JSON.parse(reg.blobs.get(layer.digest)!.toString()) as { critical: { identity: Record<string, string> } };
    payload.critical.identity['docker-reference'] = 'evil.example/team/app';
    const forged = Buffer.from(JSON.stringify(payload));
    reg.seedBlob('team/tampered', forged);
    const { bytes, config } = signatureManifest([{ ...layer, digest: `sha256:${createHash('sha256').update(forged).digest('hex')}`, size: forged.length }]);
    reg.seedBlob('team/tampered', config);
    await client.putManifest('team/tampered', signatureTag(digest), bytes, 'application/vnd.oci.image.manifest.v1+json');
    const i = await inspected('tampered', { identity: SUB, issuer: ISSUER });
    expect(i.signatures[0]!.verified).toBeUndefined();
    expect(i.signatures[0]!.notVerified).toMatch(/^the Rekor entry is for another signature or payload/);
  }, 60_000);
});

describe('hoist inspect: keyless flags that cannot work are a usage error naming the flag (exit 2)', () => {
  const line =
    (...flags: string[]) =>
    () =>
      parseCommandLine(['inspect', 'registry.acme/team/app:1.0.0', ...flags]);
  const caught = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return { code: exitCodeFor(e), message: (e as Error).message };
    }
    return undefined;
  };
  it.each([
    [
      ['--certificate-identity-regexp', '(', '--certificate-oidc-issuer', ISSUER, '--trusted-root', 'r.json'],
      /^inspect: --certificate-identity-regexp '\(' is not a regular expression/,
    ],
    [['--certificate-identity', SUB, '--trusted-root', 'r.json'], /^inspect: --certificate-oidc-issuer \(or --certificate-oidc-issuer-regexp\) is missing/],
    [['--certificate-identity', SUB, '--certificate-oidc-issuer', ISSUER], /^inspect: --trusted-root is missing/],
    [['--certificate-identity', SUB, '--certificate-oidc-issuer', ISSUER, '--trusted-root', 'r.json', '--raw', 'manifest'], /leave out --raw/],
  ])('%j', (flags, message) => {
    expect(caught(line(...flags))).toEqual({ code: 2, message: expect.stringMatching(message) });
  });

  it('a clean twin: the complete flags parse into the command', () => {
    const parsed = line('--certificate-identity', SUB, '--certificate-oidc-issuer', ISSUER, '--trusted-root', 'r.json')();
    expect(parsed).toMatchObject({ task: { keyless: { identity: SUB, issuer: ISSUER, trustedRoot: 'r.json' } } });
  });

  it('a trusted root that is not one: --trusted-root input error (exit 2), before any request', async () => {
    const ref = parseReference(`${reg.host}/team/none:1.0.0`);
    const before = reg.requests.length;
    const err = await runInspect(client, { verb: 'inspect', ref, keyless: { identity: SUB, issuer: ISSUER, trustedRoot: join(dir, 'missing.json') } }, true, {
      print: () => undefined,
      raw: () => undefined,
    }).catch((e: unknown) => e);
    expect([exitCodeFor(err), (err as Error).message]).toEqual([2, expect.stringMatching(/--trusted-root.*cannot read/)]);
    expect(reg.requests.length).toBe(before);
  });
});
