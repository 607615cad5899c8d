import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConfigError } from '../core/errors.js';
import type { CiContext } from '../platform/platform.js';
import { SecretCatalog } from '../secrets/catalog.js';
import { readBuildInputs } from '../plan/inputs.js';
import { parseList } from './read.js';
import { ctx, reader, parseConfig, secretValues, issuesOf } from '../../test/support/inputs.js';

const noCommit: CiContext = { ...ctx, facts: { ...ctx.facts, git: { scheduled: false } } };

describe('parseList', () => {
  it('splits on newlines and commas, honours CSV quotes, drops comments and blanks', async () => {
    expect(parseList('a, b\n\n# note\n"c,d"\ne')).toEqual(['a', 'b', 'c,d', 'e']);
  });
});

describe('parseConfig', () => {
  it('reads a full set of inputs', async () => {
    const c = await parseConfig(
      reader({
        images: 'ghcr.io/acme/app\n127.0.0.1:5100/acme/app',
        context: 'app',
        version: 'v1.2.3',
        secrets: 'npm=abc=def\ngem=xyz',
        'secret-files': 'cert=certs/ca.pem',
        ssh: 'default\ngit=/keys/id',
        'build-args': 'A=1',
        labels: 'org.example=x',
        'registry-auth': 'ghcr.io=bot:pa:ss',
        'registry-ca': '127.0.0.1:5100=ca.pem',
        'insecure-registries': '127.0.0.1:5100',
        push: 'false',
        retries: '5',
        concurrency: '12',
      }),
      ctx,
    );
    expect(c.release.images.map((i) => `${i.repository.host}/${i.repository.path}`)).toEqual(['ghcr.io/acme/app', '127.0.0.1:5100/acme/app']);
    expect(c.source.context).toBe('/ws/app');
    expect(c.source.file).toBe('/ws/app/Dockerfile');
    expect(c.release.images[0]!.tags.map((t) => t.tag)).toEqual(['1.2.3', '1.2', '1', 'latest', 'sha-abcdef0', 'main']);
    expect(c.release.created).toEqual({ created: '2026-11-20T08:30:00Z', from: 'the commit time' });
    expect(c.secrets.secrets).toEqual([
      { kind: 'value', id: 'npm', value: 'abc=def', input: 'secrets' },
      { kind: 'value', id: 'gem', value: 'xyz', input: 'secrets' },
      { kind: 'file', id: 'cert', path: '/ws/certs/ca.pem', input: 'secret-files' },
    ]);
    expect(c.secrets.ssh).toEqual([
      { id: 'default', paths: [] },
      { id: 'git', paths: ['/keys/id'] },
    ]);
    expect(c.transfer.registries.get('ghcr.io')).toMatchObject({ username: 'bot', password: 'pa:ss', insecure: false });
    expect(c.transfer.registries.get('127.0.0.1:5100')).toMatchObject({ caFile: '/ws/ca.pem', insecure: true });
    expect(c.delivery.push).toBe(false);
    expect(c.transfer.retries).toBe(5);
    expect(c.transfer.concurrency).toBe(12);
    // The password is hidden as itself and as the Basic authorization that carries it (base64 of bot:pa:ss).
    expect(secretValues(c).sort()).toEqual([Buffer.from('bot:pa:ss').toString('base64'), 'abc=def', 'pa:ss', 'xyz'].sort());
  });

  it('collects every problem at once, each naming its input', async () => {
    const issues = await issuesOf({
      images: '',
      version: 'two',
      secrets: 'no-equals-here',
      'tag-latest': 'sometimes',
      push: 'yes',
      retries: '-1',
      concurrency: '0',
      'registry-auth': 'ghcr.io',
    });
    expect(issues.map((i) => i.input).sort()).toEqual(['concurrency', 'images', 'push', 'registry-auth', 'retries', 'secrets', 'tag-latest', 'version']);
  });

  it("reads metadata-action's annotation levels; an unknown level is an input error", async () => {
    const c = await parseConfig(
      reader({
        images: 'a/b',
        tags: 't',
        annotations: [
          'org.opencontainers.image.title=plain',
          'manifest:org.opencontainers.image.description=m',
          'index,manifest-descriptor:org.opencontainers.image.vendor=acme, inc',
          'manifest[linux/arm64]:com.acme.arch=arm',
        ].join('\n'),
      }),
      ctx,
    );
    expect(c.metadata.annotations).toEqual([
      ['org.opencontainers.image.title', 'plain'],
      ['org.opencontainers.image.description', 'm'],
    ]);
    expect(c.metadata.leveledAnnotations.map((a) => [a.prefix, a.levels, a.platform, a.key])).toEqual([
      ['', ['manifest'], undefined, 'org.opencontainers.image.title'],
      ['manifest', ['manifest'], undefined, 'org.opencontainers.image.description'],
      ['index,manifest-descriptor', ['index', 'manifest-descriptor'], undefined, 'org.opencontainers.image.vendor'],
      ['manifest[linux/arm64]', ['manifest'], 'linux/arm64', 'com.acme.arch'],
    ]);
    expect(await issuesOf({ images: 'a/b', tags: 't', annotations: 'manifests:org.x=1\nindex:org.y=2' })).toEqual([
      { input: 'annotations', message: "'manifests:org.x': unknown level 'manifests': the levels are manifest, index, manifest-descriptor, index-descriptor" },
    ]);
  });

  it('reads tag-suffix with onlatest, and refuses what a tag cannot hold', async () => {
    const c = await parseConfig(reader({ images: 'a/b', version: '1.0.0', 'tag-suffix': '-alpine, onlatest=true' }), ctx);
    expect(c.tags.variant).toEqual({ prefix: '', suffix: '-alpine', prefixOnLatest: false, suffixOnLatest: true });
    expect(c.release.images[0]!.tags.map((t) => t.tag)).toContain('latest-alpine');
    expect(await issuesOf({ images: 'a/b', version: '1.0.0', 'tag-prefix': 'a b', 'tag-suffix': '-x,latest=true' })).toEqual([
      { input: 'tag-prefix', message: "'a b' cannot be part of a tag: letters, digits, '_', '.', '-'" },
      { input: 'tag-suffix', message: "'latest=true' is not an option: only onlatest=true|false follows the suffix" },
    ]);
  });

  it("reads build-push-action's other build options, and names a malformed one", async () => {
    const c = await parseConfig(
      reader({ images: 'a/b', tags: 't', 'shm-size': '2g', ulimit: 'nofile=1024:2048', allow: 'network.host', attests: 'type=sbom,generator=x' }),
      ctx,
    );
    expect(c.builder.extras).toEqual({
      shmSize: 2 * 1024 ** 3,
      ulimits: ['nofile=1024:2048'],
      allow: ['network.host'],
      noCacheFilters: [],
      attests: ['type=sbom,generator=x'],
      call: 'build',
    });
    expect((await parseConfig(reader({ images: 'a/b', tags: 't', call: 'check,error=true' }), ctx)).builder.extras.call).toBe('check,error=true');
    expect(
      (await issuesOf({ images: 'a/b', tags: 't', 'shm-size': 'big', ulimit: 'nofile', allow: 'root', attests: 'sbom', call: 'lint' })).map((i) => i.input),
    ).toEqual(['shm-size', 'ulimit', 'allow', 'attests', 'call']);
  });

  it.each([
    ['https://github.com/acme/app.git#v2.1.0:docker', { url: 'https://github.com/acme/app.git', ref: 'v2.1.0', subdir: 'docker' }],
    ['git@github.com:acme/app.git#main', { url: 'git@github.com:acme/app.git', ref: 'main' }],
    ['ssh://git@git.acme:2222/team/app.git', { url: 'ssh://git@git.acme:2222/team/app.git' }],
    ['https://github.com/acme/app', { url: 'https://github.com/acme/app' }],
  ])('reads the git context %s', async (context, git) => {
    const c = await parseConfig(reader({ images: 'a/b', tags: 't', context }), ctx);
    expect(c.source.git).toEqual(git);
  });

  /**
   * Property: BuildKit's query form (`?ref=`, `?tag=`, `?branch=`, `?subdir=`, `?commit=`) and Docker's
   * `github.com/owner/repo` are read as the ref and subdirectory `#ref:subdir` gives. Nearest real
   * variant: `docker buildx build 'https://github.com/user/myrepo.git?ref=main&subdir=docker'`.
   */
  it.each([
    ['https://github.com/acme/app.git?ref=main&subdir=docker', { url: 'https://github.com/acme/app.git', ref: 'main', subdir: 'docker' }],
    ['https://github.com/acme/app.git?branch=dev', { url: 'https://github.com/acme/app.git', ref: 'refs/heads/dev' }],
    ['git@github.com:acme/app.git?tag=v1.2.0#refs/tags/v1.2.0:a/b', { url: 'git@github.com:acme/app.git', ref: 'refs/tags/v1.2.0', subdir: 'a/b' }],
    ['https://github.com/acme/app.git?submodules=true&keep-git-dir', { url: 'https://github.com/acme/app.git' }],
    ['github.com/acme/app#main:docker', { url: 'https://github.com/acme/app', ref: 'main', subdir: 'docker' }],
  ])('reads the git context %s (BuildKit query form, github.com/ shorthand)', async (context, git) => {
    const c = await parseConfig(reader({ images: 'a/b', tags: 't', context }), ctx);
    expect(c.source.git).toEqual(git);
  });

  /** Property: a directory named github.com/owner/repo in the workspace is the context, as docker build takes a local directory first. */
  it('github.com/acme/app is the directory of that name when the workspace has one', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'hoist-gopath-'));
    mkdirSync(join(workspace, 'github.com', 'acme', 'app'), { recursive: true });
    const c = await parseConfig(reader({ images: 'a/b', tags: 't', context: 'github.com/acme/app' }), { ...ctx, workspace });
    expect([c.source.git, c.source.context]).toEqual([undefined, join(workspace, 'github.com', 'acme', 'app')]);
  });

  /** Property: a query BuildKit refuses, or one Hoist's clone cannot honour, is an input error naming context. */
  it.each([
    ['?reff=main', "'reff' is not one BuildKit reads"],
    ['?ref=a&ref=b', "'ref' is given more than once"],
    ['?ref=main#dev', "the refs 'dev' and 'main' disagree"],
    ['?subdir=a#main:b', "the subdirectories 'b' and 'a' disagree"],
    ['?commit=abc123', "'abc123' is not a full commit id"],
    [`?ref=main&commit=${'a'.repeat(40)}`, 'a commit and a ref (main) together'],
    ['?submodules=false', 'always fetches the submodules'],
    ['?subdir=', "'subdir' has no value"],
  ])('refuses the query %s naming context', async (query, message) => {
    const issues = await issuesOf({ images: 'a/b', tags: 't', context: `https://github.com/acme/app.git${query}` });
    expect(issues.map((i) => [i.input, i.message.includes(message)])).toEqual([['context', true]]);
  });

  /** Property: a query key BuildKit does not read is named without its value: it may be a token. */
  it('names ?access_token=… without the token', async () => {
    const token = 'ghp_0123456789abcdefABCDEF0123456789abcd';
    const issues = await issuesOf({ images: 'a/b', tags: 't', context: `https://github.com/acme/app.git?ref=main&access_token=${token}` });
    expect(issues.map((i) => [i.input, i.message.includes("'access_token' is not one BuildKit reads"), i.message.includes(token)])).toEqual([
      ['context', true, false],
    ]);
  });

  it('refuses a URL context that is no git repository, and a subdirectory outside it', async () => {
    expect(await issuesOf({ images: 'a/b', tags: 't', context: 'https://example.com/ctx.tar.gz' })).toEqual([
      { input: 'context', message: expect.stringMatching(/is a URL but not a git repository/) },
    ]);
    expect(await issuesOf({ images: 'a/b', tags: 't', context: 'https://github.com/acme/app.git#main:../etc' })).toEqual([
      { input: 'context', message: "'../etc' must be a directory inside the repository" },
    ]);
  });

  it('never echoes a secret value in a message', async () => {
    const issues = await issuesOf({ images: 'ghcr.io/a/b', secrets: 'ok=fine\nsupersecretvalue-without-id\ndup=1\ndup=2', 'registry-auth': 'ghcr.io=user:' });
    const text = issues.map((i) => i.message).join('\n');
    expect(text).toContain('entry 2');
    expect(text).toContain("'dup' is given more than once");
    expect(text.includes('supersecretvalue')).toBe(false);
  });

  it.each([
    [{ images: 'ghcr.io/acme/app:1.0' }, 'images', /names a tag/],
    [{ images: 'ghcr.io/Acme/app' }, 'images', /lower case/],
    [{ images: 'a/b', secrets: 'empty=' }, 'secrets', /empty value/],
    [{ images: 'a/b', ssh: 'bad id=/x' }, 'ssh', /not an ssh id/],
  ])('%j → %s', async (inputs, input, message) => {
    expect(await issuesOf(inputs)).toEqual([{ input, message: expect.stringMatching(message) }]);
  });

  it('needs some tag', async () => {
    expect(await issuesOf({ images: 'a/b' }, noCommit)).toEqual([{ input: 'tags', message: expect.stringMatching(/a\/b gets no tag/) }]);
  });

  /** Property: the rules' reason is in the message when they make no tag. Nearest real variant: value=1.2.3.4 (a four-part version). */
  it('says why the tags rules made no tag', async () => {
    expect(await issuesOf({ images: 'a/b', tags: 'type=semver,pattern={{version}},value=1.2.3.4' })).toEqual([
      { input: 'tags', message: expect.stringMatching(/^docker\.io\/a\/b gets no tag \(1\.2\.3\.4 is not a valid semver .*\): set version/) },
    ]);
  });

  /**
   * Property: a tags line that is an expression alone is a raw rule (metadata-action reads a line
   * without type= as type=raw). Nearest real variant: `{{branch}}`, `{{branch}}-{{sha}}`, `v{{date 'YYYYMMDD'}}`.
   */
  it.each([
    ['{{branch}}', ['main']],
    ['{{branch}}-{{sha}}\ntype=ref,event=branch', ['main', 'main-abcdef0']], // type=ref's priority (600) before raw's (200)
    ["nightly-{{date 'YYYY'}}", [`nightly-${new Date().getUTCFullYear()}`]],
  ])('the tags line %j is rendered', async (tags, expected) => {
    const c = await parseConfig(reader({ images: 'ghcr.io/acme/app', tags }), ctx);
    expect(c.release.images[0]!.tags.map((t) => t.tag)).toEqual(expected);
  });

  it('reads multi-line and JSON secrets in double quotes, as build-push-action users write them', async () => {
    const pem = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----';
    const c = await parseConfig(
      reader({
        images: 'a/b',
        secrets: `"deploy_key=${pem}"\nnpmrc=//registry.npmjs.org/:_authToken=abc#def\n"json={""a"":1,""b"":[2,3]}"\n# a comment\nplain=x,y`,
      }),
      ctx,
    );
    expect(c.secrets.secrets.map((x) => [x.id, x.kind === 'value' ? x.value : ''])).toEqual([
      ['deploy_key', pem],
      ['npmrc', '//registry.npmjs.org/:_authToken=abc#def'],
      ['json', '{"a":1,"b":[2,3]}'],
      ['plain', 'x,y'],
    ]);
  });

  it('reads secret-envs from the environment, and refuses a missing or empty one', async () => {
    const env = { ...ctx, env: { NPM_TOKEN: 'tok-123456789', EMPTY: '' } };
    const c = await parseConfig(reader({ images: 'a/b', 'secret-envs': 'npm=NPM_TOKEN' }), env);
    expect(c.secrets.secrets).toEqual([{ kind: 'value', id: 'npm', value: 'tok-123456789', input: 'secret-envs' }]);
    expect(secretValues(c)).toEqual(['tok-123456789']);
    expect((await issuesOf({ images: 'a/b', 'secret-envs': 'a=MISSING\nb=EMPTY\nc=not a name' }, env)).map((i) => i.message)).toEqual([
      "secret 'a': the environment variable MISSING is not set; the build would run without it",
      "secret 'b': the environment variable EMPTY is empty; the build would run without it",
      "secret 'c': the value given is not an environment variable name (give its name, NPM_TOKEN, not $NPM_TOKEN); it is not printed",
    ]);
  });

  it('refuses a build argument that carries a secret value, without echoing it', async () => {
    const issues = await issuesOf({ images: 'a/b', secrets: 'token=s3cr3t-value-1234', 'build-args': 'TOKEN=s3cr3t-value-1234\nOTHER=fine' });
    expect(issues).toEqual([{ input: 'build-args', message: expect.stringMatching(/^TOKEN has the value of secret 'token' \(secrets\)/) }]);
    expect(issues[0]!.message.includes('s3cr3t')).toBe(false);
  });

  it.each([
    [{ 'audit-values': 'value-to-look-for-1', 'build-args': 'X=value-to-look-for-1' }, /X has the value of audit-values line 1/],
    [{ 'registry-auth': 'ghcr.io=bot:pw-123456789', 'build-args': 'PW=pw-123456789' }, /PW has the value of the registry-auth password for ghcr.io/],
    [{ 'github-token': 'ghs_abcdefghijkl', 'build-args': 'T=ghs_abcdefghijkl' }, /T has the value of github-token/],
  ])('refuses a build argument carrying any secret of the catalog (%j)', async (inputs, message) => {
    expect(await issuesOf({ images: 'a/b', ...inputs })).toEqual([{ input: 'build-args', message: expect.stringMatching(message) }]);
  });

  /**
   * Property: a secret file's path may hold spaces; it is then never printed (it may be a secret's text).
   * Nearest real variant: a macOS runner's `/Users/runner/work/My Project/My Project/certs/ca.pem`.
   */
  it('reads a secret-files path with spaces, marked not to be printed', async () => {
    const c = await parseConfig(reader({ images: 'a/b', tags: 't', 'secret-files': 'cert=My Project/certs/ca cert.pem\nplain=certs/ca.pem' }), ctx);
    expect(c.secrets.secrets).toEqual([
      { kind: 'file', id: 'cert', path: '/ws/My Project/certs/ca cert.pem', input: 'secret-files', unshown: true },
      { kind: 'file', id: 'plain', path: '/ws/certs/ca.pem', input: 'secret-files' },
    ]);
  });

  it.each([
    ['secret-files', 'npm=//registry.npmjs.org/:_authToken=npm_0123456789abcdef'],
    ['secret-envs', 'npm=npm_0123456789abcdef'],
    ['ssh', 'default=-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA0123456789\n-----END OPENSSH PRIVATE KEY-----'],
    ['ssh', 'deploy=/keys/id,ghp_0123456789abcdef:x'],
  ])('%s holding a secret where a name or path belongs: refused without printing it, and hidden', async (input, raw) => {
    let hiddenValues: string[] = [];
    const issues = await (async () => {
      try {
        const values: string[] = [];
        hiddenValues = values;
        await readBuildInputs(reader({ images: 'a/b', [input]: raw }), ctx, new SecretCatalog((v) => values.push(v)));
        return [];
      } catch (e) {
        return (e as ConfigError).issues;
      }
    })();
    expect(issues).toEqual([{ input, message: expect.stringMatching(/it is not printed$/) }]);
    const text = JSON.stringify(issues);
    for (const part of raw.split(/[=\n,]/).filter((p) => p.length > 12)) expect(text.includes(part), part).toBe(false);
    expect(hiddenValues).toContain(raw);
  });

  it.each([
    ['labels', 'org.example.token=tok-9f8e7d6c5b4a'],
    ['annotations', 'note=uses tok-9f8e7d6c5b4a for npm'],
  ])('refuses %s carrying a secret, as it refuses build arguments', async (input, pair) => {
    const issues = await issuesOf({ images: 'a/b', secrets: 'npm=tok-9f8e7d6c5b4a', [input]: pair });
    expect(issues).toEqual([
      { input, message: expect.stringMatching(new RegExp(`(has|contains) the value of secret 'npm' \\(secrets\\): ${input} are published with the image`)) },
    ]);
    expect(issues[0]!.message).not.toContain('tok-9f8e7d6c5b4a');
  });

  it('goes on without version tags from a git tag that is no version, when auto-tags asks for none (as metadata-action)', async () => {
    const tagged: CiContext = { ...ctx, facts: { ...ctx.facts, git: { ...ctx.facts.git, tag: 'sometag' } } };
    const c = await parseConfig(reader({ images: 'a/b', 'auto-tags': 'sha' }), tagged);
    expect(c.release.version).toBeUndefined();
    expect(c.release.images[0]!.tags.map((t) => t.tag)).toEqual(['sha-abcdef0']);
    expect(c.release.warnings).toEqual(["the git tag 'sometag' is not a semantic version: no version tags (auto-tags does not ask for them)"]);
    expect(await issuesOf({ images: 'a/b' }, tagged)).toEqual([
      { input: 'version', message: expect.stringMatching(/the git tag 'sometag' .* is not a semantic version/) },
    ]);
  });

  it('names the pull request head in the sha- tag and the revision with sha-source: head (the merge commit by default)', async () => {
    const pr: CiContext = { ...ctx, facts: { ...ctx.facts, git: { sha: '1111111aaaaaaa', headSha: '2222222bbbbbbb', pullRequest: 7, scheduled: false } } };
    const merge = await parseConfig(reader({ images: 'a/b' }), pr);
    expect(merge.release.images[0]!.tags.map((t) => t.tag)).toContain('sha-1111111');
    expect(merge.release.revision).toBe('1111111aaaaaaa');
    const head = await parseConfig(reader({ images: 'a/b', 'sha-source': 'head' }), pr);
    expect(head.release.images[0]!.tags.map((t) => t.tag)).toEqual(expect.arrayContaining(['sha-2222222', 'pr-7']));
    expect(head.release.revision).toBe('2222222bbbbbbb');
    expect(await issuesOf({ images: 'a/b', 'sha-source': 'branch' }, pr)).toEqual([{ input: 'sha-source', message: "'branch' is not one of merge, head" }]);
  });

  it('reports an unterminated quoted secret without quoting it', async () => {
    const issues = await issuesOf({ images: 'a/b', secrets: 'ok=1\n"key=-----BEGIN\nabc' });
    expect(issues).toEqual([{ input: 'secrets', message: expect.stringMatching(/cannot be read .*double quotes/) }]);
    expect(issues[0]!.message.includes('BEGIN')).toBe(false);
  });

  it('reads ssh-key, its passphrase and pinned host keys; the key and passphrase are secrets', async () => {
    const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----';
    const c = await parseConfig(
      reader({ images: 'a/b', 'ssh-key': key, 'ssh-key-passphrase': 'pp-123456', 'ssh-known-hosts': '# pinned\n[git.acme]:2222 ssh-ed25519 AAAAC3Nz' }),
      ctx,
    );
    expect([c.secrets.sshKey, c.secrets.sshKeyPassphrase, c.secrets.knownHosts]).toEqual([key, 'pp-123456', '# pinned\n[git.acme]:2222 ssh-ed25519 AAAAC3Nz']);
    expect(secretValues(c)).toEqual([key, 'pp-123456']);
  });

  // Property: a passphrase read from a file (a GitLab File-type variable) is the passphrase, without the
  // file's final line break. Nearest real-world variant: the file written on Windows (CRLF), and by echo (LF).
  it('reads ssh-key-passphrase without the final line break of the file it came from, CRLF or LF', async () => {
    const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----';
    for (const given of ['pp-123456\r\n', 'pp-123456\n', 'pp-123456'])
      expect((await parseConfig(reader({ images: 'a/b', 'ssh-key': key, 'ssh-key-passphrase': given }), ctx)).secrets.sshKeyPassphrase).toBe('pp-123456');
  });

  // Property: a registry given alone where a repository belongs is named as a registry. Nearest
  // real-world variants: the same registry with a repository (accepted), and app:1 (a name and a tag).
  it('names a registry given alone in images as a registry, not a tag; app:1 stays a tag', async () => {
    for (const alone of ['127.0.0.1:5100', 'registry.acme', 'localhost:5000'])
      expect(await issuesOf({ images: alone, tags: 'x' })).toEqual([
        { input: 'images', message: `'${alone}' is a registry, not a repository: give REGISTRY/REPOSITORY, e.g. ${alone}/team/app` },
      ]);
    expect(await issuesOf({ images: '127.0.0.1:5100/team/app', tags: 'x' })).toEqual([]);
    expect(await issuesOf({ images: 'app:1', tags: 'x' })).toEqual([{ input: 'images', message: expect.stringMatching(/names a tag/) }]);
  });

  // Property: a reference written as people paste it is refused with the reference to write. Nearest
  // real-world variants: `ghcr.io/${{ github.repository }}` (GitHub keeps the owner's capitals;
  // docker/metadata-action lowercases them), a registry URL pasted from a browser, a trailing slash
  // from a variable joined with one. Before, only the parser's reason ("'Octo-Org' must be lower case").
  it.each([
    ['ghcr.io/Octo-Org/App', "'Octo-Org' must be lower case: write ghcr.io/octo-org/app"],
    ['https://ghcr.io/octo/app', "'https:' is not a valid registry host: a reference has no https:// — write ghcr.io/octo/app"],
    ['ghcr.io/octo/app/', "'' is not a valid repository name component (a trailing /): write ghcr.io/octo/app"],
    ['registry.acme//team/app', "'' is not a valid repository name component (a doubled /): write registry.acme/team/app"],
  ])('names %s with the reference to write', async (given, message) => {
    expect(await issuesOf({ images: given, tags: 'x' })).toEqual([{ input: 'images', message: `'${given}': ${message}` }]);
  });

  // Property: a login written into a reference (a git remote's habit: https://user:token@host/…) is
  // never echoed — not in the reference shown, nor in the reference to write. Before, the error
  // quoted the whole line, token and all; a `name@sha256:` digest is no login.
  it.each([
    [
      'https://bob:ghp_S3cretToken0123@ghcr.io/acme/app',
      "'https://***@ghcr.io/acme/app': a reference holds no login (give it in registry-auth) — write ghcr.io/acme/app",
    ],
    ['bob:ghp_S3cretToken0123@ghcr.io/acme/app', "'***@ghcr.io/acme/app': a reference holds no login (give it in registry-auth) — write ghcr.io/acme/app"],
    ['bob:ghp_S3cretToken0123@ghcr.io', "'***@ghcr.io': a reference holds no login (give it in registry-auth) — write ghcr.io"],
    // A base64 password (ECR's, Azure's) holds '/', a password '@', an Artifactory user is an e-mail (echoed before H7's fix).
    ['https://AWS:ab/S3cretToken0123+x=@1234.dkr.ecr.us-east-1.amazonaws.com/app', "'https://***@1234.dkr.ecr.us-east-1.amazonaws.com/app'"],
    ['bob:p@S3cretToken0123@ghcr.io/acme/app', "'***@ghcr.io/acme/app': a reference holds no login"],
    ['https://bob@acme.com:S3cretToken0123@artifactory.acme/app', "'https://***@artifactory.acme/app': a reference holds no login"],
    ['https://bob:ghp_S3cretToken0123@ghcr.io/acme/app visibility=loud', "'https://***@ghcr.io/acme/app': unknown setting 'visibility=loud'"],
  ])('never echoes the login in %s', async (given, message) => {
    const issues = await issuesOf({ images: given, tags: 'x' });
    expect(issues[0]).toEqual({ input: 'images', message: expect.stringContaining(message) });
    expect(JSON.stringify(issues)).not.toContain('S3cretToken');
  });

  // Property: a digest after a registry with a port is a digest, not a login: the message names the
  // digest, not '***@sha256:…'. Nearest real variant: `localhost:5000/app@sha256:…` copied from `docker images --digests`.
  it.each([
    ['127.0.0.1:5100/team/app@sha256:abc', /^'127\.0\.0\.1:5100\/team\/app@sha256:abc': /],
    ['localhost:5000/app@sha256:0123', /^'localhost:5000\/app@sha256:0123': /],
    // Mistyped: not hex, or a stray character after it (a hunt's finding: both were named a login, the digest masked).
    ['127.0.0.1:5100/team/app@sha256:zz', /^'127\.0\.0\.1:5100\/team\/app@sha256:zz': .*sha256:zz/],
    [`127.0.0.1:5100/team/app@sha256:${'a'.repeat(64)}x`, /^'127\.0\.0\.1:5100\/team\/app@sha256:a{64}x': /],
    ['ghcr.io/acme/app@sha256:0123g', /^'ghcr\.io\/acme\/app@sha256:0123g': /],
  ])('a registry with a port and a digest, %s, is no login', async (given, message) => {
    const issues = await issuesOf({ images: given, tags: 'x' });
    expect(issues.map((i) => [i.input, i.message, i.message.includes('holds no login')])).toEqual([['images', expect.stringMatching(message), false]]);
  });

  it.each([
    [{ 'ssh-key': 'ghp_notakey' }, 'ssh-key', /does not hold a private key/],
    [{ 'ssh-key-passphrase': 'x' }, 'ssh-key-passphrase', /ssh-key is not/],
    [{ 'ssh-key': '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----', ssh: 'default' }, 'ssh', /'default' is taken by ssh-key/],
    [{ 'ssh-known-hosts': 'github.com' }, 'ssh-known-hosts', /line 1 is not a known_hosts line/],
    [{ 'ssh-known-hosts': 'h ssh-ed25519 AAAA', secrets: 'known_hosts=x' }, 'secrets', /'known_hosts' is taken by ssh-known-hosts/],
  ])('%j → %s', async (inputs, input, message) => {
    const issues = await issuesOf({ images: 'a/b', ...inputs });
    expect(issues).toEqual([{ input, message: expect.stringMatching(message) }]);
    expect(issues[0]!.message.includes('ghp_notakey')).toBe(false);
  });

  it("reads registry-auth as docker/login-action's YAML list too", async () => {
    const c = await parseConfig(
      reader({
        images: 'ghcr.io/a/b',
        'registry-auth': '- registry: ghcr.io\n  username: bot\n  password: "p:a#ss"\n- registry: docker.io\n  username: hub\n  password: tok-123456',
      }),
      ctx,
    );
    expect(c.transfer.registries.get('ghcr.io')).toMatchObject({ username: 'bot', password: 'p:a#ss' });
    expect(c.transfer.registries.get('registry-1.docker.io')).toMatchObject({ username: 'hub', password: 'tok-123456' });
    expect(secretValues(c).sort()).toEqual(['p:a#ss', 'tok-123456', ...['bot:p:a#ss', 'hub:tok-123456'].map((s) => Buffer.from(s).toString('base64'))].sort());
  });

  // login-action's context.ts: `auth.registry || 'docker.io'`. Nearest real workflow: a Docker Hub login listed first, unnamed.
  it('takes a YAML registry-auth entry without registry as Docker Hub, as docker/login-action does', async () => {
    const c = await parseConfig(
      reader({ images: 'acme/app', 'registry-auth': '- username: hub\n  password: tok-123456\n- registry: ghcr.io\n  username: bot\n  password: p-9876543' }),
      ctx,
    );
    expect(c.transfer.registries.get('registry-1.docker.io')).toMatchObject({ username: 'hub', password: 'tok-123456' });
    expect(c.transfer.registries.get('ghcr.io')).toMatchObject({ username: 'bot' });
  });

  it.each([
    ['- registry: ghcr.io\n  username: bot', /entry 1 needs username and password/],
    ['- registry: [unclosed', /the YAML does not parse/],
    ['ghcr.io bot secret', /line 1 is not REGISTRY=USERNAME:PASSWORD \(or give a YAML list/],
  ])('registry-auth %j is an error that never echoes it', async (raw, message) => {
    const issues = await issuesOf({ images: 'a/b', 'registry-auth': raw });
    expect(issues).toEqual([{ input: 'registry-auth', message: expect.stringMatching(message) }]);
    expect(issues[0]!.message.includes('secret')).toBe(false);
  });

  it('reads the tag inputs', async () => {
    const c = await parseConfig(
      reader({
        images: 'ghcr.io/acme/app, docker.io/acme/app visibility=public',
        version: '0.4.0',
        'version-tags': 'full,major',
        'tag-major-zero': 'true',
        'auto-tags': 'version',
        'floating-tags': 'always',
        tags: 'edge\nghcr.io/acme/app:internal',
        created: '1700000000',
      }),
      ctx,
    );
    expect(c.release.images.map((i) => [i.visibility, i.tags.map((t) => t.tag)])).toEqual([
      ['private', ['0.4.0', '0', 'latest', 'edge', 'internal']],
      ['public', ['0.4.0', '0', 'latest', 'edge']],
    ]);
    expect(c.tags.floating).toBe('always');
    expect(c.release.created.created).toBe('2023-11-14T22:13:20Z');
  });

  it.each([
    [{ images: 'a/b', 'auto-tags': 'sha,commit' }, 'auto-tags', /'commit' is not one of version, sha, branch, pr, schedule/],
    [{ images: 'a/b', 'floating-tags': 'backwards' }, 'floating-tags', /not one of forward, always/],
    [{ images: 'a/b', tags: 'ghcr.io/acme/other:1' }, 'tags', /not in images/],
    [{ images: 'a/b visibility=secret' }, 'images', /unknown setting 'visibility=secret'/],
    [{ images: 'a/b, docker.io/a/b' }, 'images', /listed twice/],
    [{ images: 'a/b', created: 'yesterday' }, 'created', /not a time/],
    // An architecture that is no image architecture: refused, not taken for one QEMU lacks.
    [{ images: 'a/b', platforms: 'linux/amd65' }, 'platforms', /^'linux\/amd65': amd65 is not an architecture images are built for: 386, amd64, arm, arm64,/],
    [{ images: 'a/b', platforms: 'linux/amd64,linux/aarch64' }, 'platforms', /^'linux\/aarch64': .* the image name for it is linux\/arm64$/],
    [{ images: 'a/b', platforms: 'linux/x86_64' }, 'platforms', /the image name for it is linux\/amd64$/],
    [{ images: 'a/b', 'version-pattern': '^app-(.+)$' }, 'version-pattern', /'v2.0.0' does not match/],
  ])('%j → %s', async (inputs, input, message) => {
    const tagged: CiContext = { ...ctx, facts: { ...ctx.facts, git: { ...ctx.facts.git, tag: 'v2.0.0' } } };
    expect(await issuesOf(inputs, 'version-pattern' in inputs ? tagged : ctx)).toEqual([{ input, message: expect.stringMatching(message) }]);
  });
});

