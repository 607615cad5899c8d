// Property: nothing of a git context reaches git's argv or a log that should not — credentials in
// the URL go to the 0600 credential file and are hidden, a ref or subdirectory that git would read
// as an option is refused before any git runs, and `--end-of-options` stands before the URL and
// ref. Real-world variants: `https://x-access-token:ghs_…@github.com/acme/lib.git`, a token as the
// URL's user name, `#--upload-pack=/tmp/pwn.sh`, `#-c:core.sshCommand=…`.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import type { Exec, ExecOptions } from '../effects/exec.js';
import { nodeFiles } from '../effects/files.js';
import { readBuildInputs } from '../plan/inputs.js';
import type { CiContext } from '../platform/platform.js';
import { SecretCatalog } from '../secrets/catalog.js';
import { recordingPlatform } from '../../test/support/pipeline.js';
import { cloneGitContext } from './git-context.js';

const ctx: CiContext = { facts: { git: { scheduled: false }, repository: {} }, now: () => new Date(0), workspace: '/ws', tempDir: '/tmp', env: {} };
const parse = async (context: string) => {
  const hidden: string[] = [];
  try {
    const inputs = await readBuildInputs((n) => ({ images: 'r.example/a', tags: 't', context })[n] ?? '', ctx, new SecretCatalog((v) => hidden.push(v)));
    return { git: inputs.source.git, hidden, issues: [] as string[] };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return { git: undefined, hidden, issues: e.issues.map((i) => `${i.input}: ${i.message}`) };
  }
};

/** Exec as Hoist's seam: records argv, answers git like a repository that exists. */
function recordingGit(): Exec & { calls: Array<{ args: readonly string[]; env?: ExecOptions['env'] }> } {
  const calls: Array<{ args: readonly string[]; env?: ExecOptions['env'] }> = [];
  return {
    calls,
    run: async (_file, args, o) => {
      calls.push({ args, env: o?.env });
      return { stdout: args.includes('rev-parse') ? '0123456789abcdef0123456789abcdef01234567' : '', stderr: '' };
    },
    stream: () => {
      throw new Error('not used');
    },
    sink: () => {
      throw new Error('not used');
    },
    stopAll: () => undefined,
  };
}

describe('git context URLs', () => {
  it.each([
    ['https://x-access-token:ghs_tokenvalue0123@github.com/acme/lib.git#main', 'x-access-token', 'ghs_tokenvalue0123'],
    ['https://ghp_tokenAsUser0123456@github.com/acme/lib.git', 'x-access-token', 'ghp_tokenAsUser0123456'],
    ['https://deploy:p%40ss%2Fword1@git.acme.example/team/lib.git#v1:sub', 'deploy', 'p@ss/word1'],
  ])('%s: the credentials leave the URL and are hidden', async (context, username, password) => {
    const { git, hidden } = await parse(context);
    expect(git!.url).not.toContain('@');
    expect(git!.url).not.toContain(password);
    expect(git!.credentials).toEqual({ username, password });
    expect(hidden).toContain(password);

    // Cloned: nowhere on git's argv or in its environment; in a 0600 credential file instead.
    const dir = mkdtempSync(join(tmpdir(), 'hoist-git-'));
    const exec = recordingGit();
    const platform = recordingPlatform({}, { workspace: '/ws', tempDir: dir });
    await cloneGitContext({ exec, files: nodeFiles, platform }, git!, dir, { githubHost: 'github.com' });
    const everything = JSON.stringify(exec.calls) + platform.log();
    expect(everything).not.toContain(password);
    expect(everything).not.toContain(encodeURIComponent(password));
    const store = join(dir, 'git-credentials');
    expect(readFileSync(store, 'utf8')).toContain(`${encodeURIComponent(username)}:${encodeURIComponent(password)}@`);
    expect(statSync(store).mode & 0o777).toBe(0o600);
    const fetch = exec.calls.find((c) => c.args.includes('fetch'))!.args;
    expect(fetch.slice(fetch.indexOf('--end-of-options') + 1)).toEqual([git!.url, git!.ref ?? 'HEAD']);
  });

  it.each([
    'https://github.com/acme/lib.git#--upload-pack=/tmp/pwn.sh',
    'git@github.com:acme/lib.git#-oProxyCommand=x',
    'https://github.com/acme/lib.git#main:-c',
  ])('%s: an option where a ref or directory belongs is an input error, before any git runs', async (context) => {
    const { issues } = await parse(context);
    expect(issues).toEqual([expect.stringMatching(/^context: '-.*' starts with '-', which git would read as an option/)]);
  });
});

describe('named contexts', () => {
  it.each(['https://x-access-token:ghs_buildctx0123@github.com/acme/lib.git', 'https://ghp_tokenAsUser0123456@github.com/acme/lib.git#main'])(
    '%s: credentials in a build-contexts URL are refused (they would be on the builder argv) and hidden',
    async (url) => {
      const hidden: string[] = [];
      const read = (n: string) => ({ images: 'r.example/a', tags: 't', 'build-contexts': `lib=${url}` })[n] ?? '';
      const error = await readBuildInputs(read, ctx, new SecretCatalog((v) => hidden.push(v))).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      const messages = (error as ConfigError).issues.map((i) => `${i.input}: ${i.message}`);
      expect(messages).toEqual([expect.stringMatching(/^build-contexts: lib: its URL holds credentials/)]);
      const secret = /\/\/([^@]+)@/.exec(url)![1]!;
      expect(hidden).toContain(secret);
      expect(messages.join('\n')).not.toContain(secret);
    },
  );
});
