// The shipped bundle, every file of it: dist/cli.js and dist/index.js are run on the lab through
// each lazily loaded chunk — the CLI's build (a hierarchy file, login-action's YAML credentials:
// the yaml chunk; the hierarchy's plan and one entry's job), promote, merge, stale, tags list/prune,
// audit, inspect (also with --key), push of a layout built without pushing, and the signature
// checks' refusals of an unsigned image (verify, promote --require-signature, a signing build's
// --base-signers), a keyless build, its keyless verify and promote (sign-keyless.test.ts, run here under the recorder), the docker
// path's push transfer (docker-push-transfer.test.ts, likewise); the Action's build with its
// post step and a pull request comment (Octokit, against a GitHub API stand-in), the GitLab
// component's build with a merge request note (GitLab API stand-in), the prune sub-action — each
// process recording the dist/ files it loads (scripts/import-recorder.mjs, an --import hook).
// The audit's decoders are exercised by test/integration/audit-dist.test.ts, run here under the
// same recorder. Then every file in dist/ must have been loaded by some run: a chunk that no
// test reaches — a new lazy import, a bundling change — fails with the sources it holds. The
// nearest real-world failure this stands for: the xz decoder that did not load from dist/ while
// its source tests passed (issue 28).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubApi } from '../support/github-api.js';
import { GitLabApi } from '../support/gitlab-api.js';
import { opensslKey } from '../support/openssl-cosign.js';
import { hoist, lab, password, ROOT, runAction, skopeoDigest, uniqueRepo } from './lab.js';

const execFileAsync = promisify(execFile);

/** Every file of dist/ that Node can load, relative to dist/. */
async function distFiles(): Promise<string[]> {
  const all = (await readdir(join(ROOT, 'dist'), { recursive: true })).map(String);
  return all.filter((f) => f.endsWith('.js')).sort();
}

