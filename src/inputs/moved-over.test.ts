import { describe, expect, it } from 'vitest';
import type { CiContext } from '../platform/platform.js';
import { ctx, reader, parseConfig, secretValues, issuesOf } from '../../test/support/inputs.js';

/**
 * A build-push-action or metadata-action step moved over unchanged. Property: it builds what it
 * built, pushes only where it pushed, and its tags are the ones metadata-action made — floating
 * ones marked so the forward-only rule decides them. Nearest real workflows: the README examples
 * run end to end in test/integration/dropin-workflows.test.ts.
 */
describe('build-push-action and metadata-action steps moved over', () => {
  const tagCtx: CiContext = {
    ...ctx,
    facts: { ...ctx.facts, git: { tag: 'v1.4.2', sha: 'abcdef0123456789', scheduled: false, ref: 'refs/tags/v1.4.2', event: 'push' }, defaultBranch: 'main' },
  };

  it("takes bpa's form (no images, full references in tags): those repositories, only those tags, and push false unless said", async () => {
    const c = await parseConfig(reader({ tags: 'ghcr.io/acme/app:7.4, ghcr.io/acme/app:latest' }), ctx);
    expect(c.release.images.map((i) => [`${i.repository.host}/${i.repository.path}`, i.tags.map((t) => t.tag)])).toEqual([
      ['ghcr.io/acme/app', ['7.4', 'latest']],
    ]);
    expect(c.delivery.push).toBe(false);
    expect(c.release.warnings[0]).toMatch(/push is not set and defaults to false there, as in build-push-action/);
    expect((await parseConfig(reader({ tags: 'ghcr.io/acme/app:7.4', push: 'true' }), ctx)).delivery.push).toBe(true);
    // Hoist's own form keeps its default: naming images is asking for the push.
    expect((await parseConfig(reader({ images: 'ghcr.io/acme/app' }), ctx)).delivery.push).toBe(true);
  });

  it("reads metadata-action's rules and flavor, marking {{major}}.{{minor}}, {{major}} and latest floating", async () => {
    const c = await parseConfig(
      reader({
        images: 'ghcr.io/acme/app',
        tags: 'type=ref,event=branch\ntype=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}\ntype=sha,format=long',
        flavor: 'suffix=-alpine,onlatest=true',
      }),
      tagCtx,
    );
    expect(c.release.images[0]!.tags.map((t) => [t.tag, t.floating])).toEqual([
      ['1.4.2-alpine', false],
      ['1.4-alpine', true],
      ['1-alpine', true],
      ['sha-abcdef0123456789-alpine', false],
      ['latest-alpine', true],
    ]);
    expect(c.release.version).toBe('1.4.2');
    expect(c.release.metaVersion).toBe('1.4.2-alpine');
    expect(c.tags.variant).toMatchObject({ suffix: '-alpine', suffixOnLatest: true });
  });

  it('takes a semver rule with value= on a branch build as the version the floating tags are decided by', async () => {
    const c = await parseConfig(
      reader({ images: 'a/b', tags: 'type=semver,pattern={{major}},value=v3.1.0\ntype=raw,value=latest,enable={{is_default_branch}}' }),
      {
        ...ctx,
        facts: { ...ctx.facts, git: { ...ctx.facts.git, ref: 'refs/heads/main', event: 'push' }, defaultBranch: 'main' },
      },
    );
    expect(c.release.version).toBe('3.1.0');
    expect(c.release.images[0]!.tags.map((t) => [t.tag, t.rule, t.floating])).toEqual([
      ['3', 'major', true],
      ['latest', 'latest', true],
    ]);
  });

  it.each([
    [{ tags: 'type=semver' }, 'tags', /type=semver needs pattern=/],
    [{ tags: 'type=bogus,value=x' }, 'tags', /unknown type 'bogus'/],
    [{ tags: 'type=raw,value=x,enable={{#if branch}}true{{/if}}' }, 'tags', /blocks, partials and comments are not supported/],
    [{ flavor: 'latest=maybe' }, 'flavor', /latest=maybe is not auto, true or false/],
    [{ flavor: 'suffix=-slim', 'tag-suffix': '-slim' }, 'flavor', /in flavor or in tag-prefix\/tag-suffix, not both/],
    [{ builder: 'my builder' }, 'builder', /nor a buildx builder name/],
  ])('%j → %s', async (inputs, input, message) => {
    expect(await issuesOf({ images: 'a/b', ...inputs })).toEqual([{ input, message: expect.stringMatching(message) }]);
  });

  it("takes builder: NAME as build-push-action's buildx instance, and BUILDX_NO_DEFAULT_ATTESTATIONS", async () => {
    const c = await parseConfig(reader({ images: 'a/b', builder: 'builder-7f3a' }), { ...ctx, env: { BUILDX_NO_DEFAULT_ATTESTATIONS: '1' } });
    expect([c.builder.builder, c.builder.buildxBuilder, c.builder.builderIsInstance, c.builder.provenance]).toEqual(['buildx', 'builder-7f3a', true, 'false']);
    const set = await parseConfig(reader({ images: 'a/b', provenance: 'max' }), { ...ctx, env: { BUILDX_NO_DEFAULT_ATTESTATIONS: '1' } });
    expect(set.builder.provenance).toBe('max'); // said explicitly: kept
  });

  it('lets the provenance and sbom inputs take precedence over attests lines of their type (as build-push-action)', async () => {
    const c = await parseConfig(reader({ images: 'a/b', provenance: 'max', sbom: 'true', attests: 'type=provenance,mode=min\ntype=sbom,generator=x/y' }), ctx);
    expect(c.builder.extras.attests).toEqual([]);
    const unset = await parseConfig(reader({ images: 'a/b', attests: 'type=provenance,mode=max' }), ctx);
    expect([unset.builder.extras.attests, unset.builder.provenanceSet]).toEqual([['type=provenance,mode=max'], false]);
  });

  it('hides the runner cache token only when a gha cache is asked for', async () => {
    const env = { ACTIONS_RUNTIME_TOKEN: 'eyJhbGciOi.runtime.token-0123' };
    const gha = await parseConfig(reader({ images: 'a/b', 'cache-to': 'type=gha,mode=max' }), { ...ctx, env });
    expect([gha.builder.ghaCache, gha.builder.cacheTo, secretValues(gha)]).toEqual([true, ['type=gha,mode=max'], [env.ACTIONS_RUNTIME_TOKEN]]);
    const registry = await parseConfig(reader({ images: 'a/b', 'cache-to': 'type=registry,ref=a/b:cache,mode=max' }), { ...ctx, env });
    expect([registry.builder.ghaCache, secretValues(registry)]).toEqual([false, []]);
  });

  it("keeps a quoted secret's final newline, and reads comma-separated secret-envs", async () => {
    const c = await parseConfig(reader({ images: 'a/b', secrets: '"KEY=line1\nline2\n"\nB=x', 'secret-envs': 'npm=NPM_T,gem=GEM_T' }), {
      ...ctx,
      env: { NPM_T: 'npm-token-1234', GEM_T: 'gem-token-5678' },
    });
    expect(c.secrets.secrets.map((s) => [s.id, s.kind === 'value' ? s.value : ''])).toEqual([
      ['KEY', 'line1\nline2\n'],
      ['B', 'x'],
      ['npm', 'npm-token-1234'],
      ['gem', 'gem-token-5678'],
    ]);
  });
});
