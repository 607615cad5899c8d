/** The lab's facts (written by test/lab/lab.sh up) and helpers to run the action as a runner does. */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';

const execFileAsync = promisify(execFile);
export const ROOT = resolve(import.meta.dirname, '../..');

export interface Lab {
  dir: string;
  docker: { host: string; cli: string };
  baseImage: { local: string; id: string; repository: string; tag: string };
  gitImage: { local: string; repository: string; tag: string };
  /** An index of linux/amd64 and linux/arm64 busybox images in the plain registry; qemu-aarch64 is registered. */
  multiImage: { reference: string; platforms: string[] };
  registries: {
    plain: { host: string };
    /** Deletes disabled (storage.delete off). */
    nodelete: { host: string };
    tls: { host: string; ca: string; certDir: string; username: string; passwordFile: string };
    token: { host: string; realm: string; service: string; username: string; passwordFile: string };
  };
  ssh: { port: number; user: string; repoUrl: string; privateKeyFile: string; knownHostsFile: string };
  /** tinyproxy: `url` forwards (its `log` lists each request), `denyUrl` refuses every client. */
  proxy: { url: string; log: string; denyUrl: string };
}

export const labFile = () => join(process.env.HOIST_LAB_DIR ?? '/var/tmp/hoist-lab', 'lab.json');
export const lab = (): Lab => JSON.parse(readFileSync(labFile(), 'utf8')) as Lab;
export const password = (file: string) => readFileSync(file, 'utf8').trim();

/** A unique repository name per test, so tests never see each other's pushes. */
export function uniqueRepo(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * With HOIST_IMPORT_LOG naming a file (test/integration/dist-chunks.test.ts sets it), every run of
 * dist/ records the dist/ files it loads there (scripts/import-recorder.mjs); otherwise nothing.
 */
export const importRecorderEnv = (): Record<string, string> =>
  process.env.HOIST_IMPORT_LOG ? { HOIST_IMPORT_LOG: process.env.HOIST_IMPORT_LOG, NODE_OPTIONS: `--import=${join(ROOT, 'scripts/import-recorder.mjs')}` } : {};

/** The environment every tool of ours and the lab's shares: Debian's docker 20.10 CLI first. */
export function toolEnv(): Record<string, string> {
  return { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', HOME: process.env.HOME ?? '/root', DOCKER_HOST: lab().docker.host };
}

export interface ActionRun {
  exitCode: number;
  /** What the runner's log shows: stdout and stderr without the `::add-mask::` commands it consumes. */
  log: string;
  /** The values the step asked the runner to mask. */
  masked: string[];
  outputs: Record<string, string>;
  state: Record<string, string>;
  /** `::error::` lines, decoded. */
  errors: string[];
  runnerTemp: string;
  /** What the step wrote to GITHUB_STEP_SUMMARY. */
  summary: string;
  /** Everything the main (and post) step printed, byte for byte, as the runner reads it. */
  raw: string;
}

/** Parses GITHUB_OUTPUT / GITHUB_STATE files (`name<<delimiter` blocks and `name=value` lines). */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i] ?? '');
      out[name!] = value.join('\n');
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

/**
 * The defaults action.yml declares: a runner sets INPUT_<NAME> for each of them, expressions
 * evaluated (`${{ github.token }}` is the job's token: none here).
 */
async function actionDefaults(actionFile: string): Promise<Record<string, string>> {
  const action = parseYaml(await readFile(actionFile, 'utf8')) as { inputs: Record<string, { default?: string }> };
  const env: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs))
    env[`INPUT_${name.toUpperCase()}`] = (spec.default ?? '').replace(/\$\{\{\s*github\.token\s*\}\}/g, '');
  return env;
}

/**
 * Runs `node dist/index.js` as the GitHub runner does: INPUT_* for every input (defaults from
 * action.yml), GITHUB_OUTPUT/GITHUB_STATE/GITHUB_STEP_SUMMARY files, RUNNER_TEMP, a workspace.
 * With `post`, runs the post step afterwards with the saved state as STATE_* variables.
 */
