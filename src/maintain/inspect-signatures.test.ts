// hoist inspect's signatures: cosign's tagged artefacts of an image listed per manifest, and with
// --key each .sig judged; the registry an in-process one, the signatures made by openssl.
//
// Property: inspect lists every tagged signature, attestation and SBOM of the image and says, for
// each .sig, whether a given key verifies it — and why not. Nearest real-world variant: an operator
// checking which key signed the image a production tag names before an incident review.
import { describe, expect, it } from 'vitest';
import { parseReference, parseRepository } from '../core/reference.js';
import { pushGraph } from '../push/engine.js';
import { RegistryClient } from '../registry/client.js';
import { runInspect } from '../cli/verbs/inspect.js';
import { releaseImage } from '../../test/support/releases.js';
import { opensslSign, pushSignatures, simpleSigning, signingFixture } from '../../test/support/openssl-cosign.js';
import type { Inspected } from './inspect.js';

const { keys, registry } = signingFixture();

describe('hoist inspect: signatures', () => {
  it('lists the .sig with its count; --key says which key verifies it, or why none does', async () => {
    const reg = await registry();
    const image = releaseImage('1.0.0', 'r1');
    const client = new RegistryClient({ host: reg.host, insecure: true, retries: 0, userAgent: 'test' });
    await pushGraph(image.graph, image.source, [{ repository: parseRepository(`${reg.host}/team/app`), tags: ['1.0.0'] }], {
      clientFor: () => client,
      concurrency: 2,
      perHost: 2,
    });
    const digest = image.graph.root.digest;
    const payload = simpleSigning(`${reg.host}/team/app`, digest);
    await pushSignatures(`${reg.host}/team/app`, digest, [{ payload, signature: await opensslSign(keys.signer, payload, keys.dir) }]);
    const ref = parseReference(`${reg.host}/team/app:1.0.0`);
    const printed: string[] = [];
    const out = { print: (t: string) => void printed.push(t), raw: () => undefined };

    await runInspect(client, { verb: 'inspect', ref }, true, out);
    const plain = JSON.parse(printed.pop()!) as Inspected;
    expect(plain.signatures).toEqual([
      { subject: digest, of: 'image', kind: 'sig', tag: `${digest.replace(':', '-')}.sig`, digest: expect.stringMatching(/^sha256:/), layers: 1 },
    ]);

    await runInspect(client, { verb: 'inspect', ref, keys: [keys.signer.publicPath] }, false, out);
    expect(printed.pop()).toContain(
      `signatures  ${digest.replace(':', '-')}.sig  1 signature (image)\n              verified: key ${keys.signer.fingerprint} (${keys.signer.publicPath})`,
    );

    await runInspect(client, { verb: 'inspect', ref, keys: [keys.stranger.publicPath] }, true, out);
    const judged = JSON.parse(printed.pop()!) as Inspected;
    expect(judged.signatures[0]!.notVerified).toMatch(/^signed by another key or tampered: the signature does not verify with the key given/);
    await client.close();
  });
});
