// Paths with spaces, as a macOS runner's or a user's project directory has them, through the CLI bundle
// (HOIST_TEST_CLI for a private one), built by buildah from the lab's busybox:
// - secret-files naming `certs dir/tok en.txt` mounts that file (it was refused: "the value given is not
//   a file path"), with the context and the Dockerfile under directories with spaces too;
// - a secret's text given where its path belongs (a passphrase with spaces) is still refused, and never printed.
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hoist, lab, leaks } from './lab.js';

const secret = 'paths-with-spaces-s59-secret';

async function project(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist s59 paths '));
  const host = lab().registries.plain.host;
  await mkdir(join(dir, 'my app', 'docker files'), { recursive: true });
  await mkdir(join(dir, 'certs dir'));
  await writeFile(
    join(dir, 'my app', 'docker files', 'Build File'),
    `FROM ${host}/lab/busybox:1.36\nRUN --mount=type=secret,id=tok wc -c /run/secrets/tok && echo ${Math.random()}\n`,
  );
  await writeFile(join(dir, 'certs dir', 'tok en.txt'), secret);
  return dir;
}

const build = (dir: string, secretFiles: string, out: string) =>
  hoist(
    ['build', '--images', `${lab().registries.plain.host}/s59/paths`, '--tags', 't', '--push=false', '--builder', 'buildah'].concat(
      ['--insecure-registries', lab().registries.plain.host, '--context', 'my app', '--file', 'my app/docker files/Build File'],
      ['--secret-files', secretFiles, '--outputs', `type=oci,dest=${out}`],
    ),
    { cwd: dir },
  );

describe('paths with spaces', () => {
  /**
   * Property: a secret file, the context and the Dockerfile under paths with spaces are read as given.
   * Nearest real variant: a macOS runner's /Users/runner/work/My Project/My Project checkout.
   */
  it('secret-files tok=certs dir/tok en.txt: mounted (the RUN step counts its bytes), the layout written', async () => {
    const dir = await project();
    const r = await build(dir, 'tok=certs dir/tok en.txt', 'out dir/image layout');
    const written = await readdir(join(dir, 'out dir', 'image layout')).catch((): string[] => []);
    expect({
      code: r.code,
      mounted: r.stderr.includes(`${secret.length} /run/secrets/tok`),
      layout: written.includes('index.json'),
      leaked: leaks(r.stderr + r.stdout, secret),
    }).toEqual({
      code: 0,
      mounted: true,
      layout: true,
      leaked: false,
    });
  }, 55_000);

  /** Property: text with spaces that is no file is refused without being printed. Nearest real variant: a GitLab variable not of type File. */
  it('secret-files tok=<a passphrase with spaces>: exit 2, the passphrase never printed', async () => {
    const dir = await project();
    const passphrase = 'correct horse battery staple s59';
    const r = await build(dir, `tok=${passphrase}`, 'out');
    expect({ code: r.code, named: /--secret-files: secret 'tok': .*not printed/.test(r.stderr), leaked: leaks(r.stderr + r.stdout, passphrase) }).toEqual({
      code: 2,
      named: true,
      leaked: false,
    });
  }, 30_000);
});
