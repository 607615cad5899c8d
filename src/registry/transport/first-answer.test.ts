// A burst of reads at a registry not yet spoken to: how it authenticates is learnt once, from the
// first answer, not once per request (each a 401 on a connection of its own, a connection closed
// after every HEAD). Against the in-memory registry, which records every request.
import { afterEach, describe, expect, it } from 'vitest';
import { Credentials } from '../auth.js';
import { RegistryClient } from '../client.js';
import { MemoryRegistry } from '../../../test/support/memory-registry.js';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

async function burst(scheme: 'basic' | 'bearer' | undefined) {
  const registry = await MemoryRegistry.start(scheme ? { auth: { scheme, username: 'u', password: 'p' } } : {});
  const client = new RegistryClient({
    host: registry.host,
    insecure: true,
    retries: 0,
    userAgent: 't',
    ...(scheme ? { credentials: new Credentials('u', 'p') } : {}),
  });
  open.push(registry, client);
  const tags = ['1.2.3', '1.2', '1', 'latest', `sha256:${'a'.repeat(64)}`];
  const answers = await Promise.all(tags.map((t) => client.headManifest('acme/app', t)));
  const reads = registry.requests.filter((r) => r.path.includes('/manifests/'));
  return { answers, reads, tokens: registry.requests.filter((r) => r.path === '/token').length };
}

describe('the first answer of a registry', () => {
  it.each(['basic', 'bearer'] as const)('%s: one request is challenged, the others wait and go with credentials', async (scheme) => {
    const { answers, reads, tokens } = await burst(scheme);
    expect(answers).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(reads.filter((r) => !r.authorization)).toHaveLength(1); // was 5: every read challenged
    expect(reads).toHaveLength(6);
    expect(tokens).toBe(scheme === 'bearer' ? 1 : 0);
  });

  it('a registry without auth: every read answered, none sent twice', async () => {
    const { reads } = await burst(undefined);
    expect(reads).toHaveLength(5);
    expect(reads.every((r) => !r.authorization)).toBe(true);
  });

  it('a first request that fails lets the others go (they fail as it did, not wait forever)', async () => {
    const client = new RegistryClient({ host: '127.0.0.1:9', insecure: true, retries: 0, userAgent: 't' });
    open.push(client);
    const results = await Promise.allSettled(['a', 'b', 'c'].map((t) => client.headManifest('acme/app', t)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
  });
});
