// The build pipeline's branches, driven through its Effects seam: fakes of Hoist's own seams (a
// recording platform, a builder that writes real layouts) and in-process registries reached by the
// real client. Each test asserts what reached the registries, not only what the step said.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { harness, gzipLayer, type Harness } from '../../test/support/pipeline.js';
import { MemoryRegistry } from '../../test/support/memory-registry.js';
import { RegistryClient } from '../registry/client.js';
import { build } from './build.js';
import { post } from './post.js';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

const SECRET = 'tok-9f8e7d6c5b4a-secret';
const registries: MemoryRegistry[] = [];
const registry = async (o: Parameters<typeof MemoryRegistry.start>[0] = {}) => {
  const r = await MemoryRegistry.start(o);
  registries.push(r);
  return r;
};
afterEach(async () => {
  await Promise.all(registries.splice(0).map((r) => r.close()));
});

/** What was sent: every PUT and PATCH, and the upload sessions left open (the push-rights check's are cancelled: a DELETE each). */
const uploads = (r: MemoryRegistry) => {
  const cancelled = r.requests.filter((q) => q.method === 'DELETE' && q.path.includes('/blobs/uploads/')).length;
  return [...r.requests.filter((q) => q.method === 'PUT' || q.method === 'PATCH'), ...r.requests.filter((q) => q.method === 'POST').slice(cancelled)];
};
const tagsOf = (r: MemoryRegistry, repo: string) => [...(r.repos.get(repo)?.tags.keys() ?? [])].sort();
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as Error,
  );

