/** What is built: the context, the Dockerfile, the stage, build arguments and named contexts. */
import { existsSync } from 'node:fs';
import { ENV_KEY, optional, parseBool, parsePairs, type InputScope } from './read.js';

/** A git repository as the build context, BuildKit's way: `URL#ref:subdir`. */
export interface GitContext {
  /** The repository's URL, without credentials: safe to print. */
  url: string;
  /** Credentials the URL held (`https://user:token@host/…`): taken out, for git's credential file only. */
  credentials?: { username: string; password: string };
  ref?: string;
  subdir?: string;
  /** The `file` input as given: relative to the repository's context directory. */
  file?: string;
}

export interface SourceSettings {
  /** Build context directory (absolute); for a git context, the clone's once it is made. */
  context: string;
  /** `context` names a git repository: Hoist clones it first (`builders/git-context.ts`). */
  git?: GitContext;
  /** Dockerfile path (absolute). */
  file: string;
  /** `target`: the stage the outputs describe (default: the last stage). */
  target: string | undefined;
  buildArgs: Array<[string, string]>;
  /** `name` → an absolute directory, or a `docker-image://…` / `oci-layout://…` reference. */
  buildContexts: Array<[string, string]>;
  /**
   * `allow-outside-workspace`: the context, Dockerfile and named-context directories may resolve
   * (links followed) outside the workspace. Only the workflow sets it; a hierarchy entry cannot.
   */
  allowOutsideWorkspace: boolean;
}

