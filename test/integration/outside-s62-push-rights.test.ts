// Push rights are checked before the build, on the docker path through the bundle, against the lab's
// registries: a token registry whose anonymous token may only pull, and a registry nobody listens on,
// end the run before anything is built (exit 2 and 3, naming the registry, where the login comes from
// and the fix); where the rights are there, the check's upload is opened and cancelled, and the
// registry holds nothing of it afterwards. (A wrong password, no login for an htpasswd registry and
// an unknown CA were already found before the build: cli-login-check.test.ts.)
import { readdir, readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hoist, lab, localLayout, password, skopeoDigest, uniqueRepo } from './lab.js';

const dirs: string[] = [];
afterEach(async () => {
  while (dirs.length) await rm(dirs.pop()!, { recursive: true, force: true });
});

/** A context whose build prints a marker of its own (seen only when something was built); `fails`: its RUN exits 7. */
async function context(fails = false): Promise<{ dir: string; marker: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-rights-'));
  dirs.push(dir);
  const marker = `built-${Math.random().toString(36).slice(2)}`;
  const run = `echo ${marker} > /marker${fails ? ' && exit 7' : ''}`;
  await writeFile(join(dir, 'Dockerfile'), `FROM ${lab().registries.plain.host}/lab/busybox:1.36\nRUN ${run}\n`);
  return { dir, marker };
}

/**
 * What the lab registry `name` stores for `path`: its live upload sessions (a folder under _uploads
 * with the session's `startedat` or `data`) and its blob links (none when the repository was never made).
 * distribution 2.8 answers the DELETE of a session 204 and then finds it unknown (404), but its storage
 * keeps a `hashstates/` stub of it — for every client's cancel — which is no session: not counted.
 */
async function stored(name: 'tls' | 'token', path: string): Promise<{ uploads: string[]; layers: string[] }> {
  const repo = join(lab().dir, 'registry', name, 'data/docker/registry/v2/repositories', path);
  const list = (sub: string) => readdir(join(repo, sub)).catch(() => [] as string[]);
  const live = async (id: string) => (await list(`_uploads/${id}`)).some((f) => f === 'startedat' || f === 'data');
  const uploads = [];
  for (const id of await list('_uploads')) if (await live(id)) uploads.push(id);
  return { uploads, layers: await list('_layers/sha256') };
}

/** The registry's access-log lines for `path` (method, path, status). */
async function accessLog(name: 'tls' | 'token', path: string): Promise<string[]> {
  const text = await readFile(join(lab().dir, 'log', `registry-${name}.log`), 'utf8');
  const line = new RegExp(`"(POST|DELETE|PUT|PATCH) (/v2/${path}/blobs/uploads/\\S*) HTTP/[0-9.]+" (\\d+)`);
  return text.split('\n').flatMap((l) => {
    const m = line.exec(l);
    return m ? [`${m[1]} ${m[2]!.replace(/uploads\/[^?\s]+.*$/, 'uploads/SESSION')} ${m[3]}`] : [];
  });
}

const { plain, tls, token } = lab().registries;