describe('build pipeline', () => {
  it('builds, audits and pushes to every registry; each output is set once', async () => {
    const [a, b] = [await registry(), await registry()];
    const h = await harness({
      images: `${a.host}/acme/app\n${b.host}/acme/app`,
      version: '2.1.0',
      'insecure-registries': `${a.host},${b.host}`,
      secrets: `token=${SECRET}`,
    });
    await build(h.fx);
    for (const r of [a, b]) expect(tagsOf(r, 'acme/app')).toEqual(['2', '2.1', '2.1.0', 'latest', 'main', 'sha-0123456']);
    expect([...h.platform.outputCounts.values()].every((n) => n === 1)).toBe(true);
    // metadata-action's annotations, tag-names and json beside Hoist's own.
    expect([...h.platform.outputs.keys()].sort()).toEqual([
      'annotations',
      'digest',
      'imageid',
      'json',
      'labels',
      'metadata',
      'platforms',
      'tag-names',
      'tags',
      'version',
    ]);
    expect(h.platform.outputs.get('tags')!.split('\n')).toHaveLength(12);
    // build-push-action's keys, as `fromJSON(steps.build.outputs.metadata)['containerimage.digest']` reads them.
    const metadata = JSON.parse(h.platform.outputs.get('metadata')!) as Record<string, unknown>;
    expect(metadata['containerimage.digest']).toBe(h.platform.outputs.get('digest'));
    expect(metadata['containerimage.descriptor']).toMatchObject({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: h.platform.outputs.get('digest'),
    });
    expect(metadata['containerimage.config.digest']).toBe(h.platform.outputs.get('imageid'));
    expect((metadata['image.name'] as string).split(',').sort()).toEqual(h.platform.outputs.get('tags')!.split('\n').sort());
    expect((metadata.images as Array<{ transfer: { blobsUploaded: number } }>).map((i) => i.transfer.blobsUploaded)).toEqual([2, 2]);
    expect(h.platform.summaries).toHaveLength(1);
    expect(h.platform.masked).toContain(SECRET);
    expect(await readdir(h.tempDir)).toEqual([]); // the private directory is gone
  });

  it('stops at a leak: nothing reaches any registry, the findings name the secret, metadata says why', async () => {
    const reg = await registry();
    const h = await harness(
      { images: `${reg.host}/acme/app`, version: '1.0.0', 'insecure-registries': reg.host, secrets: `token=${SECRET}` },
      { files: () => ({ 'app/.env': `TOKEN=${SECRET}\n` }) },
    );
    const e = await failure(build(h.fx));
    expect(e?.message).toMatch(/^the audit found a secret in the image; nothing was pushed:\n {2}- secret 'token' \(secrets\).* in layer .*app\/\.env/);
    expect(e?.message).not.toContain(SECRET);
    expect(uploads(reg)).toEqual([]);
    const metadata = JSON.parse(h.platform.outputs.get('metadata')!) as { audit: { leaks: number }; images: Array<{ pushed: boolean }> };
    expect(metadata.audit.leaks).toBe(1);
    expect(metadata.images.map((i) => i.pushed)).toEqual([false]);
    expect(h.platform.outputs.has('tags')).toBe(false);
  });

  it('after a leak, no output, summary, log line or error holds the secret (a file named after it)', async () => {
    const reg = await registry();
    const h = await harness(
      { images: `${reg.host}/acme/app`, version: '1.0.0', 'insecure-registries': reg.host, secrets: `token=${SECRET}` },
      { files: () => ({ [`app/cache/${SECRET}.json`]: '{}', 'app/.npmrc': `//registry.npmjs.org/:_authToken=${SECRET}` }) },
    );
    const e = await failure(build(h.fx));
    expect(e?.message).toMatch(/^the audit found 2 secrets in the image; nothing was pushed/);
    const everything = [...h.platform.outputs.values(), ...h.platform.summaries, h.platform.log(), ...h.platform.state.values()].join('\n');
    expect(everything).toContain('app/cache/***.json');
    expect(everything.includes(SECRET)).toBe(false);
    expect(uploads(reg)).toEqual([]);
  });

  it('finds a binary secret file (not UTF-8) byte for byte', async () => {
    const reg = await registry();
    const keystore = Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0x00, 0x02, 0x9c, 0xff, 0x80, 0x41, 0x42, 0xc3, 0x28, 0x11, 0x22, 0x33]);
    const h = await harness(
      { images: `${reg.host}/acme/app`, version: '1.0.0', 'insecure-registries': reg.host, 'secret-files': 'ks=keystore.jks' },
      { files: () => ({ 'app/keystore.jks': keystore }) },
    );
    await writeFile(join(h.workspace, 'keystore.jks'), keystore);
    const e = await failure(build(h.fx));
    expect(e?.message).toMatch(/secret 'ks' \(secret-files\) \[sha256 [0-9a-f]{12}…\] in layer .*app\/keystore\.jks/);
    expect(uploads(reg)).toEqual([]);
  });

  it('finds a secret file over 64 KiB (a bundle) copied into the image', async () => {
    const reg = await registry();
    const bundle = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251));
    const h = await harness(
      { images: `${reg.host}/acme/app`, version: '1.0.0', 'insecure-registries': reg.host, 'secret-files': 'bundle=bundle.p12' },
      { files: () => ({ 'app/certs/bundle.p12': bundle }) },
    );
    await writeFile(join(h.workspace, 'bundle.p12'), bundle);
    const e = await failure(build(h.fx));
    expect(e?.message).toMatch(/secret 'bundle' \(secret-files, the 256 bytes at 0\).* in layer .*app\/certs\/bundle\.p12/);
    expect(uploads(reg)).toEqual([]);
  });

  it('with audit: warn, says what leaked and pushes', async () => {
    const reg = await registry();
    const h = await harness(
      { images: `${reg.host}/acme/app`, version: '1.0.0', 'insecure-registries': reg.host, secrets: `token=${SECRET}`, audit: 'warn' },
      { files: () => ({ 'app/.env': SECRET }) },
    );
    await build(h.fx);
    expect(h.platform.lines.filter((l) => l.level === 'warning').map((l) => l.text)).toEqual([expect.stringMatching(/^audit: secret 'token' \(secrets\)/)]);
    expect(tagsOf(reg, 'acme/app')).toContain('1.0.0');
  });

  it('with push: false, sends nothing and outputs the local tags', async () => {
    const reg = await registry();
    const h = await harness({ images: `${reg.host}/acme/app`, version: '1.0.0', 'insecure-registries': reg.host, push: 'false' });
    await build(h.fx);
    expect(reg.requests).toEqual([]);
    expect(h.platform.outputs.get('tags')).toBe(['1.0.0', 'sha-0123456', 'main'].map((t) => `${reg.host}/acme/app:${t}`).join('\n'));
    expect(h.platform.log()).toContain('push is false: nothing was pushed');
  });

  it('one registry failing fails the run, names it, and moves no tag there; the other gets everything', async () => {
    const good = await registry();
    const bad = await registry({
      fault: (q) =>
        q.method === 'PUT' && q.path.includes('/manifests/') ? { status: 500, body: '{"errors":[{"code":"UNKNOWN","message":"disk full"}]}' } : undefined,
    });
    const h = await harness({ images: `${good.host}/acme/app\n${bad.host}/acme/app`, version: '1.0.0', 'insecure-registries': `${good.host},${bad.host}` });
    const e = await failure(build(h.fx));
    expect(e?.message).toMatch(
      new RegExp(`^push failed on 1 of 2 registries \\(1 succeeded; no tag moved on a failed one\\):\\n {2}${bad.host.replace('.', '\\.')}`),
    );
    expect(e?.message).toContain('disk full');
    expect(tagsOf(good, 'acme/app')).toContain('1.0.0');
    expect(tagsOf(bad, 'acme/app')).toEqual([]);
    const metadata = JSON.parse(h.platform.outputs.get('metadata')!) as { images: Array<{ repository: string; pushed: boolean; error?: string }> };
    expect(metadata.images.map((i) => i.pushed)).toEqual([true, false]);
    expect(h.platform.summaries).toHaveLength(1);
    expect(h.comments).toEqual([]);
  });

  it('fails when a public registry serves a private blob of the other build, and says which', async () => {
    const pub = await registry();
    const priv = await registry();
    const files = (plan: { target?: string }) => ({ 'app/which': plan.target ?? 'default' });
    // The private build's layer is already readable in the public repository (pushed there by mistake earlier).
    const leaked = await gzipLayer(files({ target: 'app' }));
    const digest = `sha256:${createHash('sha256').update(leaked).digest('hex')}`;
    const seeder = new RegistryClient({ host: pub.host, insecure: true, retries: 0, userAgent: 'test' });
    await seeder.uploadBlob('acme/base', { digest, size: leaked.length }, () => Readable.from([leaked]));
    await seeder.close();
    const h = await harness(
      {
        images: `${pub.host}/acme/base visibility=public target=base\n${priv.host}/acme/app target=app`,
        version: '1.0.0',
        'insecure-registries': `${pub.host},${priv.host}`,
      },
      { files, dockerfile: 'FROM scratch AS base\nCOPY a /a\nFROM base AS app\nCOPY b /b\n' },
    );
    const e = await failure(build(h.fx));
    expect(e?.message).toMatch(new RegExp(`acme/base is public and serves 1 private blob \\(${digest}\\): remove them from that registry now`));
  });

  it('a wrong password for one registry: refused before the build, naming it and registry-auth; nothing built or pushed anywhere', async () => {
    const good = await registry();
    const locked = await registry({ auth: { scheme: 'bearer', username: 'ci', password: 'the-right-one-123' } });
    const h = await harness({
      images: `${good.host}/acme/app\n${locked.host}/acme/app`,
      version: '1.0.0',
      'insecure-registries': `${good.host},${locked.host}`,
      'registry-auth': `${locked.host}=ci:not-the-right-one`,
    });
    const e = await failure(build(h.fx));
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).issues).toEqual([
      {
        input: 'registry-auth',
        message: expect.stringMatching(
          new RegExp(`^${locked.host}/acme/app: the login was refused before the build .*: correct the line for ${locked.host} in registry-auth$`),
        ),
      },
    ]);
    expect(h.builder.plans).toEqual([]);
    for (const r of [good, locked]) expect(uploads(r)).toEqual([]);
    expect(h.platform.lines.map((l) => l.text).join('\n')).not.toContain('not-the-right-one');
  });

  // Node's own recursive mkdir spins at full CPU under /proc: the run hung after the build. Now the
  // output's directory is made with the other file checks, and where it cannot be, nothing is built.
  it('an output nothing can be written under (/proc, a path through a file): refused before the build, naming outputs', async () => {
    const reg = await registry();
    const h = await harness({ images: `${reg.host}/acme/app`, version: '1.0.0', 'insecure-registries': reg.host, push: 'false' });
    const file = join(h.workspace, 'Dockerfile');
    for (const dest of ['/proc/nope/x', join(file, 'out.tar')]) {
      const again = await harness({
        images: `${reg.host}/acme/app`,
        version: '1.0.0',
        'insecure-registries': reg.host,
        push: 'false',
        outputs: `type=docker,dest=${dest}`,
      });
      const e = await failure(build(again.fx));
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).issues).toEqual([
        {
          input: 'outputs',
          message: expect.stringMatching(/^type=docker,dest=.*: cannot make .* \((ENOENT|ENOTDIR)\): give a dest in a directory this job can write$/),
        },
      ]);
      expect(again.builder.plans).toEqual([]);
    }
    // The twin: a dest in a directory that does not exist yet is made, and written after the build.
    const dest = join(h.workspace, 'out', 'deeper', 'image.tar');
    const ok = await harness({
      images: `${reg.host}/acme/app`,
      version: '1.0.0',
      'insecure-registries': reg.host,
      push: 'false',
      outputs: `type=docker,dest=${dest}`,
    });
    await build(ok.fx);
    expect(existsSync(dest)).toBe(true);
  }, 20_000);

  it('cancelled mid-build: stops the tools, removes the private directory with the secret files, and pushes nothing', async () => {
    const reg = await registry();
    let secretFile = '';
    const h = await harness(
      { images: `${reg.host}/acme/app`, version: '1.0.0', 'insecure-registries': reg.host, secrets: `token=${SECRET}` },
      {
        during: (plan, self) => {
          secretFile = plan.secretFiles[0]!.path;
          expect(existsSync(secretFile)).toBe(true);
          self.cancel(); // SIGTERM arrives while the build runs
          throw new Error('the builder was stopped');
        },
      },
    );
    await expect(build(h.fx)).rejects.toThrow('the builder was stopped');
    expect(h.exec.stopped).toBe(1);
    expect(existsSync(secretFile)).toBe(false);
    expect(await readdir(h.tempDir)).toEqual([]);
    // The push-rights check before the build (a HEAD, an upload opened and cancelled) is all the registry saw.
    expect(uploads(reg)).toEqual([]);
  });

  it('a pull request comment that fails is a warning: the pushed build succeeds', async () => {
    const reg = await registry();
    const h = await harness(
      { images: `${reg.host}/acme/app`, 'insecure-registries': reg.host, 'pr-comment': 'true', 'github-token': 'ghs_testtoken12345' },
      {
        facts: { git: { sha: '0123456789abcdef0123456789abcdef01234567', pullRequest: 7, scheduled: false } },
        env: { GITHUB_REPOSITORY: 'acme/app' },
        comment: async () => Promise.reject(new Error('API rate limit exceeded')),
      },
    );
    await build(h.fx);
    expect(h.comments).toHaveLength(1);
    expect(h.comments[0]).toContain(`${reg.host}/acme/app:pr-7`);
    expect(h.platform.lines.filter((l) => l.level === 'warning').map((l) => l.text)).toEqual([
      'pr-comment: could not comment on pull request #7 (API rate limit exceeded); the image was pushed all the same',
    ]);
    expect(tagsOf(reg, 'acme/app')).toContain('pr-7');
  });

  it('refuses bad inputs before anything is built or written', async () => {
    const h = await harness({ images: 'ghcr.io/acme/app', version: '1.0.0', retries: 'lots', secrets: `token=${SECRET}`, 'build-args': `T=${SECRET}` });
    const e = await failure(build(h.fx));
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).issues.map((i) => i.input)).toEqual(['retries', 'build-args']);
    expect(h.builder.plans).toEqual([]);
    expect(await readdir(h.tempDir)).toEqual([]);
  });
});

