// The merge pipeline through its Effects seam: per-platform images pushed by digest to one
// in-process registry, joined into one index at others by the real registry client; the platform a
// recording fake. Each test asserts what the registries hold as well as what the step set and said.
// Nearest real-world variant: a release workflow whose matrix builds linux/amd64 and linux/arm64 on
// native runners with push-by-digest, then one merge job tags the joined index in GHCR and Docker Hub.
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { testImage, type TestImage } from '../../test/support/images.js';
import { MemoryRegistry } from '../../test/support/memory-registry.js';
import { opensslVerifies, signingFixture } from '../../test/support/openssl-cosign.js';
import { harness } from '../../test/support/pipeline.js';
import { pushGraph } from '../push/engine.js';
import { RegistryClient } from '../registry/client.js';
import { merge } from './merge.js';

const { keys } = signingFixture();
const registries: MemoryRegistry[] = [];
afterEach(async () => {
  await Promise.all(registries.splice(0).map((r) => r.close()));
});
const start = async (o: Parameters<typeof MemoryRegistry.start>[0] = {}) => {
  const r = await MemoryRegistry.start(o);
  registries.push(r);
  return r;
};
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as Error,
  );

/** `image` pushed to `reg`'s `repo` under `tag`; its digest. */
async function put(reg: MemoryRegistry, repo: string, image: TestImage, tag: string): Promise<string> {
  const client = new RegistryClient({ host: reg.host, insecure: true, retries: 0, userAgent: 'test' });
  await pushGraph(image.graph, image.source, [{ repository: { registry: reg.host, host: reg.host, path: repo }, tags: [tag] }], {
    clientFor: () => client,
    concurrency: 2,
    perHost: 2,
  });
  await client.close();
  return image.graph.root.digest;
}

/** Two platforms' images in `src` (acme/app-build), by digest. */
async function platformsIn(src: MemoryRegistry) {
  const amd = await put(src, 'acme/app-build', testImage([30_000], undefined, 'amd64'), 'amd64');
  const arm = await put(src, 'acme/app-build', testImage([30_000], undefined, 'arm64'), 'arm64');
  return { amd, arm, sources: [`${src.host}/acme/app-build@${amd}`, `${src.host}/acme/app-build@${arm}`] };
}

const tagsOf = (r: MemoryRegistry, repo: string) => [...(r.repos.get(repo)?.tags.keys() ?? [])].sort();
const writes = (r: MemoryRegistry) => r.requests.filter((q) => q.method === 'PUT' || q.method === 'POST' || q.method === 'PATCH');
/** The summary with what differs between runs (hosts, digests, seconds) named. */
const normal = (text: string, names: Record<string, string>) =>
  Object.entries(names)
    .reduce((t, [value, name]) => t.split(value).join(name), text)
    .replace(/\d+\.\d s\b/g, 'T s');