describe('push rights before the build (docker path)', () => {
  // Nearest real-world variant: a job pushing to Docker Hub / GHCR without a login; the anonymous
  // token reads a public repository, so the login check passed and the push failed after the build.
  it('a token registry whose anonymous token may only pull: exit 2 before the build, naming the registry and HOIST_REGISTRY_AUTH', async () => {
    const { dir, marker } = await context();
    const path = uniqueRepo('rights/anon');
    const repo = `${token.host}/${path}`;
    const started = Date.now();
    const r = await hoist(['build', '--images', repo, '--version', '1.0.0', '--retries', '0', '--insecure-registries', `${plain.host},${token.host}`], {
      cwd: dir,
    });
    expect(r.code, r.stderr).toBe(2);
    const error = r.stderr.split('\n').find((l) => l.startsWith('error: '));
    const host = token.host.replaceAll('.', '\\.');
    expect(error).toMatch(
      new RegExp(
        `^error: HOIST_REGISTRY_AUTH or --registry-auth-file: ${repo.replaceAll('.', '\\.')}: no login was found for ${host}, and anonymous access may not push there \\(checked before the build: .*\\): add it to HOIST_REGISTRY_AUTH or --registry-auth-file \\(${host}=USERNAME:PASSWORD\\), or run docker login ${host}$`,
      ),
    );
    expect(error).toMatch(/checked before the build: [^)]*401/);
    expect(r.stderr).not.toContain(marker);
    expect(r.stderr).not.toMatch(/audit:|Traceback|\n\s+at /);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await stored('token', path)).toEqual({ uploads: [], layers: [] });
  }, 60_000);

  // Nearest real-world variant: two registries, one of them a mirror the job's login may only read.
  it('two targets, one of them pull-only: exit 2 naming only that one; nothing built, nothing pushed to the other', async () => {
    const { dir, marker } = await context();
    const denied = `${token.host}/${uniqueRepo('rights/mixed')}`;
    const allowed = `${tls.host}/${uniqueRepo('rights/mixed')}`;
    const r = await hoist(
      [
        'build',
        '--images',
        `${allowed},${denied}`,
        '--version',
        '1.0.0',
        '--retries',
        '0',
        '--registry-ca',
        `${tls.host}=${tls.ca}`,
        '--insecure-registries',
        `${plain.host},${token.host}`,
      ],
      { cwd: dir, env: { HOIST_REGISTRY_AUTH: `${tls.host}=${tls.username}:${password(tls.passwordFile)}` } },
    );
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error: '))).toEqual([expect.stringContaining(`${denied}: no login was found for ${token.host}`)]);
    expect(r.stderr).not.toContain(marker);
    expect(await skopeoDigest(`${allowed}:1.0.0`, { certDir: tls.certDir, username: tls.username, passwordFile: tls.passwordFile })).toBeUndefined();
  }, 60_000);

  // Nearest real-world variant: a registry host written with the wrong port, or not started yet.
  it('the only push target refuses connections: exit 3 before the build, naming it, ECONNREFUSED and the fix', async () => {
    const { dir, marker } = await context();
    const down = '127.0.0.1:9'; // discard: nothing listens
    const repo = `${down}/${uniqueRepo('rights/down')}`;
    const r = await hoist(['build', '--images', repo, '--version', '1.0.0', '--retries', '0', '--insecure-registries', `${plain.host},${down}`], { cwd: dir });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(
      new RegExp(
        `^error: ${repo} \\(ECONNREFUSED: [^)]*\\): the push target could not be reached before the build, so nothing was built: check that the registry runs there`,
        'm',
      ),
    );
    expect(r.stderr).not.toContain(marker);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  // `hoist push LAYOUT` builds nothing: the same check's words name the push. Nearest real-world variant: a layout from
  // `skopeo copy … oci:DIR` (here the bundle's own `--outputs type=oci`) pushed to a registry typed with the wrong port.
  it('hoist push LAYOUT to a target nobody listens on: exit 3 before the push, "nothing was pushed", no word of a build', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-rights-'));
    dirs.push(dir);
    const { layout } = await localLayout(dir, 'echo layout > /v', ['--version', '1.0.0']);
    const down = '127.0.0.1:9';
    const repo = `${down}/${uniqueRepo('rights/layout-down')}`;
    const r = await hoist(['push', layout, '--images', repo, '--version', '1.0.0', '--retries', '0', '--insecure-registries', down], { cwd: dir });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(
      new RegExp(`^error: ${repo} \\(ECONNREFUSED: [^)]*\\): the push target could not be reached before the push, so nothing was pushed: check`, 'm'),
    );
    expect(r.stderr).not.toMatch(/build|\n\s+at /);
  }, 60_000);

  // Nearest real-world variant: a registry's _uploads folder filling with a session per CI job
  // (distribution keeps an uncancelled one for 7 days). The build fails on purpose, so that what the
  // registry holds of the repository afterwards is what the check left: nothing.
  it.each([
    {
      name: 'tls' as const,
      host: tls.host,
      user: tls.username,
      file: tls.passwordFile,
      flags: ['--registry-ca', `${tls.host}=${tls.ca}`, '--insecure-registries', plain.host],
    },
    {
      name: 'token' as const,
      host: token.host,
      user: token.username,
      file: token.passwordFile,
      flags: ['--insecure-registries', `${plain.host},${token.host}`],
    },
  ])(
    '$name: with push rights the check opens an upload and cancels it, the build runs, and the registry holds nothing of the check',
    async (c) => {
      const { dir, marker } = await context(true);
      const path = uniqueRepo('rights/ok');
      expect(await stored(c.name, path)).toEqual({ uploads: [], layers: [] });
      const r = await hoist(['build', '--images', `${c.host}/${path}`, '--version', '1.0.0', '--retries', '0', ...c.flags], {
        cwd: dir,
        env: { HOIST_REGISTRY_AUTH: `${c.host}=${c.user}:${password(c.file)}` },
      });
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toContain(marker);
      const log = await accessLog(c.name, path);
      expect([log.some((l) => /^POST \S+\/blobs\/uploads\/ 202$/.test(l)), log.some((l) => /^DELETE \S+\/uploads\/SESSION 204$/.test(l))]).toEqual([
        true,
        true,
      ]);
      // Nothing else was written: no chunk, no blob (a challenge's 401 aside).
      expect(log.filter((l) => !/ 401$/.test(l) && !/^(POST \S+ 202|DELETE \S+ 204)$/.test(l))).toEqual([]);
      expect(await stored(c.name, path)).toEqual({ uploads: [], layers: [] });
    },
    90_000,
  );
});