describe('load and type=docker with several platforms', () => {
  it('are refused before the build: a daemon and a Docker archive hold one platform', async () => {
    const issues = await issuesOf({
      images: 'a/b',
      platforms: 'linux/amd64,linux/arm64',
      load: 'true',
      outputs: 'type=docker,dest=img.tar\ntype=oci,dest=dir',
    });
    expect(issues.map((i) => i.input)).toEqual(['load', 'outputs']);
    expect(issues[0]!.message).toMatch(/one platform .*platforms: linux\/amd64/);
    expect(issues[1]!.message).toMatch(/^type=docker,dest=\/ws\/img.tar: a Docker archive holds one platform/);
  });

  it('one platform, or an OCI layout of several, is fine', async () => {
    expect(await issuesOf({ images: 'a/b', platforms: 'linux/arm64', load: 'true', outputs: 'type=docker,dest=img.tar' })).toEqual([]);
    expect(await issuesOf({ images: 'a/b', platforms: 'linux/amd64,linux/arm64', outputs: 'type=oci,dest=dir' })).toEqual([]);
    expect(await issuesOf({ images: 'a/b', platforms: 'linux/arm/v7,linux/386,linux/ppc64le,linux/s390x,linux/riscv64,windows/amd64' })).toEqual([]);
  });
});

describe('registry-auth keys written as URLs', () => {
  it('name their host, as docker login and the Docker config do', async () => {
    const c = await parseConfig(
      reader({
        images: '127.0.0.1:5443/a/b',
        version: '1.0.0',
        'registry-auth': 'https://127.0.0.1:5443/=u1:p1\nhttps://index.docker.io/v1/=u2:p2\nGHCR.io/=u3:p3',
      }),
      ctx,
    );
    expect(c.transfer.registries.get('127.0.0.1:5443')).toMatchObject({ username: 'u1', password: 'p1' });
    expect(c.transfer.registries.get('registry-1.docker.io')).toMatchObject({ username: 'u2', password: 'p2' });
    expect(c.transfer.registries.get('ghcr.io')).toMatchObject({ username: 'u3', password: 'p3' });
    expect([...c.transfer.registries.keys()].sort()).toEqual(['127.0.0.1:5443', 'ghcr.io', 'registry-1.docker.io']);
  });
});