const GIT_URL = /^((?:https?|ssh|git):\/\/[^#\s]+|[\w.-]+@[\w.-]+:[^#\s]+)(?:#([^:\s]*)(?::(\S+))?)?$/;

/** `https://host/repo.git?ref=main&subdir=docker` → the URL and its query (BuildKit's second spelling of `#ref:subdir`). */
function splitQuery(url: string): [string, string | undefined] {
  const at = url.indexOf('?');
  return at < 0 ? [url, undefined] : [url.slice(0, at), url.slice(at + 1)];
}

const QUERY_KEYS = ['ref', 'tag', 'branch', 'subdir', 'checksum', 'commit', 'submodules', 'keep-git-dir'];

/**
 * BuildKit's query form of a git context (`?ref=`, `?tag=`, `?branch=`, `?subdir=`, `?checksum=`
 * or `?commit=`, `?submodules=`, `?keep-git-dir=`), merged with the `#ref:subdir` fragment: a key
 * BuildKit would not read, a key given twice, or two refs that disagree are input errors, as
 * BuildKit makes them. Hoist's clone fetches submodules and keeps `.git`, so only `true` is taken
 * for those two; a commit is fetched as the ref (with a ref beside it, Hoist cannot check both).
 */
function gitQuery(scope: InputScope, query: string | undefined, fragmentRef: string | undefined, fragmentSubdir: string | undefined) {
  let ref = fragmentRef;
  let subdir = fragmentSubdir;
  if (query === undefined) return { ref, subdir };
  const params = new URLSearchParams(query);
  // A key BuildKit does not read may carry a token (`?access_token=…`): its value is never printed.
  const shown = [...params].map(([k, v]) => (QUERY_KEYS.includes(k) ? `${k}=${v}` : `${k}=…`)).join('&');
  const issue = (message: string) => scope.issues.push({ input: 'context', message: `the query ?${shown}: ${message}` });
  const seen = new Map<string, string>();
  for (const [key, value] of params) {
    if (!QUERY_KEYS.includes(key)) issue(`'${key}' is not one BuildKit reads (${QUERY_KEYS.join(', ')})`);
    else if (seen.has(key)) issue(`'${key}' is given more than once`);
    else if (!value && key !== 'submodules' && key !== 'keep-git-dir') issue(`'${key}' has no value`);
    else seen.set(key, value);
  }
  const setRef = (value: string) => {
    if (ref !== undefined && ref !== value) issue(`the refs '${ref}' and '${value}' disagree: give one`);
    ref = value;
  };
  const plain = (v: string | undefined, prefix: string) => (v === undefined ? undefined : v.startsWith(prefix) ? v : `${prefix}${v}`);
  const tag = plain(seen.get('tag'), 'refs/tags/');
  const branch = plain(seen.get('branch'), 'refs/heads/');
  if (seen.has('ref')) setRef(seen.get('ref')!);
  if (tag && branch) issue('give a tag or a branch, not both');
  if (tag ?? branch) setRef((tag ?? branch)!);
  const commit = seen.get('checksum') ?? seen.get('commit');
  if (commit !== undefined) {
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(commit)) issue(`'${commit}' is not a full commit id (40 hexadecimal digits): give the whole commit`);
    else if (ref !== undefined) issue(`a commit and a ref (${ref}) together: give the commit alone (Hoist fetches exactly it)`);
    ref = commit;
  }
  if (seen.has('subdir')) {
    if (subdir !== undefined && subdir !== seen.get('subdir')) issue(`the subdirectories '${subdir}' and '${seen.get('subdir')}' disagree: give one`);
    subdir = seen.get('subdir');
  }
  for (const key of ['submodules', 'keep-git-dir'])
    if (seen.has(key) && !['', '1', 't', 'true', 'TRUE', 'True'].includes(seen.get(key)!))
      issue(
        key === 'submodules'
          ? `submodules=${seen.get(key)}: Hoist's clone always fetches the submodules; leave it out`
          : `keep-git-dir=${seen.get(key)}: Hoist's clone keeps .git (exclude it with .dockerignore); leave it out`,
      );
  return { ref, subdir };
}

/** A git context, when `context` is one; a remote URL that is not a git repository is an input error. */
function gitContext(scope: InputScope, given: string, file: string | undefined): GitContext | undefined {
  if (!GIT_URL.test(given)) return undefined;
  // Credentials in the URL are secrets: hidden at once, and kept out of the URL that is printed and put on git's argv.
  const userinfo = /^(https?:\/\/)([^@/#\s]+)@/.exec(given);
  let credentials: GitContext['credentials'];
  if (userinfo) {
    const [user, pass] = userinfo[2]!.split(/:(.*)/s) as [string, string | undefined];
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    };
    // `https://TOKEN@host` (a token as the user name) and `https://user:TOKEN@host` both carry a secret.
    credentials = pass === undefined ? { username: 'x-access-token', password: decode(user) } : { username: decode(user), password: decode(pass) };
    for (const value of new Set([userinfo[2]!, credentials.password, decode(userinfo[2]!)]))
      if (value.length >= 4) scope.sensitive.push({ name: 'the credentials in the context URL', value });
  }
  const raw = userinfo ? `${userinfo[1]}${given.slice(userinfo[0].length)}` : given;
  const [, withQuery, fragmentRef, fragmentSubdir] = GIT_URL.exec(raw)!;
  const [url, query] = splitQuery(withQuery!);
  const isGit =
    !/^https?:/.test(url!) || /\.git$/.test(url!) || raw.includes('#') || /^https:\/\/(github\.com|gitlab\.com|bitbucket\.org)\/[^/]+\/[^/]+\/?$/.test(url!);
  if (!isGit) {
    scope.issues.push({
      input: 'context',
      message: `'${raw}' is a URL but not a git repository (a tarball or a Dockerfile URL is not supported): give a repository URL ending in .git, or a directory`,
    });
    return undefined;
  }
  const { ref, subdir } = gitQuery(scope, query, fragmentRef || undefined, fragmentSubdir);
  if (subdir && (subdir.startsWith('/') || subdir.split('/').includes('..'))) {
    scope.issues.push({ input: 'context', message: `'${subdir}' must be a directory inside the repository` });
  }
  // git reads an argument starting with '-' as an option (`--upload-pack=…` runs a command): refused before any git runs.
  if (ref?.startsWith('-') || subdir?.startsWith('-'))
    scope.issues.push({
      input: 'context',
      message: `'${ref?.startsWith('-') ? ref : subdir}' starts with '-', which git would read as an option: name a branch, tag or commit`,
    });
  return { url: url!, ...(credentials ? { credentials } : {}), ...(ref ? { ref } : {}), ...(subdir ? { subdir } : {}), ...(file ? { file } : {}) };
}

/**
 * build-push-action's `{{defaultContext}}`: the run's repository at its ref, as a git context
 * (`https://github.com/acme/app.git#refs/heads/main`), which Hoist clones like any other.
 */
function defaultContext(scope: InputScope, input: string, raw: string): string {
  if (!raw.includes('{{')) return raw;
  const { GITHUB_SERVER_URL: server = 'https://github.com', GITHUB_REPOSITORY: repo, GITHUB_REF: ref, GITHUB_SHA: sha } = scope.env;
  const rendered = raw.replace(/\{\{\s*defaultContext\s*\}\}/g, () => `${server.replace(/\/+$/, '')}/${repo}.git#${ref || sha}`);
  if (rendered.includes('{{')) scope.issues.push({ input, message: "takes {{defaultContext}} only (the run's repository at its ref, as build-push-action)" });
  else if (rendered !== raw && (!repo || !(ref || sha)))
    scope.issues.push({
      input,
      message: "{{defaultContext}} is the run's GitHub repository at its ref, which this run does not name (GITHUB_REPOSITORY, GITHUB_REF): give a directory",
    });
  return rendered;
}

export function parseSource(scope: InputScope): SourceSettings {
  const given = defaultContext(scope, 'context', scope.read('context').trim());
  // `github.com/acme/app` is a git repository to docker build and BuildKit (their older spelling) —
  // after a directory of that name, which docker build takes first (a GOPATH-style src/github.com/… tree).
  const raw = /^github\.com\/[^/\s]+\/[^/\s#?]+/.test(given) && !existsSync(scope.abs(given)) ? `https://${given}` : given;
  const file = optional(scope, 'file');
  const git = gitContext(scope, raw, file);
  const context = git ? '' : scope.abs(raw || '.');
  const contexts = parsePairs(scope, 'build-contexts', /^[A-Za-z0-9_.-]+$/, 'NAME');
  return {
    ...(git ? { git } : {}),
    context,
    file: git ? '' : file ? scope.abs(file) : scope.abs(`${context}/Dockerfile`),
    target: optional(scope, 'target'),
    buildArgs: parsePairs(scope, 'build-args', ENV_KEY, 'NAME'),
    buildContexts: contexts.map(([k, value]) => {
      const v = defaultContext(scope, 'build-contexts', value.trim());
      // A named context goes to the builder's argv as given: credentials in its URL would be on it, and in logs.
      const userinfo = /^[a-z-]+:\/\/([^@/#\s]+)@/.exec(v);
      if (userinfo && /^https?:/.test(v)) {
        scope.sensitive.push({ name: `the credentials in build-contexts (${k})`, value: userinfo[1]! });
        scope.issues.push({
          input: 'build-contexts',
          message: `${k}: its URL holds credentials, which would be on the builder's command line: give the URL without them and the token as secrets (GIT_AUTH_TOKEN.<host>=…, as BuildKit reads it)`,
        });
      }
      return [k, /^[a-z-]+:\/\//.test(v) ? v : scope.abs(v)];
    }),
    allowOutsideWorkspace: parseBool(scope, 'allow-outside-workspace', false),
  };
}