export async function runAction(options: {
  inputs: Record<string, string>;
  env?: Record<string, string>;
  workspace: string;
  post?: boolean;
  actionFile?: string;
  entry?: string;
  /** Sends `signal` (SIGTERM) to the main step once its output matches `when`: a cancelled job. */
  cancel?: { when: RegExp; signal?: NodeJS.Signals };
}): Promise<ActionRun> {
  const runnerDir = await mkdtemp(join(tmpdir(), 'hoist-runner-'));
  const runnerTemp = join(runnerDir, 'temp');
  await execFileAsync('mkdir', ['-p', runnerTemp]);
  const files = { GITHUB_OUTPUT: 'output', GITHUB_STATE: 'state', GITHUB_STEP_SUMMARY: 'summary', GITHUB_ENV: 'env', GITHUB_PATH: 'path' };
  for (const f of Object.values(files)) await writeFile(join(runnerDir, f), '');
  const inputs: Record<string, string> = await actionDefaults(options.actionFile ?? join(ROOT, 'action.yml'));
  for (const [k, v] of Object.entries(options.inputs)) inputs[`INPUT_${k.toUpperCase()}`] = v;
  const env: Record<string, string> = {
    ...toolEnv(),
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    RUNNER_TEMP: runnerTemp,
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_REPOSITORY: 'acme/app',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF: 'refs/heads/main',
    ...Object.fromEntries(Object.entries(files).map(([k, f]) => [k, join(runnerDir, f)])),
    ...inputs,
    ...importRecorderEnv(),
    ...options.env,
  };
  const entry = options.entry ?? join(ROOT, 'dist/index.js');
  const exec = (extra: Record<string, string>, cancel?: { when: RegExp; signal: NodeJS.Signals }) =>
    new Promise<{ code: number; stdout: string }>((done, fail) => {
      const child = spawn(process.execPath, [entry], { env: { ...env, ...extra }, cwd: options.workspace, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let sent = false;
      const take = (c: Buffer) => {
        stdout += c.toString();
        if (cancel && !sent && cancel.when.test(stdout)) {
          sent = true;
          child.kill(cancel.signal);
        }
      };
      child.stdout.on('data', take);
      child.stderr.on('data', take);
      child.on('error', fail);
      child.on('close', (code, signal) => done({ code: code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1), stdout }));
    });
  const main = await exec({}, options.cancel && { signal: 'SIGTERM', ...options.cancel });
  const state = parseFileCommands(await readFile(join(runnerDir, 'state'), 'utf8'));
  let stdout = main.stdout;
  if (options.post) {
    const stateEnv = Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v]));
    const post = await exec(stateEnv);
    stdout += post.stdout;
  }
  const lines = stdout.split('\n');
  const masked = lines.filter((l) => l.startsWith('::add-mask::')).map((l) => l.slice('::add-mask::'.length));
  const log = lines.filter((l) => !l.startsWith('::add-mask::')).join('\n');
  const errors = main.stdout
    .split('\n')
    .filter((l) => l.startsWith('::error'))
    .map((l) => decodeURIComponent(l.replace(/^::error[^:]*::/, '')));
  const summary = await readFile(join(runnerDir, 'summary'), 'utf8');
  return {
    exitCode: main.code,
    log,
    masked,
    outputs: parseFileCommands(await readFile(join(runnerDir, 'output'), 'utf8')),
    state,
    errors,
    runnerTemp,
    summary,
    raw: stdout,
  };
}

export async function leftovers(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.startsWith('hoist-'));
}

export async function run(file: string, args: string[], env: Record<string, string> = toolEnv()): Promise<string> {
  const r = await execFileAsync(file, args, { env, maxBuffer: 64 << 20 });
  return r.stdout;
}

/** True when `text` contains `secret`; assert on this so a failure message never prints either. */
export const leaks = (text: string, secret: string): boolean => text.includes(secret);

export interface SkopeoAccess {
  /** Directory with the registry's ca.crt (TLS checks stay on). */
  certDir?: string;
  username?: string;
  passwordFile?: string;
}