describe('merge pipeline', () => {
  // Property: the index holds each source's platform, every target gets it with the version's tags;
  // a floating tag a higher release holds stays, and says so; each output is set once.
  it('joins the platforms into one index at every target, tags moved forward only; outputs and summary as pinned', async () => {
    const [src, a, b] = [await start(), await start(), await start()];
    const { amd, arm, sources } = await platformsIn(src);
    await put(b, 'acme/app', testImage([1_000]), '2.0.0'); // a higher release is already there
    const h = await harness({
      sources: sources.join('\n'),
      images: `${a.host}/acme/app\n${b.host}/acme/app`,
      version: '1.4.0',
      'insecure-registries': [src.host, a.host, b.host].join(','),
      retries: '0',
    });
    await merge(h.fx);
    const digest = h.platform.outputs.get('digest')!;
    expect(a.repos.get('acme/app')?.tags.get('1.4.0')).toBe(digest);
    expect(tagsOf(a, 'acme/app')).toEqual(['1', '1.4', '1.4.0', 'latest', 'main', 'sha-0123456']);
    expect(tagsOf(b, 'acme/app')).toEqual(['1', '1.4', '1.4.0', '2.0.0', 'main', 'sha-0123456']);
    const index = JSON.parse(a.repos.get('acme/app')!.manifests.get(digest)!.bytes.toString('utf8')) as { manifests: Array<{ digest: string }> };
    expect(index.manifests.map((m) => m.digest)).toEqual([amd, arm]);
    expect([...h.platform.outputCounts.values()].every((n) => n === 1)).toBe(true);
    expect(Object.fromEntries(h.platform.outputs)).toEqual({
      digest,
      platforms: 'linux/amd64,linux/arm64',
      version: '1.4.0',
      tags: [
        ...['1.4.0', '1.4', '1', 'latest', 'sha-0123456', 'main'].map((t) => `${a.host}/acme/app:${t}`),
        ...['1.4.0', '1.4', '1', 'sha-0123456', 'main'].map((t) => `${b.host}/acme/app:${t}`),
      ].join('\n'),
    });
    expect(h.platform.summaries).toHaveLength(1);
    expect(normal(h.platform.summaries[0]!, { [src.host]: 'SRC', [a.host]: 'A', [b.host]: 'B', [digest]: 'INDEX', [amd]: 'AMD', [arm]: 'ARM' })).toBe(
      [
        '### Hoist merge: linux/amd64, linux/arm64 → `A/acme/app`, `B/acme/app`',
        '',
        'Index `INDEX` of `SRC/acme/app-build@AMD`, `SRC/acme/app-build@ARM`; 0.1 MiB sent.',
        '',
        '- A/acme/app@INDEX: 4 uploaded (0.1 MiB; 0.1 MiB sent), 0 mounted, 0 already there, 6 tags, T s',
        '- B/acme/app@INDEX: 4 uploaded (0.1 MiB; 0.1 MiB sent), 0 mounted, 0 already there, 5 tags, T s',
        '- B/acme/app: `latest` not moved — 2.0.0 is there, higher than 1.4.0: latest stays on it',
        '',
      ].join('\n'),
    );
  });

  // Property: the files of sources-dir are sources as the input's lines are (the platforms' jobs'
  // artifacts); a file naming no digest or tag is refused naming the file, and nothing is written.
  it('reads sources-dir by file; a bad line is an input error naming its file, nothing pushed', async () => {
    const [src, dst] = [await start(), await start()];
    const { sources } = await platformsIn(src);
    const inputs = { images: `${dst.host}/acme/app`, version: '1.0.0', 'insecure-registries': `${src.host},${dst.host}`, retries: '0' };
    const h = await harness({ ...inputs, 'sources-dir': 'digests' });
    await mkdir(join(h.workspace, 'digests'));
    await writeFile(join(h.workspace, 'digests', 'amd64'), `${sources[0]}\n`);
    await writeFile(join(h.workspace, 'digests', 'arm64'), `${sources[1]}\n`);
    await merge(h.fx);
    expect(h.platform.outputs.get('platforms')).toBe('linux/amd64,linux/arm64');

    const bad = await harness({ ...inputs, 'sources-dir': 'digests' });
    await mkdir(join(bad.workspace, 'digests'));
    await writeFile(join(bad.workspace, 'digests', 'amd64'), `${src.host}/acme/app-build\n`);
    await writeFile(join(bad.workspace, 'digests', 'arm64'), `${sources[1]}\n`);
    const before = writes(dst).length;
    const e = await failure(merge(bad.fx));
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).issues).toEqual([
      {
        input: 'sources-dir',
        message: `amd64: '${src.host}/acme/app-build' names neither a digest nor a tag: give repo@sha256:… (push-by-digest's digest output)`,
      },
    ]);
    expect([writes(dst).length, bad.platform.outputs.size, bad.platform.summaries]).toEqual([before, 0, []]);
  });

  // Property: one target failing fails the run, the others keep the index; the outputs and the
  // summary still say what happened, the registry's error escaped as Markdown.
  it('one failing target: the run fails, the other target has the index; the summary names the failure', async () => {
    const src = await start();
    const ok = await start();
    const broken = await start({ fault: (q) => (q.method === 'PUT' && q.path.includes('/manifests/') ? { status: 503, body: '*busy* <b>' } : undefined) });
    const { sources } = await platformsIn(src);
    const h = await harness({
      sources: sources.join('\n'),
      images: `${ok.host}/acme/app\n${broken.host}/acme/app`,
      version: '1.0.0',
      'insecure-registries': [src.host, ok.host, broken.host].join(','),
      retries: '0',
    });
    const e = await failure(merge(h.fx));
    expect(e?.message).toMatch(new RegExp(`^merge failed on 1 of 2 registries \\(no tag moved on a failed one\\):\\n {2}${broken.host}`));
    expect(ok.repos.get('acme/app')?.tags.get('1.0.0')).toBe(h.platform.outputs.get('digest'));
    expect(tagsOf(broken, 'acme/app')).toEqual([]);
    expect(
      h.platform.outputs
        .get('tags')!
        .split('\n')
        .every((t) => t.startsWith(`${ok.host}/`)),
    ).toBe(true);
    const failed = h.platform.summaries[0]!.split('\n').find((l) => l.startsWith(`- ${broken.host}`));
    expect(failed).toMatch(/: FAILED — .*503/);
    expect(failed).not.toMatch(/(?<!\\)[*<]/); // the registry's words cannot add emphasis or HTML
  });

  // Property: two sources of one platform cannot make an index; refused before anything is written.
  it('two sources of one platform: refused, nothing written to the target', async () => {
    const [src, dst] = [await start(), await start()];
    const one = await put(src, 'acme/app-build', testImage([1_000], undefined, 'amd64'), 'a');
    const two = await put(src, 'acme/app-build', testImage([1_000], undefined, 'amd64'), 'b');
    const h = await harness({
      sources: `${src.host}/acme/app-build@${one}\n${src.host}/acme/app-build@${two}`,
      images: `${dst.host}/acme/app`,
      'insecure-registries': `${src.host},${dst.host}`,
      retries: '0',
    });
    const e = await failure(merge(h.fx));
    expect(e?.message).toMatch(/linux\/amd64/);
    expect([writes(dst).length, h.platform.outputs.size]).toEqual([0, 0]);
  });
});

