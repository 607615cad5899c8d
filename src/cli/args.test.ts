import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { helpText, parseCommandLine, readSecretInputs, UsageError, type CommandLine } from './args.js';
import { remoteUrl } from './facts.js';
import { humanSummary } from './main.js';
import { progressBar } from '../platform/cli.js';

const line = (argv: string[]) => parseCommandLine(argv) as CommandLine;
const usage = (argv: string[]) => {
  try {
    parseCommandLine(argv);
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error('no usage error');
};

describe('parseCommandLine', () => {
  it('takes --name=value and --name value; repeated list flags become lines', () => {
    const l = line(['build', '--images=ghcr.io/a/b', '--images', 'docker.io/a/b', '--build-args', 'A=1', '--context', 'app', '--json']);
    expect(l.command).toBe('build');
    expect(Object.fromEntries(l.inputs)).toEqual({ images: 'ghcr.io/a/b\ndocker.io/a/b', 'build-args': 'A=1', context: 'app' });
    expect(l.json).toBe(true);
  });

  it('reads a bare boolean flag as true, and takes an explicit value', () => {
    expect(Object.fromEntries(line(['build', '--load', '--push=false', '--pull']).inputs)).toEqual({ load: 'true', push: 'false', pull: 'true' });
    expect(line(['build', '--no-cache', 'false']).inputs.get('no-cache')).toBe('false');
    // push has no default of its own (it depends on images: see inputs/delivery.ts), and is still a switch.
    expect(line(['build', '--push']).inputs.get('push')).toBe('true');
  });

  it('takes the run context as flags', () => {
    expect(line(['build', '--git-tag', 'v1.2.3', '--commit', 'abc', '--branch', 'main']).context).toEqual({
      'git-tag': 'v1.2.3',
      commit: 'abc',
      branch: 'main',
    });
  });

  it.each([
    [['build', '--secrets', 'npm=tok'], /^--secrets would put secret material in argv.*--secrets-file PATH or the HOIST_SECRETS environment variable$/],
    [['build', '--github-token=ghp_x'], /^--github-token would put secret material .*HOIST_GITHUB_TOKEN/],
    [['promote', '--registry-auth', 'a=b:c'], /^--registry-auth would put .*HOIST_REGISTRY_AUTH/],
    [['build', '--audit-values', 'xyzxyzxyz'], /HOIST_AUDIT_VALUES/],
    [['build', '--ssh-key-passphrase', 'pp'], /HOIST_SSH_KEY_PASSPHRASE/],
    [['deploy'], /^unknown command 'deploy': use build, promote, merge, stale, push, tags, audit, inspect, verify or completion$/],
    [['--images', 'x'], /^a command comes first/],
    [['build', '--imagez', 'x'], /^--imagez: no such flag$/],
    [['build', '--images'], /^--images: needs a value$/],
    [['build', '--retries', '-1'], /^--retries: needs a value; one that begins with '-' is written --retries=VALUE$/],
    [['build', 'extra'], /^unexpected argument 'extra'/],
    [['build', '--version', '1', '--version', '2'], /^--version is given 2 times: it takes one value$/],
    [['promote', '--git-tag', 'v1'], /^--git-tag: no such flag$/],
    [['tags', 'prune', 'r.acme/a/b'], /^tags prune: --keep N .* is required$/],
    // A registry alone: said as one (was "'127.0.0.1:5100' names a tag … (tags come from version/tags)").
    [
      ['tags', 'list', '127.0.0.1:5100'],
      /^tags list: '127\.0\.0\.1:5100' is a registry, not a repository: give REGISTRY\/REPOSITORY, e\.g\. 127\.0\.0\.1:5100\/team\/app$/,
    ],
    [['tags', 'prune', 'registry.acme', '--keep', '3'], /^tags prune: 'registry\.acme' is a registry, not a repository/],
    // REPO:TAG (skopeo list-tags' habit): the repository to write, not "(tags come from version/tags)".
    [['tags', 'list', '127.0.0.1:5100/lab/busybox:1.36'], /^tags list: .* names a tag; give the repository only: write 127\.0\.0\.1:5100\/lab\/busybox$/],
    [['tags', 'prune', 'registry.acme/app:edge', '--keep', '3'], /^tags prune: .* names a tag; give the repository only: write registry\.acme\/app$/],
    // Given, but not a count: said as such (was "is required").
    [['tags', 'prune', 'r.acme/a/b', '--keep', 'abc'], /^tags prune: --keep: 'abc' is not a whole number of tags to keep/],
    [['tags', 'prune', 'r.acme/a/b', '--keep=-1'], /^tags prune: --keep: '-1' is not a whole number/],
    [['tags', 'prune', 'r.acme/a/b', '--keep', '2.5'], /^tags prune: --keep: '2\.5' is not a whole number/],
  ])('%j is a usage error', (argv, message) => {
    expect(usage(argv)).toMatch(message);
  });

  it('never echoes the value of a refused secret flag', () => {
    expect(usage(['build', '--secrets=npm=very-secret-value'])).not.toContain('very-secret-value');
  });

  it('answers help and version', () => {
    expect(parseCommandLine([])).toEqual({ help: 'hoist' });
    expect(parseCommandLine(['promote', '--help'])).toEqual({ help: 'promote' });
    expect(parseCommandLine(['--version'])).toEqual({ version: true });
    expect(helpText('build')).toMatch(/--ssh-key-file PATH [\s\S]*?or HOIST_SSH_KEY;\s+never a plain flag/);
    expect(helpText('build')).toMatch(/--git-tag VALUE/);
    expect(helpText('promote')).toMatch(/--source VALUE +The image to promote/);
  });
});

describe('readSecretInputs', () => {
  const files: Record<string, string> = { '/run/key': 'KEY\n', '/run/auth': 'ghcr.io=u:p' };
  const readText = async (p: string) => {
    if (p in files) return files[p]!;
    throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
  };

  it('reads --NAME-file (without its final newline) and HOIST_NAME', async () => {
    const l = line(['build', '--ssh-key-file', '/run/key']);
    await readSecretInputs(l, { HOIST_REGISTRY_AUTH: 'r=u:p', HOIST_SECRETS: 'a=1' }, readText);
    expect(Object.fromEntries(l.inputs)).toEqual({ 'ssh-key': 'KEY', 'registry-auth': 'r=u:p', secrets: 'a=1' });
  });

  /**
   * Property: a HOIST_NAME that is the path of a file is that file's text, as --NAME-file reads it.
   * Nearest real-world variant: GitLab File-type variables and Jenkins' file credentials, whose
   * value is the path of the file holding the secret; a path of no file stays the value.
   */
  it('reads the file a HOIST_NAME names (a File-type variable), without its final newline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoist-env-'));
    writeFileSync(join(dir, 'TOKENS'), 'token-one-0123456789\ntoken-two-0123456789\n');
    const l = line(['build']);
    await readSecretInputs(l, { HOIST_AUDIT_VALUES: join(dir, 'TOKENS'), HOIST_SECRETS: join(dir, 'nothing-here') }, readText);
    expect(l.inputs.get('audit-values')).toBe('token-one-0123456789\ntoken-two-0123456789');
    expect(l.inputs.get('secrets')).toBe(join(dir, 'nothing-here'));
  });

  it('refuses both forms at once, and names an unreadable file without its contents', async () => {
    await expect(readSecretInputs(line(['build', '--registry-auth-file', '/run/auth']), { HOIST_REGISTRY_AUTH: 'x' }, readText)).rejects.toThrow(
      /--registry-auth-file and HOIST_REGISTRY_AUTH are both set/,
    );
    await expect(readSecretInputs(line(['build', '--secrets-file', '/nope']), {}, readText)).rejects.toThrow(/^--secrets-file: cannot read \/nope \(ENOENT\)$/);
  });
});

