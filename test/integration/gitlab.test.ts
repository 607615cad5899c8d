// The GitLab component run for real by gitlab-ci-local (shell executor on the lab): a pipeline
// includes gitlab/templates/build.yml with inputs, builds with a secret and an SSH clone of the
// lab's private repository (the key in a File-type variable), pushes the fanned-out tags to two
// lab registries (the TLS one's password named as a variable, not written in the pipeline), and
// a following job reads the dotenv outputs. Build once into an OCI layout, then the push
// component pushes that layout (the same digest). Bad inputs: rejected by the spec's types, or by
// Hoist naming the input; a failed job's HOIST_RESULT reaches a later `when: always` job.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { opensslKey, opensslSign, pushSignatures, simpleSigning } from '../support/openssl-cosign.js';
import { lab, leaks, password, ROOT, skopeoDigest, uniqueRepo } from './lab.js';
import { commitComponentProject, runShellPipeline } from '../support/gitlab-ci-local.js';

const execFileAsync = promisify(execFile);
const TOKEN = `gl-token-${Math.random().toString(36).slice(2)}-value`;
const PATH = '/usr/bin:/bin:/usr/sbin:/sbin';

/** A git repository with the pipeline, the template and an app; gitlab-ci-local run in it. */
async function pipeline(
  include: Record<string, unknown>,
  jobs: Record<string, unknown>,
  variables: Record<string, unknown>,
  dockerfile: string,
  others: Partial<Record<'promote' | 'merge' | 'push', Record<string, unknown>>> = {},
): Promise<{ code: number; out: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-gl-'));
  const inputs = { hoist_command: `${join(ROOT, 'node_modules/.bin/node')} ${join(ROOT, 'dist/index.js')}`, context: 'app', ...include };
  const command = inputs.hoist_command;
  const more = Object.entries(others).map(([t, given]) => ({ local: `templates/${t}.yml`, inputs: { hoist_command: command, ...given } }));
  await commitComponentProject(dir, {
    templates: ['build', 'promote', 'merge', 'push'],
    files: { 'app/Dockerfile': dockerfile },
    ci: { stages: ['build', 'deploy', 'check'], include: [{ local: 'templates/build.yml', inputs }, ...more], ...jobs },
    variables,
    tags: ['v4.5.6'],
  });
  return await runShellPipeline(dir, { PATH, HOME: process.env.HOME ?? '/root', DOCKER_HOST: lab().docker.host }, 240_000);
}