// The checkout's commit time is a `git` process (and execa's load, the largest chunk a run that
// stops at its inputs would pay for): asked once the inputs hold, never before (bench/bundle.ts).
describe('the checkout’s commit time', () => {
  /** The processes the run asks for; git answers `time` (or fails, as outside a checkout). */
  const processes = (h: Harness, time?: string) => {
    const asked: string[][] = [];
    h.exec.run = async (file, args) => {
      asked.push([file, ...args]);
      if (file === 'git' && time) return { stdout: `${time}\n`, stderr: '' };
      throw new Error(`${file}: not a git repository`);
    };
    return asked;
  };
  const noCommitTime = { facts: { commitTime: undefined } };

  it('inputs that do not hold: refused with no process started', async () => {
    const h = await harness({ version: '1.0.0' }, noCommitTime);
    const asked = processes(h, '2026-10-01T08:00:00+02:00');
    const e = await failure(build(h.fx));
    expect((e as ConfigError).issues.map((i) => i.input)).toEqual(['images']);
    expect(asked).toEqual([]);
  });

  it('inputs that hold: git asked once, and the image is created at the commit time', async () => {
    const h = await harness({ images: 'r.example/acme/app', version: '1.0.0', push: 'false' }, noCommitTime);
    const asked = processes(h, '2026-10-01T08:00:00+02:00');
    await build(h.fx);
    expect(asked).toEqual([['git', 'log', '-1', '--format=%cI', 'HEAD']]);
    expect(h.platform.log()).toContain("Created 2026-10-01T06:00:00Z (from the checkout's commit time (git))");
  });

  it('not a checkout: the clock, and the log says so', async () => {
    const h = await harness({ images: 'r.example/acme/app', version: '1.0.0', push: 'false' }, noCommitTime);
    const asked = processes(h);
    await build(h.fx);
    expect(asked).toHaveLength(1);
    expect(h.platform.log()).toContain('Created 2026-12-01T12:00:00Z (from the clock (no commit time known: not a git checkout))');
  });

  it('a family: git asked once for all its entries, after the hierarchy file is read', async () => {
    const bad = await harness({ hierarchy: 'missing.yml' }, noCommitTime);
    const refused = processes(bad, '2026-10-01T08:00:00Z');
    expect(await failure(build(bad.fx))).toBeInstanceOf(Error);
    expect(refused).toEqual([]);
    const h = await harness({ hierarchy: 'family.yml', push: 'false' }, noCommitTime);
    await writeFile(
      join(h.workspace, 'family.yml'),
      'images:\n  - { name: a, context: ., version: 1.0.0, images: [r.example/acme/a] }\n  - { name: b, context: ., version: 1.0.0, images: [r.example/acme/b] }\n',
    );
    const asked = processes(h, '2026-10-01T08:00:00Z');
    await failure(build(h.fx));
    expect(asked).toEqual([['git', 'log', '-1', '--format=%cI', 'HEAD']]);
  });
});

