// Property: a flag or argument typed out of another tool's habit (docker build, buildx, podman,
// skopeo, crane, docker login) is exit 2 with Hoist's way of saying it — never a misleading nearest
// spelling (`--tag` → "--tag-channel?") and never the value that followed it (a password).
// Nearest real variants: `hoist build -t ghcr.io/acme/app:1.2 .`, `hoist promote SRC DEST`,
// `hoist tags list … --tls-verify=false`, `hoist build --password "$CI_REGISTRY_PASSWORD"`.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { cli } from './main.js';

async function usage(argv: string[]): Promise<{ code: number; text: string }> {
  const stderr = new PassThrough();
  const stdout = new PassThrough();
  let text = '';
  stderr.on('data', (b: Buffer) => (text += b.toString()));
  const code = await cli(argv, { PATH: process.env.PATH, NO_COLOR: '1' }, { stdout, stderr });
  return { code, text: text.split('\n')[0]! };
}

describe('flags of other tools', () => {
  it.each([
    [['build', '-t', 'ghcr.io/acme/app:1.2'], /-t: no such flag: docker build's -t: give the repository in --images and the tags in --tags or --version/],
    [['build', '--tag', 'ghcr.io/acme/app:1.2'], /--tag: no such flag: docker build's --tag: give the repository in --images/],
    [['push', 'layout', '--tag', 'edge'], /--tag: no such flag: docker build's --tag/],
    [['build', '-f', 'docker/Dockerfile'], /-f: no such flag: the Dockerfile is --file PATH/],
    [['build', '--secret', 'id=npm,src=.npmrc'], /--secret: no such flag: a secret for RUN --mount=type=secret is --secret-files ID=PATH or --secret-envs/],
    [['build', '-o', 'type=oci,dest=x'], /-o: no such flag: an export is --outputs/],
    [['build', '--iidfile', 'id.txt'], /--iidfile: no such flag: --json prints the outputs/],
    [['build', '--metadata-file', 'm.json'], /--metadata-file: no such flag: --json prints the outputs/],
    [['promote', '--to', 'registry.acme/prod/app'], /--to: no such flag: the repositories to copy to are --destinations/],
    [['promote', '--src', 'registry.acme/stage/app:1'], /--src: no such flag: the image to copy is --source REF/],
    [
      ['tags', 'list', 'registry.acme/app', '--tls-verify=false'],
      /--tls-verify: no such flag: name the registry instead: --insecure-registries HOST .*--registry-ca REGISTRY=PATH/,
    ],
    [['inspect', 'registry.acme/app:1', '--creds', 'bob:pw'], /--creds: no such flag: logins go in a file, never argv: --registry-auth-file PATH/],
    [['promote', '--dest-cert-dir', '/etc/certs'], /--dest-cert-dir: no such flag: a private CA is --registry-ca REGISTRY=PATH/],
  ])('%j: exit 2 with the Hoist way', async (argv, said) => {
    const r = await usage(argv);
    expect(r).toMatchObject({ code: 2, text: expect.stringMatching(said) });
  });

  it('--password VALUE: the login files named, the value never printed', async () => {
    const r = await usage(['build', '--images', 'registry.acme/app', '--password', 'hunter2-secret-value']);
    expect({ code: r.code, said: r.text.includes('--registry-auth-file'), leaked: r.text.includes('hunter2') }).toEqual({ code: 2, said: true, leaked: false });
  });

  it('a misspelling is still answered with the nearest flag', async () => {
    expect(await usage(['build', '--imagez', 'x'])).toEqual({ code: 2, text: 'hoist: --imagez: no such flag: did you mean --images?' });
  });
});

describe('arguments where a flag is expected', () => {
  it.each([
    [['build', '--images', 'registry.acme/app', '.'], /unexpected argument '\.': .*docker build's context directory is --context \./],
    [['promote', 'registry.acme/stage/app:1', 'registry.acme/prod/app'], /skopeo copy's SRC DEST are --source REF --destinations REPO/],
    [['merge', 'registry.acme/app@sha256:0123'], /the images to join are --sources/],
  ])('%j: exit 2 naming the flag', async (argv, said) => {
    expect(await usage(argv)).toMatchObject({ code: 2, text: expect.stringMatching(said) });
  });
});