/** The cosign signature `repo` of `reg` holds for `digest`: its simple-signing payload and base64 signature. */
function signatureOf(reg: MemoryRegistry, repo: string, digest: string) {
  const tag = `${digest.replace(':', '-')}.sig`;
  const at = reg.repos.get(repo)?.tags.get(tag);
  if (!at) return undefined;
  const m = JSON.parse(reg.repos.get(repo)!.manifests.get(at)!.bytes.toString('utf8')) as {
    layers: Array<{ digest: string; annotations: Record<string, string> }>;
  };
  const layer = m.layers[0]!;
  return { at, payload: reg.blobs.get(layer.digest)!, signature: layer.annotations['dev.cosignproject.cosign/signature']! };
}

describe('merge pipeline: sign', () => {
  // Property: with sign: key, once the index and its tags are in every target, the index and each
  // platform manifest carry a cosign signature there (cosign sign --recursive) that an independent
  // reader (openssl) verifies with the public key over the payload naming that very digest and
  // repository — and not with another key; a re-run adds no signature and moves no .sig tag.
  // Nearest real-world variant: the merge job of a matrix release signs with the team's cosign.key so
  // that `cosign verify --key cosign.pub ghcr.io/acme/app:1.4.0` passes for the multi-platform tag.
  it('signs the index and each platform manifest in every target; openssl verifies each; a re-run adds nothing', async () => {
    const [src, a, b] = [await start(), await start(), await start()];
    const { amd, arm, sources } = await platformsIn(src);
    const inputs = {
      sources: sources.join('\n'),
      images: `${a.host}/acme/app\n${b.host}/acme/app`,
      version: '1.4.0',
      'insecure-registries': [src.host, a.host, b.host].join(','),
      retries: '0',
      sign: 'key',
      'signing-key': await readFile(keys.signer.privatePath, 'utf8'),
    };
    const h = await harness(inputs);
    await merge(h.fx);
    const index = h.platform.outputs.get('digest')!;
    const seen = new Map<string, string>();
    for (const reg of [a, b])
      for (const digest of [index, amd, arm]) {
        const sig = signatureOf(reg, 'acme/app', digest);
        expect(sig, `${reg.host} ${digest}`).toBeDefined();
        const payload = JSON.parse(sig!.payload.toString('utf8')) as { critical: { identity: Record<string, string>; image: Record<string, string> } };
        expect([payload.critical.identity['docker-reference'], payload.critical.image['docker-manifest-digest']]).toEqual([`${reg.host}/acme/app`, digest]);
        expect(await opensslVerifies(keys.signer, sig!.payload, sig!.signature, keys.dir)).toBe(true);
        expect(await opensslVerifies(keys.stranger, sig!.payload, sig!.signature, keys.dir)).toBe(false);
        seen.set(`${reg.host} ${digest}`, sig!.at);
      }
    expect(h.platform.outputs.get('signatures')!.split('\n')).toEqual(
      [a, b].flatMap((reg) => [index, amd, arm].map((d) => `${reg.host}/acme/app:${d.replace(':', '-')}.sig`)),
    );
    expect(h.platform.summaries[0]).toContain(
      `- ${a.host}/acme/app: the index and 2 platform images signed by ${keys.signer.fingerprint} (3 new, 0 already there)`,
    );
    // The key is catalogued: each line of its body masked, none in the log.
    const body = inputs['signing-key'].split('\n').filter((l) => l && !l.startsWith('-----'));
    expect(h.platform.masked).toEqual(expect.arrayContaining(body));
    for (const line of body) expect(h.platform.log()).not.toContain(line);

    const again = await harness(inputs);
    await merge(again.fx);
    expect(again.platform.outputs.get('signatures')).toBe(h.platform.outputs.get('signatures'));
    expect(again.platform.summaries[0]).toContain('(0 new, 3 already there)');
    for (const reg of [a, b]) for (const digest of [index, amd, arm]) expect(signatureOf(reg, 'acme/app', digest)!.at).toBe(seen.get(`${reg.host} ${digest}`));
  });

  // Property: the key is read before anything is pushed: a wrong password for an encrypted key is the
  // input error naming signing-key-password, the key and password in no message, no target written.
  // Nearest real-world variant: COSIGN_PASSWORD rotated in the CI settings but the old cosign.key kept.
  it('a wrong signing-key-password: ConfigError naming it, nothing pushed, no secret printed', async () => {
    const [src, dst] = [await start(), await start()];
    const { sources } = await platformsIn(src);
    const encrypted = await new Promise<string>((resolve, reject) =>
      execFile('openssl', ['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', keys.signer.privatePath, '-passout', 'pass:the-right-one'], (e, out) =>
        e ? reject(e) : resolve(out),
      ),
    );
    expect(encrypted).toContain('ENCRYPTED PRIVATE KEY');
    const h = await harness({
      sources: sources.join('\n'),
      images: `${dst.host}/acme/app`,
      version: '1.0.0',
      'insecure-registries': `${src.host},${dst.host}`,
      retries: '0',
      sign: 'key',
      'signing-key': encrypted,
      'signing-key-password': 'a-wrong-one',
    });
    const e = await failure(merge(h.fx));
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).issues.map((i) => i.input)).toEqual(['signing-key-password']);
    expect(e!.message).not.toMatch(/a-wrong-one|ENCRYPTED PRIVATE KEY/);
    expect([tagsOf(dst, 'acme/app'), writes(dst).length, h.platform.outputs.size]).toEqual([[], 0, 0]);
    expect(h.platform.masked).toEqual(expect.arrayContaining(['a-wrong-one']));
  });
});
