// Property: nothing outside the workspace reaches an image or a log unless the workflow widens it.
// Real-world variants: a hierarchy file (repository content) naming `context: /etc` or a Dockerfile
// outside the workspace, and a context directory committed as a symlink (`app -> <outside>`),
// given through the hierarchy and through the plain `context` input.
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lab, runAction, skopeoDigest, uniqueRepo } from './lab.js';

async function setup() {
  const { plain } = lab().registries;
  const outside = await mkdtemp(join(tmpdir(), 'hoist-runner-files-'));
  await writeFile(join(outside, 'Dockerfile'), `FROM ${plain.host}/lab/busybox:1.36\nCOPY . /stolen\n`);
  await writeFile(join(outside, 'ssh_host_ed25519_key'), 'not for an image\n');
  const ws = await mkdtemp(join(tmpdir(), 'hoist-ws-'));
  await mkdir(join(ws, 'good'));
  await writeFile(join(ws, 'good/Dockerfile'), `FROM ${plain.host}/lab/busybox:1.36\nRUN echo ${Math.random()} > /n\n`);
  await symlink(outside, join(ws, 'app'));
  return { plain, outside, ws };
}

describe('paths outside the workspace', () => {
  it('a hierarchy entry naming /etc, a symlinked context or a Dockerfile outside fails by name; its sibling builds; nothing of theirs is pushed', async () => {
    const { plain, outside, ws } = await setup();
    const repo = (n: string) => `${plain.host}/${uniqueRepo(`confine/${n}`)}`;
    const images = { good: repo('good'), etc: repo('etc'), linked: repo('linked'), file: repo('file') };
    await writeFile(
      join(ws, 'hierarchy.yml'),
      `images:
  - { name: good, context: good, images: [${images.good}] }
  - { name: etc, context: /etc, file: ${outside}/Dockerfile, images: [${images.etc}] }
  - { name: linked, context: app, images: [${images.linked}] }
  - { name: file, context: good, file: ${outside}/Dockerfile, images: [${images.file}] }
`,
    );
    const r = await runAction({ workspace: ws, inputs: { hierarchy: 'hierarchy.yml', 'insecure-registries': plain.host } });
    expect(r.exitCode).toBe(1);
    const status = Object.fromEntries((JSON.parse(r.outputs.hierarchy!) as { name: string; status: string }[]).map((e) => [e.name, e.status]));
    expect(status).toEqual({ good: 'built', etc: 'failed', linked: 'failed', file: 'failed' });
    for (const name of ['etc', 'linked', 'file']) expect(r.log).toMatch(new RegExp(`${name}: .*outside the workspace.*allow-outside-workspace: true`));
    for (const name of ['etc', 'linked', 'file'] as const) expect(await skopeoDigest(`${images[name]}:latest`)).toBeUndefined();
    expect(r.log).not.toContain('not for an image');
  });

  it('the plain context input through a committed symlink is refused, and built once the workflow allows it', async () => {
    const { plain, ws } = await setup();
    const image = `${plain.host}/${uniqueRepo('confine/plain')}`;
    const refused = await runAction({ workspace: ws, inputs: { images: image, context: 'app', 'insecure-registries': plain.host } });
    expect(refused.exitCode).toBe(1);
    expect(refused.errors.join('\n')).toMatch(/^Input 'context': .*app resolves to .*hoist-runner-files-.*outside the workspace/m);
    expect(refused.errors.join('\n')).toMatch(/^Input 'file': /m);
    const allowed = await runAction({
      workspace: ws,
      inputs: { images: image, context: 'app', 'insecure-registries': plain.host, 'allow-outside-workspace': 'true', audit: 'warn' },
    });
    expect(allowed.exitCode, allowed.log).toBe(0);
    expect(await skopeoDigest(`${image}:main`)).toBe(allowed.outputs.digest);
  });
});