/** The sources esbuild put into each dist/ file (a fresh in-memory build's metafile), for the failure message. */
async function sourcesOf(): Promise<Record<string, string[]>> {
  const file = join(await mkdtemp(join(tmpdir(), 'hoist-meta-')), 'meta.json');
  await execFileAsync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--check', '--metafile', file]).catch(() => undefined);
  const meta = JSON.parse(await readFile(file, 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
  return Object.fromEntries(Object.entries(meta.outputs).map(([out, o]) => [relative('dist', out), Object.keys(o.inputs)]));
}

describe('every file of dist/ is loaded by a test run', () => {
  const loaded = new Set<string>();
  let log = '';
  let dir = '';
  const { plain, token } = lab().registries;
  const group = `${plain.host}/${uniqueRepo('chunks')}`;
  const previous = process.env.HOIST_IMPORT_LOG;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hoist-chunks-'));
    // Outside the build context: the recorder appends to it during every run, which would change the context's digest.
    log = join(await mkdtemp(join(tmpdir(), 'hoist-imports-')), 'imports.log');
    await writeFile(log, '');
    process.env.HOIST_IMPORT_LOG = log; // lab.ts's hoist() and runAction() pass it on
    await writeFile(join(dir, 'Dockerfile'), `FROM ${plain.host}/lab/busybox:1.36\nRUN echo ${Math.random().toString(36).slice(2)} > /n\n`);
    await writeFile(join(dir, 'family.yml'), `images:\n  - { name: app, context: ., version: 1.2.3, images: [${group}/app] }\n`);
  });

  afterAll(() => {
    if (previous === undefined) delete process.env.HOIST_IMPORT_LOG;
    else process.env.HOIST_IMPORT_LOG = previous;
  });

  /** Another integration file run by vitest with the recorder's log (its output only when it failed). */
  const vitestRun = (file: string, env: Record<string, string> = {}) =>
    execFileAsync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--project', 'integration', file], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', HOIST_IMPORT_LOG: log, ...env },
      maxBuffer: 64 << 20,
    }).then(
      () => ({ code: 0, out: '' }),
      (e: { stdout?: string; stderr?: string; code?: number }) => ({ code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
    );

  // First: audit-dist.test.ts rebuilds dist/ (scripts/build.mjs), and the runs after it must load that dist/.
  it('the audit’s decoders, through test/integration/audit-dist.test.ts under the same recorder', async () => {
    const r = await vitestRun('test/integration/audit-dist.test.ts', { NODE_OPTIONS: `--import=${join(ROOT, 'scripts/import-recorder.mjs')}` });
    expect(r.out, 'audit-dist.test.ts failed').toBe('');
    expect(r.code).toBe(0);
  }, 600_000);

  // sign: keyless loads the Sigstore client (its own chunks) only then: the keyless build on the stand-ins.
  it('sign: keyless, through test/integration/sign-keyless.test.ts under the same recorder', async () => {
    const r = await vitestRun('test/integration/sign-keyless.test.ts');
    expect(r.out, 'sign-keyless.test.ts failed').toBe('');
    expect(r.code).toBe(0);
  }, 300_000);

  // The docker path's opt-in push transfer loads the loopback registry (its own chunk) only then.
  it('the docker push transfer, through test/integration/docker-push-transfer.test.ts under the same recorder', async () => {
    const r = await vitestRun('test/integration/docker-push-transfer.test.ts');
    expect(r.out, 'docker-push-transfer.test.ts failed').toBe('');
    expect(r.code).toBe(0);
  }, 300_000);

  it('the CLI: build (hierarchy, YAML credentials, plan, entry), promote, merge, stale, tags, prune, audit, inspect, push', async () => {
    const insecure = ['--insecure-registries', `${plain.host},${token.host}`];
    // login-action's YAML form, parsed by the yaml chunk.
    const auth = { HOIST_REGISTRY_AUTH: `- registry: ${token.host}\n  username: ${token.username}\n  password: ${password(token.passwordFile)}\n` };
    const built = await hoist(['build', '--hierarchy', 'family.yml', ...insecure, '--json'], { cwd: dir, env: auth });
    expect(built.stderr).not.toContain('YAML does not parse');
    expect(built.code, built.stderr).toBe(0);
    const digest = (await skopeoDigest(`${group}/app:1.2.3`))!;
    expect(digest).toMatch(/^sha256:/);
    const source = `${group}/app@${digest}`;
    const out = await mkdtemp(join(tmpdir(), 'hoist-chunks-out-'));
    const runs = [
      ['promote', '--source', source, '--destinations', `${token.host}/${uniqueRepo('chunks/promoted')}`, '--tags', '1.2.3', ...insecure],
      ['merge', '--images', `${group}/merged`, '--sources', source, '--version', '1.2.3', ...insecure],
      ['stale', '--images', `${group}/app:1.2.3`, ...insecure],
      ['tags', 'list', `${group}/app`, ...insecure],
      ['tags', 'prune', `${group}/app`, '--keep', '1', '--match', 'sha-*', '--dry-run', ...insecure],
      ['audit', `${group}/app:1.2.3`, ...insecure],
      ['inspect', `${group}/app:1.2.3`, ...insecure],
      // The family as CI jobs: the plan (nothing to build now), then the entry's own job (unchanged).
      ['build', '--hierarchy', 'family.yml', '--plan', ...insecure],
      ['build', '--hierarchy', 'family.yml', '--entry', 'app', ...insecure],
      // Build without pushing into an OCI layout, then push that layout.
      ['build', '--images', `${group}/pushed`, '--version', '1.2.4', '--push=false', '--outputs', `type=oci,dest=${join(out, 'layout')}`, ...insecure],
      ['push', join(out, 'layout'), '--images', `${group}/pushed`, '--version', '1.2.4', ...insecure],
    ];
    for (const args of runs) {
      const r = await hoist(args, { cwd: dir, env: { ...auth, HOIST_AUDIT_VALUES: `not-in-the-image-${Math.random()}` } });
      expect(r.code, `hoist ${args.slice(0, 2).join(' ')}: ${r.stderr}`).toBe(0);
    }
    // Signatures (src/trust/, src/sign/): inspect --key; then an unsigned image refused (exit 1) by verify, by promote
    // --require-signature, and as the base of a build with --base-signers that would sign (sign: key reads its key first).
    const key = await opensslKey(out, 'chunks');
    const listed = await hoist(['inspect', `${group}/app:1.2.3`, '--key', key.publicPath, ...insecure], { cwd: dir });
    expect(listed.code, listed.stderr).toBe(0);
    const refusals = [
      ['verify', `${group}/app:1.2.3`, '--key', key.publicPath, ...insecure],
      ['promote', '--source', source, '--destinations', `${group}/refused`, '--require-signature', 'true', '--verify-key', key.publicPath, ...insecure],
      ['build', '--images', `${group}/based`, '--version', '1.2.5', '--base-signers', key.publicPath, '--sign', 'key', ...insecure],
    ];
    for (const args of refusals) {
      const r = await hoist(args, { cwd: dir, env: { ...auth, HOIST_SIGNING_KEY: await readFile(key.privatePath, 'utf8') } });
      expect(r.stderr, `hoist ${args[0]}`).toMatch(/unsigned|no signature/);
      expect(r.code, `hoist ${args[0]}: ${r.stderr}`).toBe(1);
    }
  }, 240_000);

  it('the Action: build and post with a pull request comment; the prune sub-action', async () => {
    await using api = await GitHubApi.start();
    const recorded = JSON.parse(await readFile(join(ROOT, 'test/fixtures/contexts/github-pull-request.json'), 'utf8')) as {
      env: Record<string, string>;
      event: unknown;
    };
    await writeFile(join(dir, 'event.json'), JSON.stringify(recorded.event));
    const r = await runAction({
      workspace: dir,
      post: true,
      env: { ...recorded.env, GITHUB_EVENT_PATH: join(dir, 'event.json'), GITHUB_API_URL: api.url },
      inputs: { images: `${group}/action`, 'insecure-registries': plain.host, 'pr-comment': 'true', 'github-token': 'ghs_chunks' },
    });
    expect(r.errors).toEqual([]);
    expect(r.log).toContain('pr-comment: created the comment on pull request #42');
    const pruned = await runAction({
      workspace: dir,
      actionFile: join(ROOT, 'prune/action.yml'),
      inputs: { repository: `${group}/action`, keep: '1', 'dry-run': 'true', 'insecure-registries': plain.host },
    });
    expect(pruned.errors).toEqual([]);
  }, 180_000);

  it('the GitLab component: build with a merge request note', async () => {
    await using api = await GitLabApi.start();
    const r = await runAction({
      workspace: dir,
      inputs: {},
      env: {
        GITLAB_CI: 'true',
        CI_PROJECT_DIR: dir,
        CI_COMMIT_SHA: '0123456789abcdef0123456789abcdef01234567',
        CI_MERGE_REQUEST_IID: '7',
        CI_API_V4_URL: api.url,
        CI_PROJECT_ID: '42',
        CI_JOB_TOKEN: 'job-token-chunks',
        INPUT_IMAGES: `${group}/gitlab`,
        INPUT_INSECURE_REGISTRIES: plain.host,
        INPUT_MR_COMMENT: 'true',
      },
    });
    expect(r.log).toContain('mr-comment: created the note on merge request !7');
    expect(r.exitCode).toBe(0);
  }, 180_000);

  it('left no file of dist/ unloaded', async () => {
    for (const line of (await readFile(log, 'utf8')).split('\n')) if (line) loaded.add(line);
    const files = await distFiles();
    expect(files).toContain('cli.js');
    const missing = files.filter((f) => !loaded.has(f));
    const sources = missing.length ? await sourcesOf() : {};
    expect(
      missing.map((f) => `${f}: ${(sources[f] ?? ['(not in a fresh build: run npm run build)']).join(', ')}`),
      'dist/ files no test loads, with the sources they hold',
    ).toEqual([]);
  });
});
