// Public base, private application (scenario 4): one run builds the base stage for a "public" lab
// registry and the final image for two "private" ones. The public registry holds only the base —
// every private digest is asked for there and is missing — the private ones hold the whole image,
// and it pulls and runs from a private registry.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { lab, leaks, password, run, runAction, skopeoDigest, skopeoPullsIntact, toolEnv, uniqueRepo } from './lab.js';

const execFileAsync = promisify(execFile);

describe('per-image routing with a public registry', () => {
  it('sends the public registry only the base, proves it, and the private registries the whole image', async () => {
    const { plain, tls, token } = lab().registries;
    const ws = await mkdtemp(join(tmpdir(), 'hoist-ws-'));
    await writeFile(
      join(ws, 'Dockerfile'),
      `FROM ${plain.host}/lab/busybox:1.36 AS app-base
RUN echo "base ${Math.random().toString(36).slice(2)}" > /base.txt
FROM app-base AS runtime
RUN echo "private application ${Math.random().toString(36).slice(2)}" > /app.txt
CMD ["cat", "/app.txt"]
`,
    );
    const name = uniqueRepo('split');
    const pub = `${plain.host}/${name}/app-base`;
    const [privTls, privToken] = [`${tls.host}/${name}/app`, `${token.host}/${name}/app`];
    const r = await runAction({
      workspace: ws,
      inputs: {
        images: `${pub} target=app-base visibility=public\n${privTls}\n${privToken}`,
        version: '1.0.0',
        'insecure-registries': `${plain.host}, ${token.host}`,
        'registry-auth': `${tls.host}=${tls.username}:${password(tls.passwordFile)}\n${token.host}=${token.username}:${password(token.passwordFile)}`,
        'registry-ca': `${tls.host}=${tls.ca}`,
      },
    });
    expect(r.errors).toEqual([]);
    const meta = JSON.parse(r.outputs.metadata ?? '{}') as { images: Array<{ repository: string; digest: string }>; privateBytesKeptPrivate: number };
    const digestOf = (repo: string) => meta.images.find((i) => i.repository === repo)!.digest;
    expect(digestOf(pub)).not.toBe(digestOf(privTls));
    expect(digestOf(privTls)).toBe(digestOf(privToken));
    expect(r.outputs.digest).toBe(digestOf(privTls)); // the outputs describe the final image
    expect(meta.privateBytesKeptPrivate).toBeGreaterThan(0);
    expect(r.log).toMatch(/\(public\): none of the \d+ private blobs of the other builds can be read there anonymously/);

    // Independently: ask the public registry for every private digest.
    const raw = (ref: string) =>
      run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`]).then(
        (t) => JSON.parse(t) as { config: { digest: string }; layers: Array<{ digest: string }> },
      );
    const base = await raw(`${pub}@${digestOf(pub)}`);
    const full = await raw(`${privToken}@${digestOf(privToken)}`).catch(
      async () =>
        JSON.parse(
          await run('skopeo', [
            'inspect',
            '--raw',
            '--tls-verify=false',
            '--creds',
            `${token.username}:${password(token.passwordFile)}`,
            `docker://${privToken}@${digestOf(privToken)}`,
          ]),
        ) as { config: { digest: string }; layers: Array<{ digest: string }> },
    );
    const baseBlobs = new Set([base.config.digest, ...base.layers.map((l) => l.digest)]);
    const privateBlobs = [full.config.digest, ...full.layers.map((l) => l.digest)].filter((d) => !baseBlobs.has(d));
    expect(privateBlobs.length).toBeGreaterThanOrEqual(2); // the application layer and its config
    for (const digest of privateBlobs) {
      const code = (
        await execFileAsync('curl', [
          '-s',
          '-o',
          '/dev/null',
          '-w',
          '%{http_code}',
          '-I',
          `http://${pub.split('/')[0]}/v2/${pub.split('/').slice(1).join('/')}/blobs/${digest}`,
        ])
      ).stdout;
      expect(code, digest).toBe('404');
    }
    // The private registries hold the whole image, intact; it pulls and runs.
    expect(await skopeoPullsIntact(`${privTls}@${digestOf(privTls)}`, { certDir: tls.certDir, username: tls.username, passwordFile: tls.passwordFile })).toBe(
      true,
    );
    expect(await skopeoDigest(`${pub}:1.0.0`)).toBe(digestOf(pub));
    const env = toolEnv();
    await new Promise<void>((resolve, reject) => {
      const login = execFile(lab().docker.cli, ['login', '-u', token.username, '--password-stdin', token.host], { env }, (e) => (e ? reject(e) : resolve()));
      login.stdin!.end(password(token.passwordFile));
    });
    try {
      expect((await run(lab().docker.cli, ['run', '--rm', `${privToken}@${digestOf(privToken)}`], env)).trim()).toMatch(/^private application /);
    } finally {
      await run(lab().docker.cli, ['logout', token.host], env).catch(() => '');
    }
    expect(leaks(r.log, password(tls.passwordFile))).toBe(false);
  }, 180_000);
});
