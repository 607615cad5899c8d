// Inputs as people type them out of other tools' habits, through the CLI bundle (HOIST_TEST_CLI for
// a private one): `hoist push` of an OCI layout (skopeo's copy of the lab's busybox) to the lab's
// plain registry. Each is exit 2 with the fix, and nothing reaches the registry.
// - docker build's -t/--tag, --secret, skopeo's --tls-verify=false: the nearest spelling was wrong
//   ("did you mean --tag-channel?", "--secret-cache?") or there was none.
// - images space-separated (a shell variable's list): "unknown setting" with the known settings.
// - a calendar version 2024.12.06, a two-number 2.1: only "expected major.minor.patch".
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { hoist, lab, leaks, password, run, uniqueRepo } from './lab.js';

const plain = () => lab().registries.plain.host;
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hoist-s60-inputs-'));
  await run('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${plain()}/lab/busybox:1.36`, `oci:${join(dir, 'layout')}`]);
}, 60_000);

/** The repository's tags, or 'none' when the registry does not know it. */
const tagsOf = (repo: string) =>
  promisify(execFile)('skopeo', ['list-tags', '--tls-verify=false', `docker://${repo}`]).then(
    (r) => (JSON.parse(r.stdout) as { Tags: string[] }).Tags,
    () => 'none',
  );

describe('flags and values from other tools', () => {
  it.each([
    [['--tag', 'edge'], "--tag: no such flag: docker build's --tag: give the repository in --images and the tags in --tags or --version"],
    [['-t', 'edge'], "-t: no such flag: docker build's -t"],
    [['--secret', 'id=npm,src=.npmrc'], '--secret: no such flag: a secret for RUN --mount=type=secret is --secret-files ID=PATH or --secret-envs ID=VARIABLE'],
    [['--tls-verify=false'], '--tls-verify: no such flag: name the registry instead: --insecure-registries HOST'],
    [['--version', '2024.12.06'], "'2024.12.06' is not a semantic version: a number has a leading zero (a calendar version's month or day): write 2024.12.6"],
    [['--version', 'main'], "'main' is not a semantic version: it holds no version number (a branch name?): leave version empty"],
    [['--version', 'v2.1'], "'v2.1' is not a semantic version: it has two numbers; a release version has three (major.minor.patch): write 2.1.0"],
  ])(
    '%j: exit 2 with the fix, nothing pushed',
    async (extra, said) => {
      const repo = `${plain()}/${uniqueRepo('s60/inputs')}`;
      const r = await hoist(['push', 'layout', '--images', repo, '--insecure-registries', plain(), ...extra], { cwd: dir });
      expect({ code: r.code, said: r.stderr.includes(said), tags: await tagsOf(repo) }, r.stderr).toEqual({ code: 2, said: true, tags: 'none' });
    },
    30_000,
  );

  it('images "A B" on one line: exit 2 naming both and the fix, nothing pushed', async () => {
    const [a, b] = [`${plain()}/${uniqueRepo('s60/inputs-a')}`, `${plain()}/${uniqueRepo('s60/inputs-b')}`];
    const r = await hoist(['push', 'layout', '--images', `${a} ${b}`, '--insecure-registries', plain()], { cwd: dir });
    const said = `'${a}' and '${b}' are on one line: give one repository per line, or separate them with commas`;
    expect({ code: r.code, said: r.stderr.includes(said), a: await tagsOf(a), b: await tagsOf(b) }, r.stderr).toEqual({
      code: 2,
      said: true,
      a: 'none',
      b: 'none',
    });
  }, 30_000);
});

describe("registry-auth aligned, or in another tool's form", () => {
  /**
   * Property: `REGISTRY = USER:PASSWORD` aligned with spaces logs in; a Docker config's JSON is named
   * with where it goes (DOCKER_AUTH_CONFIG), the password printed nowhere. Nearest real variants: a
   * `registry_auth: |` block aligned by hand; `registry_auth: $DOCKER_AUTH_CONFIG`. Before, the
   * aligned user ' token-user' was refused (exit 3), the JSON "line 1 is not REGISTRY=…".
   */
  it('aligned lines list the token registry; a Docker config JSON is exit 2 naming DOCKER_AUTH_CONFIG', async () => {
    const { token } = lab().registries;
    const secret = password(token.passwordFile);
    const env = { HOME: dir, DOCKER_CONFIG: dir };
    const list = async (text: string) => {
      await writeFile(join(dir, 'auth'), text, { mode: 0o600 });
      const r = await hoist(['tags', 'list', `${token.host}/golden/busybox`, '--insecure-registries', token.host, '--registry-auth-file', 'auth'], {
        cwd: dir,
        env,
      });
      return {
        code: r.code,
        listed: r.stdout.split('\n').includes('1.36'),
        json: r.stderr.includes('is a Docker config (JSON)'),
        leaked: leaks(r.stdout + r.stderr, secret),
      };
    };
    const aligned = await list(`${token.host}   =   ${token.username}:${secret}\n`);
    const json = await list(JSON.stringify({ auths: { [token.host]: { auth: Buffer.from(`${token.username}:${secret}`).toString('base64') } } }));
    expect({ aligned, json }).toEqual({
      aligned: { code: 0, listed: true, json: false, leaked: false },
      json: { code: 2, listed: false, json: true, leaked: false },
    });
  }, 30_000);
});