describe('post pipeline', () => {
  it('removes the directory a killed main step left, and stops only a process that is an ssh-agent', async () => {
    const h = await harness({});
    const dir = await h.fx.files.makePrivateDir(h.tempDir, 'hoist-');
    await writeFile(join(dir, '.hoist-workdir'), 'a'.repeat(32));
    await writeFile(join(dir, 'secret'), SECRET);
    h.platform.saveState('workdir', dir);
    h.platform.saveState('workdir_mark', 'a'.repeat(32));
    h.platform.saveState('ssh_agent_pid', String(process.pid)); // this test process is not an ssh-agent: left alone
    await post(h.fx);
    expect(existsSync(dir)).toBe(false);
  });

  it.each([
    ['a directory without the mark', async (d: string) => d, 'a'.repeat(32)],
    ['a mark that differs', async (d: string) => (await writeFile(join(d, '.hoist-workdir'), 'b'.repeat(32)), d), 'a'.repeat(32)],
    [
      'a link to a marked directory',
      async (d: string) => (await writeFile(join(d, '.hoist-workdir'), 'a'.repeat(32)), await symlink(d, `${d}-link`), `${d}-link`),
      'a'.repeat(32),
    ],
  ])('deletes nothing when the saved state names %s (a planted state file)', async (_name, plant, mark) => {
    const h = await harness({});
    const victim = await mkdtemp(join(h.tempDir, 'hoist-victim-'));
    await writeFile(join(victim, 'precious'), 'keep me');
    h.platform.saveState('workdir', await plant(victim));
    h.platform.saveState('workdir_mark', mark);
    await post(h.fx);
    expect(existsSync(join(victim, 'precious'))).toBe(true);
    expect(h.platform.lines.map((l) => l.text)).toEqual([expect.stringMatching(/is not a directory this step made \(no mark of its own\): left as it is$/)]);
  });
});
