/**
 * A git repository as the build context (`context: https://github.com/acme/app.git#v2:docker`,
 * `git@github.com:acme/app.git#main`), as build-push-action takes it. Hoist clones it itself —
 * shallow, the ref (branch, tag or commit) and its submodules — into the step's private directory,
 * so every builder gets a plain directory and everything before the build (the Dockerfile's
 * policy, its base, its labels) reads the real files. Private repositories: over SSH with `ssh-key`
 * (Hoist's own agent) and `ssh-known-hosts` pinned, or the machine's SSH setup; over HTTPS to the
 * GitHub server with `github-token`, from a 0600 credential file in the private directory — never
 * in argv or the environment.
 */
import { isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { Effects } from '../effects/effects.js';
import type { BuildInputs } from '../inputs/index.js';
import type { GitContext } from '../inputs/source.js';
import { resolveInside } from '../inputs/confine.js';
import { GIT_AGENT_STATE, startAgent, type SshAgent } from './ssh-agent.js';

/** The clone's agent keeps ssh-key this long: a shallow clone, with its submodules. */
const CLONE_KEY_LIFETIME_S = 15 * 60;

export interface GitAccess {
  githubToken?: string;
  /** The GitHub server the token is for (GITHUB_SERVER_URL's host, else github.com). */
  githubHost: string;
  sshKey?: string;
  sshKeyPassphrase?: string;
  knownHosts?: string;
}

const GIT_ENV = /^(GIT_SSH_COMMAND|GIT_TERMINAL_PROMPT)$/;
const shellQuote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

/** Clones the context into `dir`; returns the context directory and the Dockerfile path in it, and the commit. */
export async function cloneGitContext(
  fx: Pick<Effects, 'exec' | 'files' | 'platform'>,
  git: GitContext,
  dir: string,
  access: GitAccess,
  /** Told of the agent as soon as it runs, so a cancelled step (and the post step) can stop it. */
  onAgent?: (agent: SshAgent) => void,
): Promise<{ context: string; file: string; commit: string }> {
  const { exec, files, platform } = fx;
  const env: Record<string, string | undefined> = { ...platform.context.env, GIT_TERMINAL_PROMPT: '0' };
  const config: string[] = ['-c', 'advice.detachedHead=false', '-c', 'protocol.file.allow=never'];
  const ssh = ['ssh', '-o', 'BatchMode=yes'];
  if (access.knownHosts) {
    const known = join(dir, 'known_hosts');
    await files.writePrivate(known, `${access.knownHosts}\n`);
    ssh.push('-o', `UserKnownHostsFile=${known}`, '-o', 'StrictHostKeyChecking=yes');
  }
  const agent =
    access.sshKey && /^(ssh:|[\w.-]+@)/.test(git.url)
      ? await startAgent(exec, dir, env, access.sshKey, access.sshKeyPassphrase, CLONE_KEY_LIFETIME_S)
      : undefined;
  if (agent) {
    env.SSH_AUTH_SOCK = agent.socket;
    onAgent?.(agent);
  }
  env.GIT_SSH_COMMAND = ssh.map(shellQuote).join(' ');
  // Credentials reach git from a 0600 file only: github-token for the GitHub server, and any the context URL held.
  const stored: string[] = [];
  if (git.credentials) {
    const u = new URL(git.url);
    stored.push(`${u.protocol}//${encodeURIComponent(git.credentials.username)}:${encodeURIComponent(git.credentials.password)}@${u.host}`);
  }
  if (access.githubToken && git.url.startsWith(`https://${access.githubHost}/`) && !git.credentials)
    stored.push(`https://x-access-token:${encodeURIComponent(access.githubToken)}@${access.githubHost}`);
  if (stored.length) {
    const store = join(dir, 'git-credentials');
    await files.writePrivate(store, `${stored.join('\n')}\n`);
    config.push('-c', 'credential.helper=', '-c', `credential.helper=store --file=${store}`);
  }
  const repo = join(dir, 'repository');
  const run = (args: string[]) => exec.run('git', [...config, ...args], { env, allowEnv: GIT_ENV }).then((r) => r.stdout.trim());
  const where = `${git.url}${git.ref ? `#${git.ref}` : ''}`;
  try {
    await run(['init', '-q', repo]);
    await run(['-C', repo, 'fetch', '-q', '--depth', '1', '--no-tags', '--end-of-options', git.url, git.ref ?? 'HEAD']).catch((e: unknown) => {
      throw new Error(
        `context: could not fetch ${where} (${e instanceof Error ? e.message.split('\n')[0] : String(e)}): check the URL and ref, and that the runner may read it (ssh-key with ssh-known-hosts for SSH, github-token for ${access.githubHost})`,
      );
    });
    await run(['-C', repo, 'checkout', '-q', 'FETCH_HEAD']);
    if (await files.readTextIfExists(join(repo, '.gitmodules'))) await run(['-C', repo, 'submodule', 'update', '-q', '--init', '--recursive', '--depth', '1']);
  } finally {
    agent?.stop();
  }
  const commit = await run(['-C', repo, 'rev-parse', 'HEAD']);
  const context = resolve(repo, git.subdir ?? '.');
  const file = resolve(context, git.file ?? 'Dockerfile');
  // Links followed: a symlink committed in the repository (`docker -> /etc`) must not lead out of it,
  // whatever allow-outside-workspace says (that widens the workspace, never a remote repository).
  for (const [what, path] of [
    ['context', context],
    ['file', file],
  ] as const) {
    const r = await resolveInside(files, path, repo);
    const lexical = relative(repo, path);
    if (!r.inside || lexical.startsWith('..') || isAbsolute(lexical))
      throw new ConfigError([{ input: what, message: `${path}${r.real && r.real !== path ? ` (${r.real})` : ''} is outside the repository ${where}` }]);
  }
  platform.info(`Context: ${where}${git.subdir ? ` (${git.subdir})` : ''} cloned at ${commit}`);
  return { context, file, commit };
}

/** The inputs with a git context cloned and put in its place (a directory context is left as it is). */
export async function withClonedContext(
  fx: Pick<Effects, 'exec' | 'files' | 'platform'>,
  inputs: BuildInputs,
  work: { dir: string; onEnd(stop: () => void): void },
): Promise<BuildInputs> {
  const { git } = inputs.source;
  if (!git) return inputs;
  const dir = await fx.files.makePrivateDir(work.dir, 'git-');
  const server = fx.platform.context.env.GITHUB_SERVER_URL;
  const { context, file } = await cloneGitContext(
    fx,
    git,
    dir,
    {
      githubToken: inputs.delivery.githubToken,
      githubHost: server ? new URL(server).host : 'github.com',
      sshKey: inputs.secrets.sshKey,
      sshKeyPassphrase: inputs.secrets.sshKeyPassphrase,
      knownHosts: inputs.secrets.knownHosts,
    },
    (agent) => {
      work.onEnd(() => agent.stop());
      fx.platform.saveState(GIT_AGENT_STATE, String(agent.pid));
    },
  );
  return { ...inputs, source: { ...inputs.source, context, file } };
}