describe('the GitLab component under gitlab-ci-local', () => {
  it('builds with a secret and an SSH clone, pushes to two registries, and hands its outputs to the next job', async () => {
    const { plain, tls } = lab().registries;
    const key = await readFile(lab().ssh.privateKeyFile, 'utf8');
    const name = uniqueRepo('gitlab/app');
    const r = await pipeline(
      {
        images: `${plain.host}/${name}\n${tls.host}/${name}`,
        version: '4.5.6',
        network: 'host',
        insecure_registries: plain.host,
        registry_auth: `${tls.host}=${tls.username}:$TLS_PASSWORD`,
        registry_ca: `${tls.host}=${tls.ca}`,
        ssh_key: '$DEPLOY_KEY',
        ssh_known_hosts: await readFile(lab().ssh.knownHostsFile, 'utf8'),
        secrets: 'token=$NPM_TOKEN',
      },
      { check: { stage: 'check', needs: ['hoist-build'], script: ['echo "OUT digest=$IMAGE_DIGEST version=$IMAGE_VERSION tags=$IMAGE_TAGS"'] } },
      {
        TLS_PASSWORD: password(tls.passwordFile),
        NPM_TOKEN: TOKEN,
        DEPLOY_KEY: { type: 'file', values: { '*': key } },
      },
      `FROM ${plain.host}/lab/git:1
RUN echo ${Math.random().toString(36).slice(2)} > /n
RUN --mount=type=secret,id=known_hosts,target=/root/.ssh/known_hosts --mount=type=ssh --mount=type=secret,id=token \\
    test -s /run/secrets/token && git clone -q ${lab().ssh.repoUrl} /src/private-lib
`,
    );
    expect(r.out).toMatch(/PASS\s+hoist-build/);
    expect(r.code).toBe(0);
    const out = /OUT digest=(sha256:[a-f0-9]{64}) version=4\.5\.6 tags=(\S+)/.exec(r.out);
    expect(out).not.toBeNull();
    const [, digest, tags] = out!;
    expect(tags!.split(',')).toEqual(
      expect.arrayContaining([
        `${plain.host}/${name}:4.5.6`,
        `${plain.host}/${name}:4.5`,
        `${plain.host}/${name}:4`,
        `${plain.host}/${name}:latest`,
        `${tls.host}/${name}:4.5.6`,
      ]),
    );
    expect(await skopeoDigest(`${plain.host}/${name}:4`)).toBe(digest);
    expect(await skopeoDigest(`${tls.host}/${name}:latest`, { certDir: tls.certDir, username: tls.username, passwordFile: tls.passwordFile })).toBe(digest);
    expect(r.out).toMatch(/hoist_\d+ took \d+ms/); // collapsible sections, as gitlab-ci-local renders them
    for (const secret of [TOKEN, password(tls.passwordFile), ...key.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))])
      expect(leaks(r.out, secret)).toBe(false);
  }, 300_000);

  it('promotes the build by the digest from its dotenv, and hands the promotion’s outputs to the next job', async () => {
    const { plain, token } = lab().registries;
    const name = uniqueRepo('gitlab/promoted');
    const dest = `${token.host}/${name}`;
    const r = await pipeline(
      { images: `${plain.host}/${name}`, version: '7.0.1', insecure_registries: plain.host },
      { check: { stage: 'check', needs: ['hoist-promote'], script: ['echo "OUT digest=$IMAGE_DIGEST sent=$HOIST_BYTES_SENT shared=$HOIST_BYTES_SHARED"'] } },
      { TOKEN_PASSWORD: password(token.passwordFile) },
      `FROM ${plain.host}/lab/busybox:1.36\nRUN echo ${Math.random().toString(36).slice(2)} > /n\n`,
      {
        promote: {
          source: `${plain.host}/${name}@$IMAGE_DIGEST`,
          destinations: dest,
          tags: 'stable',
          registry_auth: `${token.host}=${token.username}:$TOKEN_PASSWORD`,
          insecure_registries: `${plain.host}, ${token.host}`,
        },
      },
    );
    expect(r.out).toMatch(/PASS\s+hoist-promote/);
    const out = /OUT digest=(sha256:[a-f0-9]{64}) sent=(\d+) shared=(\d+)/.exec(r.out);
    expect(out).not.toBeNull();
    expect(Number(out![3])).toBeGreaterThan(0); // the base: the token registry holds lab/busybox
    expect(await skopeoDigest(`${dest}:stable`, { username: token.username, passwordFile: token.passwordFile })).toBe(out![1]);
    expect(leaks(r.out, password(token.passwordFile))).toBe(false);
  }, 300_000);

  it('builds each platform in a parallel:matrix job pushed by digest, and the merge component joins them from their hoist-digests/ artifacts', async () => {
    const { plain } = lab().registries;
    const name = uniqueRepo('gitlab/multi');
    const r = await pipeline(
      { images: `${plain.host}/${name}-parts`, platforms: 'linux/$ARCH', push_by_digest: true, builder: 'docker', insecure_registries: plain.host },
      {
        // The build component's job, made a matrix: one job per platform, as one runner per architecture would run it.
        // (The docker builder: two buildah jobs at once on one shell runner share containers-storage, where one name
        // cannot hold two platforms of a base — the second pull takes it from the first.)
        'hoist-build': { parallel: { matrix: [{ ARCH: ['amd64', 'arm64'] }] } },
        check: { stage: 'check', needs: ['hoist-merge'], script: ['echo "OUT digest=$IMAGE_DIGEST platforms=$IMAGE_PLATFORMS tags=$IMAGE_TAGS"'] },
      },
      {},
      `FROM ${lab().multiImage.reference}\nRUN uname -m > /arch && echo ${Math.random().toString(36).slice(2)} > /n\n`,
      { merge: { images: `${plain.host}/${name}`, version: '5.1.0', insecure_registries: plain.host } },
    );
    expect(r.out).toMatch(/PASS\s+hoist-merge/);
    const out = /OUT digest=(sha256:[a-f0-9]{64}) platforms=(\S+) tags=(\S+)/.exec(r.out);
    expect(out).not.toBeNull();
    expect(out![2]).toBe('linux/amd64,linux/arm64');
    expect(out![3]!.split(',')).toEqual(
      expect.arrayContaining([`${plain.host}/${name}:5.1.0`, `${plain.host}/${name}:5.1`, `${plain.host}/${name}:5`, `${plain.host}/${name}:latest`]),
    );
    expect(await skopeoDigest(`${plain.host}/${name}:5`)).toBe(out![1]);
  }, 300_000);

  // Scenario 11 (build-push-action#1016, buildx#733): build once, test that image, push exactly it.
  it('builds once into an OCI layout without pushing, and the push component pushes that layout: the same digest, the fan-out tags', async () => {
    const { plain } = lab().registries;
    const name = uniqueRepo('gitlab/pushed');
    const r = await pipeline(
      { images: `${plain.host}/${name}`, version: '6.2.0', push: false, outputs: 'type=oci,dest=hoist-layout', insecure_registries: plain.host },
      { check: { stage: 'check', needs: ['hoist-push'], script: ['echo "OUT digest=$IMAGE_DIGEST tags=$IMAGE_TAGS result=$HOIST_RESULT"'] } },
      {},
      `FROM ${plain.host}/lab/busybox:1.36\nRUN echo ${Math.random().toString(36).slice(2)} > /n\n`,
      { push: { images: `${plain.host}/${name}`, version: '6.2.0', insecure_registries: plain.host } },
    );
    expect(r.out).toMatch(/PASS\s+hoist-build/);
    expect(r.out).toMatch(/PASS\s+hoist-push/);
    const built = /hoist-build +> ### Hoist: `(sha256:[a-f0-9]{64})`/.exec(r.out)?.[1];
    expect(built).toMatch(/^sha256:/);
    const out = /OUT digest=(sha256:[a-f0-9]{64}) tags=(\S+) result=(\S+)/.exec(r.out);
    expect(out?.slice(1)).toEqual([built, expect.any(String), 'ok']);
    expect(out![2]!.split(',')).toEqual(expect.arrayContaining(['6.2.0', '6.2', '6', 'latest'].map((t) => `${plain.host}/${name}:${t}`)));
    for (const t of ['6.2.0', '6', 'latest']) expect(await skopeoDigest(`${plain.host}/${name}:${t}`)).toBe(built);
  }, 300_000);

  /**
   * Property: the components take the signature inputs as the Action does. Nearest real-world
   * variant: a platform team's signed golden base (base_signers on the build component) and a
   * production promotion gated on the release key (require_signature on the promote component),
   * where the build job did not sign.
   */
  it('builds on a base signed by a base_signers key, and the promote component refuses the unsigned build: nothing at the destination', async () => {
    const { plain } = lab().registries;
    const keys = await mkdtemp(join(tmpdir(), 'hoist-gl-keys-'));
    const golden = await opensslKey(keys, 'golden');
    const base = `${plain.host}/${uniqueRepo('gitlab-golden/busybox')}`;
    await execFileAsync('skopeo', [
      'copy',
      '--quiet',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      `docker://${plain.host}/lab/busybox:1.36`,
      `docker://${base}:1.36`,
    ]);
    const baseDigest = (await skopeoDigest(`${base}:1.36`))!;
    const payload = simpleSigning(base, baseDigest);
    await pushSignatures(base, baseDigest, [{ payload, signature: await opensslSign(golden, payload, keys) }]);
    const name = uniqueRepo('gitlab-signed/app');
    const dest = `${plain.host}/${uniqueRepo('gitlab-signed/prod')}`;
    const r = await pipeline(
      { images: `${plain.host}/${name}`, version: '7.1.0', insecure_registries: plain.host, base_signers: golden.publicPath },
      {},
      {},
      `FROM ${base}:1.36\nRUN echo ${Math.random().toString(36).slice(2)} > /n\n`,
      {
        promote: {
          source: `${plain.host}/${name}@$IMAGE_DIGEST`,
          destinations: dest,
          require_signature: true,
          verify_key: golden.publicPath,
          insecure_registries: plain.host,
        },
      },
    );
    expect(r.out).toMatch(/PASS\s+hoist-build/);
    expect(r.out).toContain(`Base ${base}:1.36 verified at ${baseDigest}: key ${golden.fingerprint}`);
    expect(r.out).toMatch(/FAIL\s+hoist-promote/);
    const refused = new RegExp(`${plain.host}/${name}@(sha256:[a-f0-9]{64}) is not promoted: unsigned`).exec(r.out);
    expect(refused).not.toBeNull();
    expect(await skopeoDigest(`${dest}@${refused![1]}`)).toBeUndefined();
  }, 300_000);

  it('hands a failed job’s HOIST_RESULT to a later when: always job: failed for a registry nothing answers on, failed-input for a missing layout', async () => {
    const { plain } = lab().registries;
    const always = { check: { stage: 'check', needs: ['hoist-push'], when: 'always', script: ['echo "OUT result=$HOIST_RESULT"'] } };
    const dockerfile = `FROM ${plain.host}/lab/busybox:1.36\n`;
    const down = await pipeline(
      { images: `${plain.host}/${uniqueRepo('gitlab-bad/pushed')}`, push: false, outputs: 'type=oci,dest=hoist-layout', insecure_registries: plain.host },
      always,
      {},
      dockerfile,
      { push: { images: '127.0.0.1:1/acme/app', version: '1.0.0', insecure_registries: '127.0.0.1:1', retries: 0 } },
    );
    expect(down.out).toMatch(/FAIL\s+hoist-push/);
    expect(down.out).toMatch(/ECONNREFUSED 127\.0\.0\.1:1/);
    expect(down.out).toMatch(/OUT result=failed$/m);
    const missing = await pipeline({ images: `${plain.host}/${uniqueRepo('gitlab-bad/pushed')}`, rules: [{ when: 'never' }] }, always, {}, dockerfile, {
      push: { images: `${plain.host}/${uniqueRepo('gitlab-bad/pushed')}`, artefact: 'no-such-layout', needs: [], insecure_registries: plain.host },
    });
    expect(missing.out).toMatch(/ERROR: Input 'artefact': no-such-layout: no such file or directory/);
    expect(missing.out).toMatch(/OUT result=failed-input$/m);
  }, 300_000);

  it('rejects a wrong type through the spec, and a bad value through Hoist naming the input', async () => {
    const { plain } = lab().registries;
    const dockerfile = `FROM ${plain.host}/lab/busybox:1.36\n`;
    const typed = await pipeline({ images: `${plain.host}/${uniqueRepo('gitlab-bad/app')}`, push: 'maybe' }, {}, {}, dockerfile);
    expect(typed.code).not.toBe(0);
    expect(typed.out).toMatch(/push.*boolean|boolean.*push/i);
    const value = await pipeline({ images: `${plain.host}/${uniqueRepo('gitlab-bad/app')}`, concurrency: 0 }, {}, {}, dockerfile);
    expect(value.out).toMatch(/ERROR: Input 'concurrency': '0' is not a whole number from 1 to 64/);
    expect(value.out).toMatch(/FAIL\s+hoist-build/);
  }, 300_000);
});