describe('the command line around the run', () => {
  it.each([
    ['git@github.com:acme/app.git', 'https://github.com/acme/app'],
    ['https://gitlab.acme.test/group/sub/app.git', 'https://gitlab.acme.test/group/sub/app'],
    ['ssh://git@git.acme.test:2222/team/app', 'https://git.acme.test/team/app'],
    ['/srv/git/app', undefined],
  ])('remote %s is the repository %s', (remote, url) => {
    expect(remoteUrl(remote)).toBe(url);
  });

  it('draws a registry as a bar with bytes and rate', () => {
    expect(progressBar({ host: 'ghcr.io', done: 5 * 1048576, total: 10 * 1048576, sent: 4 * 1048576, elapsedMs: 2000 }, 10)).toBe(
      'ghcr.io  [#####.....]  50%  5.0/10.0 MiB  2.0 MiB/s',
    );
  });

  it('prints the outputs for a person, lists indented', () => {
    expect(
      humanSummary(
        new Map([
          ['digest', 'sha256:ab'],
          ['tags', 'a:1\na:2'],
          ['metadata', '{}'],
        ]),
      ),
    ).toBe('digest     sha256:ab\ntags       a:1\n           a:2');
  });
});

describe('hoist build --plan / --entry (a hierarchy as CI jobs)', () => {
  it('are hierarchy-plan and hierarchy-entry, also in the =value form; other commands do not take them', () => {
    const line = parseCommandLine(['build', '--hierarchy', 'images.yml', '--plan']) as CommandLine;
    expect(line.inputs.get('hierarchy-plan')).toBe('true');
    expect((parseCommandLine(['build', '--hierarchy=images.yml', '--entry', 'app']) as CommandLine).inputs.get('hierarchy-entry')).toBe('app');
    expect((parseCommandLine(['build', '--entry=app']) as CommandLine).inputs.get('hierarchy-entry')).toBe('app');
    expect(() => parseCommandLine(['stale', '--plan'])).toThrow(UsageError);
  });
});