/** Runs skopeo with the TLS and login settings of a lab registry (authfile in a temp dir, never argv). */
async function withSkopeo<T>(reference: string, access: SkopeoAccess, use: (args: string[], dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-skopeo-'));
  try {
    const args: string[] = [];
    if (access.certDir) args.push('--cert-dir', access.certDir);
    else args.push('--tls-verify=false');
    if (access.username && access.passwordFile) {
      const host = reference.split('/')[0]!;
      const auth = Buffer.from(`${access.username}:${password(access.passwordFile)}`).toString('base64');
      await writeFile(join(dir, 'auth.json'), JSON.stringify({ auths: { [host]: { auth } } }), { mode: 0o600 });
      args.push('--authfile', join(dir, 'auth.json'));
    }
    return await use(args, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** skopeo's view of a reference in the lab: the manifest digest, or undefined if it is not there. */
export async function skopeoDigest(reference: string, access: SkopeoAccess = {}): Promise<string | undefined> {
  return withSkopeo(reference, access, (args) =>
    run('skopeo', ['inspect', '--format', '{{.Digest}}', ...args, `docker://${reference}`]).then(
      (out) => out.trim(),
      () => undefined,
    ),
  );
}

/** The image's labels (from its config) and its manifest's annotations, as skopeo reads them. */
export async function skopeoMetadata(
  reference: string,
  access: SkopeoAccess = {},
): Promise<{ labels: Record<string, string>; annotations: Record<string, string> }> {
  return withSkopeo(reference, access, async (args) => {
    const inspect = JSON.parse(await run('skopeo', ['inspect', ...args, `docker://${reference}`])) as { Labels?: Record<string, string> | null };
    const manifest = JSON.parse(await run('skopeo', ['inspect', '--raw', ...args, `docker://${reference}`])) as { annotations?: Record<string, string> };
    return { labels: inspect.Labels ?? {}, annotations: manifest.annotations ?? {} };
  });
}

/** Pulls every blob of an image with skopeo (which checks each digest); true when all arrive intact. */
export async function skopeoPullsIntact(reference: string, access: SkopeoAccess = {}): Promise<boolean> {
  return withSkopeo(reference, access, async (args, dir) => {
    const src = args.map((a) =>
      a === '--tls-verify=false' ? '--src-tls-verify=false' : a === '--cert-dir' ? '--src-cert-dir' : a === '--authfile' ? '--src-authfile' : a,
    );
    return run('skopeo', ['copy', '--quiet', ...src, `docker://${reference}`, `dir:${join(dir, 'image')}`]).then(
      () => true,
      () => false,
    );
  });
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI under test: HOIST_TEST_CLI (a private bundle of the tree), else the dist/cli.js that ships. */
export const CLI = process.env.HOIST_TEST_CLI ? resolve(process.env.HOIST_TEST_CLI) : join(ROOT, 'dist/cli.js');

/** Runs the `hoist` command (`CLI`) in `cwd`, with the lab's tool environment (and `o.env` over it). */
export function hoist(args: string[], o: { cwd: string; env?: Record<string, string> }): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: o.cwd,
      env: { ...toolEnv(), TMPDIR: o.cwd, ...importRecorderEnv(), ...o.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? 1, stdout, stderr }));
  });
}

/**
 * An OCI layout at `dir`/out/layout from `hoist build --push=false --outputs type=oci` of the lab's busybox with `step`
 * as its one RUN line (`extra`: more flags, e.g. `--version 1.0.0`, `--json`); a build that fails throws with its stderr.
 */
export async function localLayout(dir: string, step: string, extra: string[] = []): Promise<{ layout: string; built: CliRun }> {
  const host = lab().registries.plain.host;
  await writeFile(join(dir, 'Dockerfile'), `FROM ${host}/lab/busybox:1.36\nRUN ${step}\n`);
  const layout = join(dir, 'out/layout');
  const args = ['build', '--images', `${host}/unused/app`, '--push=false', '--outputs', `type=oci,dest=${layout}`, '--insecure-registries', host];
  const built = await hoist([...args, ...extra], { cwd: dir });
  if (built.code !== 0) throw new Error(`build failed (${built.code}): ${built.stderr}`);
  return { layout, built };
}
