// The CLI's contract pieces, pure: the exit code of each class of error, the typed --json outputs,
// the CLI's dialect for input names, "did you mean". Nearest real-world variants: a registry that
// refuses a release tag next to one that is down, `jq .outputs.tags[]`, a mistyped `--imagez`.
import { describe, expect, it } from 'vitest';
import { BuilderError } from '../builders/builders.js';
import { ConfigError, FindingError } from '../core/errors.js';
import { ProtectedTagError } from '../push/release-tags.js';
import { RegistryError } from '../registry/errors.js';
import { UsageError } from './args.js';
import { cliDialect } from './dialect.js';
import { EXIT, exitCodeFor, RESULT, resultFor, resultOfCode } from './exit.js';
import { didYouMean } from './help.js';
import { typedOutput } from './json.js';

const refused = () => new ProtectedTagError('r:1.0.0 is a release tag', { registry: 'r', code: 'RELEASE_TAG_PROTECTED', retryable: false });
const down = () => new RegistryError('connect ECONNREFUSED', { registry: 'r', code: 'ECONNREFUSED', retryable: true });

describe('exitCodeFor', () => {
  it.each([
    ['a usage error', new UsageError('--x: no such flag'), 2],
    ['bad inputs', new ConfigError([{ input: 'retries', message: 'no' }]), 2],
    ['no builder', new BuilderError('no Docker daemon answers'), 2],
    ['a leak, a stale image, a policy refusal', new FindingError('found'), 1],
    ['a refused release tag, wrapped by the push', new Error('push failed', { cause: refused() }), 1],
    ['every registry refused the release tag', new Error('push failed', { cause: new AggregateError([refused(), refused()]) }), 1],
    ['one refused, one down', new Error('push failed', { cause: new AggregateError([refused(), down()]) }), 3],
    ['a registry that is down', down(), 3],
    ['a failed build step', new Error('RUN exit 3'), 3],
    ['not an Error at all', 'boom', 3],
  ])('%s → %i', (_, error, code) => expect(exitCodeFor(error)).toBe(code));

  // The Action's `result` output and GitLab's HOIST_RESULT: the same class as the exit code, as a word.
  it.each([
    ['bad inputs', new ConfigError([{ input: 'retries', message: 'no' }]), 'failed-input'],
    ['no builder', new BuilderError('no Docker daemon answers'), 'failed-input'],
    ['a leak, a stale image, a policy refusal', new FindingError('found'), 'found'],
    ['every registry refused the release tag', new Error('push failed', { cause: new AggregateError([refused(), refused()]) }), 'found'],
    ['one refused, one down', new Error('push failed', { cause: new AggregateError([refused(), down()]) }), 'failed'],
    ['a registry that is down', down(), 'failed'],
    ['not an Error at all', 'boom', 'failed'],
  ])('result of %s: %s', (_, error, result) => {
    expect(resultFor(error)).toBe(result);
    expect(resultOfCode(exitCodeFor(error))).toBe(result);
  });

  it('result words for every exit code: 0 ok, 1 found, 2 failed-input, 3 failed, 130/143 cancelled; an unknown code failed', () => {
    expect(Object.values(EXIT).map(resultOfCode)).toEqual(['ok', 'found', 'failed-input', 'failed', 'cancelled', 'cancelled']);
    expect(Object.keys(RESULT)).toEqual(Object.keys(EXIT));
    expect(resultOfCode(7)).toBe('failed');
  });

  it('ends on a cycle of causes', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(exitCodeFor(a)).toBe(3);
  });
});

describe('typedOutput', () => {
  it('lists as arrays, counts as numbers, JSON as objects, the rest as strings', () => {
    expect(typedOutput('tags', 'r/a:1\nr/a:latest')).toEqual(['r/a:1', 'r/a:latest']);
    expect(typedOutput('tags', '')).toEqual([]);
    expect(typedOutput('stale', '')).toEqual([]);
    expect(typedOutput('platforms', 'linux/amd64, linux/arm64')).toEqual(['linux/amd64', 'linux/arm64']);
    expect(typedOutput('bytes-sent', '1234')).toBe(1234);
    expect(typedOutput('metadata', '{"labels":{"a":"b"}}')).toEqual({ labels: { a: 'b' } });
    expect(typedOutput('levels', '[["os"],["app"]]')).toEqual([['os'], ['app']]);
    expect(typedOutput('digest', 'sha256:ab')).toBe('sha256:ab');
    expect(typedOutput('version', '[not json')).toBe('[not json');
  });
});

