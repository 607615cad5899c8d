// Six workflows as the anchors' READMEs write them (docker/build-push-action's "Path context",
// its setup-buildx and secrets examples, docker/metadata-action's "Basic" and "Semver" examples on a tag push,
// a backport and a pull request), moved over to Hoist by changing only the `uses:` line — or, for
// metadata-action, by deleting its step and moving its `tags:`/`flavor:` into Hoist's — and run
// through the shipped action (dist/) against the lab's registry and dockerd. Each says what
// property it stands for: nothing pushed where build-push-action pushed nothing, the tags
// metadata-action made (and only those), floating tags moving forward only, secrets as
// build-push-action hands them over, metadata-action's outputs and DOCKER_METADATA_OUTPUT_*.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFileCommands, lab, run, runAction, uniqueRepo } from './lab.js';

async function workspaceWith(dockerfile: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-ws-'));
  await writeFile(join(dir, 'Dockerfile'), dockerfile);
  return dir;
}

/** The tags a repository has, sorted ([] when it does not exist). */
async function tagsOf(repo: string): Promise<string[]> {
  const out = await run('skopeo', ['list-tags', '--tls-verify=false', `docker://${repo}`]).catch(() => '{"Tags":[]}');
  return ((JSON.parse(out) as { Tags: string[] }).Tags ?? []).sort();
}
const digestOf = async (ref: string) => (await run('skopeo', ['inspect', '--tls-verify=false', '--format', '{{.Digest}}', `docker://${ref}`])).trim();

/** A GitHub event payload and the env a runner sets for it; GITHUB_ENV is a file the test reads. */
async function githubEvent(env: Record<string, string>, payload: object) {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-event-'));
  await writeFile(join(dir, 'event.json'), JSON.stringify(payload));
  await writeFile(join(dir, 'env'), '');
  return {
    env: { ...env, GITHUB_EVENT_PATH: join(dir, 'event.json'), GITHUB_ENV: join(dir, 'env') },
    exported: async () => parseFileCommands(await readFile(join(dir, 'env'), 'utf8')),
  };
}
const repository = {
  name: 'app',
  full_name: 'acme/app',
  html_url: 'https://github.com/acme/app',
  default_branch: 'main',
  private: false,
  visibility: 'public',
};