describe('cliDialect', () => {
  it.each([
    ['…, or set audit: warn to push anyway.', '…, or set --audit warn to push anyway.'],
    [
      'the registry requires a login: add it to registry-auth (REGISTRY=USERNAME:PASSWORD)',
      'the registry requires a login: add it to HOIST_REGISTRY_AUTH or --registry-auth-file (REGISTRY=USERNAME:PASSWORD)',
    ],
    ["trust the registry's CA with registry-ca", "trust the registry's CA with --registry-ca"],
    ['list the host in insecure-registries', 'list the host in --insecure-registries'],
    ['or set release-tags: overwrite to move it', 'or set --release-tags overwrite to move it'],
    [
      'answered 401 — check the access of the credentials from registry-auth',
      'answered 401 — check the access of the credentials from HOIST_REGISTRY_AUTH or --registry-auth-file',
    ],
    [
      'FROM a/b:1 is not an allowed base image (allowed-base-images: registry.acme/golden/*)',
      'FROM a/b:1 is not an allowed base image (--allowed-base-images: registry.acme/golden/*)',
    ],
    ['write it as a/b:1@sha256:… (require-pinned-base)', 'write it as a/b:1@sha256:… (--require-pinned-base)'],
    // Lists after set/give: each input up to the first word that is none.
    ['acme/app gets no tag: set version, tags, or run on a commit', 'acme/app gets no tag: set --version, --tags, or run on a commit'],
    ['or set buildkit-host to a BuildKit daemon', 'or set --buildkit-host to a BuildKit daemon'],
    ['give hierarchy-plan or hierarchy-entry, not both', 'give --hierarchy-plan or --hierarchy-entry, not both'],
    ['set base-signers-identity and base-signers-oidc-issuer', 'set --base-signers-identity and --base-signers-oidc-issuer'],
    ["no Dockerfile at x: set file to the Dockerfile's path", "no Dockerfile at x: set --file to the Dockerfile's path"],
    ['nothing was pushed. Set secret-cache: rebuild to run it again', 'nothing was pushed. Set --secret-cache rebuild to run it again'],
    ['is required with sign: key: give the private key file', 'is required with --sign key: give the private key file'],
    ['correct the line for r.io in registry-auth', 'correct the line for r.io in HOIST_REGISTRY_AUTH or --registry-auth-file'],
    ['list at least one repository (or give full references in tags)', 'list at least one repository (or give full references in --tags)'],
    ["'r.io/b:1' names a repository that is not in images: add it there", "'r.io/b:1' names a repository that is not in --images: add it there"],
    ['(set them in labels to keep them)', '(set them in --labels to keep them)'],
    [
      "'type=registry': pushing is what images and push do; leave it out of outputs",
      "'type=registry': pushing is what images and push do; leave it out of --outputs",
    ],
    ['names a tag; give the repository only (tags come from version/tags)', 'names a tag; give the repository only (tags come from --version/--tags)'],
    ['with push-by-digest: true and join them', 'with --push-by-digest true and join them'],
  ])('%s', (action, cli) => expect(cliDialect(action)).toBe(cli));

  it('leaves words that are not input names, and input names outside those phrases', () => {
    for (const text of [
      'set colour: red',
      'pushed to registry.acme/app',
      'the tag audit-values stays',
      'with build-args=FOO',
      'registry-auth: bad line 2',
      '(sha-0123456)',
      '(my-tag: x)',
      'give a hierarchy file, or images',
      'give one of them',
      'is set with sign-off',
      'a secret in images of the build',
      'the labels in the config, in outputs of tools',
    ])
      expect(cliDialect(text)).toBe(text);
  });
});

describe('didYouMean', () => {
  it('the nearest name, or none when nothing is near', () => {
    expect(didYouMean('biuld', ['build', 'promote', 'merge', 'stale', 'tags', 'audit'])).toBe('build');
    expect(didYouMean('--imagez', ['--images', '--tags', '--file'])).toBe('--images');
    expect(didYouMean('prom', ['build', 'promote'])).toBe('promote');
    expect(didYouMean('deploy', ['build', 'promote', 'merge', 'stale', 'tags', 'audit'])).toBeUndefined();
  });
});