describe("the anchors' README workflows, moved over", () => {
  const plain = () => lab().registries.plain.host;
  const base = () => `${plain()}/lab/busybox:1.36`;

  // build-push-action README, "Path context" / "Git context": `tags: user/app:latest`, push not set.
  // Property: bpa's push defaults to false, so the same step pushes nothing with Hoist either.
  it('1. a build-push-action step with push not set builds and pushes nothing, and says why', async () => {
    const repo = `${plain()}/${uniqueRepo('readme/unpushed')}`;
    const r = await runAction({
      workspace: await workspaceWith(`FROM ${base()}\nRUN echo ${uniqueRepo('n')} > /n\n`),
      inputs: { context: '.', tags: `${repo}:latest`, builder: 'docker', 'insecure-registries': plain() },
    });
    expect(r.errors).toEqual([]);
    expect(r.log).toMatch(/push is not set and defaults to false there, as in build-push-action/);
    expect(r.outputs.digest).toMatch(/^sha256:/);
    expect(await tagsOf(repo)).toEqual([]);
  }, 120_000);

  // The same README step with `push: true`: exactly the tags given (no sha-/branch tags of Hoist's own).
  it('2. the same step with push: true pushes exactly the tags it names', async () => {
    const repo = `${plain()}/${uniqueRepo('readme/pushed')}`;
    const r = await runAction({
      workspace: await workspaceWith(`FROM ${base()}\nRUN echo ${uniqueRepo('n')} > /n\n`),
      inputs: { context: '.', push: 'true', tags: `${repo}:latest,${repo}:1.0.0`, builder: 'docker', 'insecure-registries': plain() },
    });
    expect(r.errors).toEqual([]);
    expect(await tagsOf(repo)).toEqual(['1.0.0', 'latest']);
  }, 120_000);

  // metadata-action README "Semver" tags on a tag push, then a backport tag push.
  // Property: the rules' tags, metadata-action's outputs and env; floating ones only move forward.
  it("3. metadata-action's semver rules on tag pushes: its tags and outputs, and a backport moves only its own line", async () => {
    const repo = `${plain()}/${uniqueRepo('readme/semver')}`;
    const ws = await workspaceWith(`FROM ${base()}\nARG V\nRUN echo $V > /v\n`);
    const tags = [
      'type=ref,event=branch',
      'type=ref,event=pr',
      'type=semver,pattern={{version}}',
      'type=semver,pattern={{major}}.{{minor}}',
      'type=semver,pattern={{major}}',
    ].join('\n');
    const release = async (version: string) => {
      const ev = await githubEvent({ GITHUB_REF: `refs/tags/v${version}`, GITHUB_EVENT_NAME: 'push' }, { repository });
      const r = await runAction({
        workspace: ws,
        inputs: { images: repo, tags, 'build-args': `V=${version}`, builder: 'docker', 'insecure-registries': plain() },
        env: ev.env,
      });
      expect(r.errors).toEqual([]);
      return { r, exported: await ev.exported() };
    };
    const { r: first, exported } = await release('2.1.0');
    expect(await tagsOf(repo)).toEqual(['2', '2.1', '2.1.0', 'latest']);
    expect(first.outputs.version).toBe('2.1.0');
    expect(first.outputs['tag-names']!.split('\n')).toEqual(['2.1.0', '2.1', '2', 'latest']);
    expect(JSON.parse(first.outputs.json!)).toMatchObject({
      'tag-names': ['2.1.0', '2.1', '2', 'latest'],
      labels: { 'org.opencontainers.image.version': '2.1.0' },
    });
    expect(exported.DOCKER_METADATA_OUTPUT_VERSION).toBe('2.1.0');
    expect(exported.DOCKER_METADATA_OUTPUT_TAGS!.split('\n').sort()).toEqual(['2', '2.1', '2.1.0', 'latest'].map((t) => `${repo}:${t}`));
    const { r: backport } = await release('1.9.3');
    expect(await tagsOf(repo)).toEqual(['1', '1.9', '1.9.3', '2', '2.1', '2.1.0', 'latest']);
    expect(await digestOf(`${repo}:latest`)).toBe(first.outputs.digest);
    expect(await digestOf(`${repo}:2`)).toBe(first.outputs.digest);
    expect(await digestOf(`${repo}:1`)).toBe(backport.outputs.digest);
  }, 240_000);

  // metadata-action README "Basic" (schedule, ref branch/pr, semver, sha) with a flavor prefix, on a pull request.
  // Property: a pull request is tagged pr-N (without the flavor prefix, as metadata-action) and never its head branch.
  it('4. a pull request with the Basic rules and a flavor prefix gets pr-N and its sha tag, never its head branch', async () => {
    const repo = `${plain()}/${uniqueRepo('readme/pr')}`;
    const ev = await githubEvent(
      { GITHUB_REF: 'refs/pull/15/merge', GITHUB_EVENT_NAME: 'pull_request', GITHUB_HEAD_REF: 'main', GITHUB_SHA: 'a9c8c5828b91be19d9728548b24759e352367ef1' },
      { number: 15, pull_request: { number: 15, head: { ref: 'main', sha: '3370e228f2209994d57af4427fe64e71bb79ac96' }, base: { ref: 'main' } }, repository },
    );
    const r = await runAction({
      workspace: await workspaceWith(`FROM ${base()}\nRUN echo ${uniqueRepo('n')} > /n\n`),
      inputs: {
        images: repo,
        tags: 'type=schedule\ntype=ref,event=branch\ntype=ref,event=pr\ntype=semver,pattern={{version}}\ntype=sha',
        flavor: 'prefix=app-',
        builder: 'docker',
        'insecure-registries': plain(),
      },
      env: ev.env,
    });
    expect(r.errors).toEqual([]);
    // type=sha has its own sha- prefix, so the flavor's is not added (metadata-action's rule), as for pr-.
    expect(await tagsOf(repo)).toEqual(['pr-15', 'sha-a9c8c58']);
    expect((await ev.exported()).DOCKER_METADATA_OUTPUT_VERSION).toBe('pr-15');
  }, 120_000);

  // build-push-action README with docker/setup-buildx-action: `builder: ${{ steps.buildx.outputs.name }}`.
  // Property: a buildx instance name is buildx's (as in build-push-action); where there is no buildx
  // (this lab), the error says so and how to build without it — before anything is built or pushed.
  it('6. builder: naming a buildx instance where there is no buildx fails with the way out, nothing built', async () => {
    const repo = `${plain()}/${uniqueRepo('readme/instance')}`;
    const r = await runAction({
      workspace: await workspaceWith(`FROM ${base()}\n`),
      inputs: { context: '.', push: 'true', tags: `${repo}:latest`, builder: 'builder-3f2a9c', 'insecure-registries': plain() },
    });
    expect(r.exitCode).toBe(1);
    expect(r.errors.join('\n')).toMatch(
      /builder: 'builder-3f2a9c' is taken as a buildx builder instance \(build-push-action's meaning\), but .*buildx.*; or set builder: auto/,
    );
    expect(await tagsOf(repo)).toEqual([]);
  }, 60_000);

  // build-push-action README "Secrets": a quoted multi-line secret keeps its final newline, secret-envs
  // comma-separated, a quoted multi-line build-arg, cache-from/cache-to entries with commas kept.
  // Property: the build gets what build-push-action gives it, and nothing of the secret is in the image.
  it('5. secrets, secret-envs and a multi-line build-arg as build-push-action hands them over', async () => {
    const repo = `${plain()}/${uniqueRepo('readme/secrets')}`;
    const key = `-----BEGIN TEST KEY-----\n${uniqueRepo('k').replace(/\W/g, 'x')}AAAAB3NzaC1yc2E\n-----END TEST KEY-----\n`;
    const dockerfile = [
      `FROM ${base()}`,
      'ARG MULTI',
      // The key's last byte is its newline; the env secrets arrive by id; the build arg keeps its lines.
      'RUN --mount=type=secret,id=SSH_KEY --mount=type=secret,id=npm --mount=type=secret,id=gem \\',
      '  test "$(tail -c 1 /run/secrets/SSH_KEY | od -An -c | tr -d \' \')" = "\\n" && \\',
      // (never the values themselves in the Dockerfile: the audit would find them in the image's history, rightly)
      '  test "$(cut -c1-10 /run/secrets/npm)" = "npm-token-" && test "$(wc -c < /run/secrets/gem)" = 20 && \\',
      '  test "$(echo "$MULTI" | wc -l)" = 3 && echo secrets-ok',
      '',
    ].join('\n');
    const r = await runAction({
      workspace: await workspaceWith(dockerfile),
      inputs: {
        images: repo,
        tags: 'v1',
        secrets: `"SSH_KEY=${key}"`,
        'secret-envs': 'npm=NPM_TOKEN,gem=GEM_TOKEN',
        'build-args': '"MULTI=a\nb\nc"',
        'cache-from': `type=registry,ref=${repo}:cache`,
        builder: 'docker',
        'insecure-registries': plain(),
      },
      env: { NPM_TOKEN: 'npm-token-0123456789', GEM_TOKEN: 'gem-token-9876543210' },
    });
    expect(r.errors).toEqual([]);
    expect(r.log).toMatch(/secrets-ok/);
    expect(r.log).not.toContain('npm-token-0123456789');
    expect(await tagsOf(repo)).toContain('v1');
  }, 120_000);
});
