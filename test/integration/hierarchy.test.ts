// A family of images from one step, on the lab: os → runtime → app, each child built on the
// digest just pushed for its parent (checked with skopeo: its base.digest label), only what
// changed rebuilt (a change in the app rebuilds the app; one in the os all three; none, nothing
// and no tag moved), and the stale report after the os is rebuilt elsewhere — then none once the
// family is rebuilt.
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hoist, lab, ROOT, run, runAction, skopeoDigest, uniqueRepo } from './lab.js';

interface Entry {
  name: string;
  status: string;
  digest?: string;
}

const labels = async (reference: string) =>
  ((JSON.parse(await run('skopeo', ['inspect', '--tls-verify=false', `docker://${reference}`])) as { Labels?: Record<string, string> }).Labels ?? {}) as Record<
    string,
    string
  >;

describe('a hierarchy of images', () => {
  const { plain } = lab().registries;
  const group = `${plain.host}/${uniqueRepo('family')}`;
  let ws = '';
  const hierarchy = (osVersion: string) => `images:
  - name: app
    context: app
    from: runtime
    version: 3.0.0
    images: [${group}/app]
  - name: os
    context: images/os
    version: ${osVersion}
    images: [${group}/os]
  - name: runtime
    context: images/runtime
    from: os
    version: 2.0.0
    images:
      - ${group}/runtime
`;
  const write = (path: string, text: string) => writeFile(join(ws, path), text);
  const build = async () => {
    const r = await runAction({ workspace: ws, inputs: { hierarchy: 'hierarchy.yml', 'insecure-registries': plain.host } });
    expect(r.errors).toEqual([]);
    const entries = JSON.parse(r.outputs.hierarchy!) as Entry[];
    return { r, status: Object.fromEntries(entries.map((e) => [e.name, e.status])), digest: Object.fromEntries(entries.map((e) => [e.name, e.digest])) };
  };
  const baseDigest = async (image: string) => (await labels(image))['org.opencontainers.image.base.digest'];

  beforeAll(async () => {
    ws = await mkdtemp(join(tmpdir(), 'hoist-family-'));
    for (const d of ['images/os', 'images/runtime', 'app']) await mkdir(join(ws, d), { recursive: true });
    await write('hierarchy.yml', hierarchy('1.0.0'));
    await write('images/os/Dockerfile', `FROM ${plain.host}/lab/busybox:1.36\nCOPY os.txt /etc/os.txt\n`);
    await write('images/os/os.txt', 'os 1\n');
    // A tag of the parent, not a digest: the hierarchy pins it to what it just pushed.
    await write('images/runtime/Dockerfile', `FROM ${group}/os:1\nCOPY runtime.txt /opt/runtime.txt\n`);
    await write('images/runtime/runtime.txt', 'runtime 1\n');
    await write('app/Dockerfile', `ARG RUNTIME=${group}/runtime:latest\nFROM \${RUNTIME}\nCOPY app.txt /app.txt\n`);
    await write('app/app.txt', 'app 1\n');
  });

  it('builds all three in order, each child on its parent’s pushed digest; then only what changed; then nothing', async () => {
    const first = await build();
    expect(first.status).toEqual({ os: 'built', runtime: 'built', app: 'built' });
    expect(await skopeoDigest(`${group}/os:1.0.0`)).toBe(first.digest.os);
    expect(await baseDigest(`${group}/runtime:2.0.0`)).toBe(first.digest.os);
    expect(await baseDigest(`${group}/app:3.0.0`)).toBe(first.digest.runtime);
    expect((await labels(`${group}/runtime:2.0.0`))['org.opencontainers.image.base.name']).toBe(`${group}/os:1@${first.digest.os}`);
    expect(first.r.summary).toMatch(/- \*\*os\*\* 🔨 built[\s\S]*\n {2}- \*\*runtime\*\* 🔨 built[\s\S]*\n {4}- \*\*app\*\* 🔨 built/);

    await write('app/app.txt', 'app 2\n');
    const appOnly = await build();
    expect(appOnly.status).toEqual({ os: 'unchanged', runtime: 'unchanged', app: 'built' });
    expect(appOnly.digest.runtime).toBe(first.digest.runtime);
    expect(await baseDigest(`${group}/app:3.0.0`)).toBe(first.digest.runtime);
    expect(appOnly.digest.app).not.toBe(first.digest.app);

    await write('images/os/os.txt', 'os 2 (a security fix)\n');
    const all = await build();
    expect(all.status).toEqual({ os: 'built', runtime: 'built', app: 'built' });
    expect(all.digest.os).not.toBe(first.digest.os);
    expect(await baseDigest(`${group}/runtime:2.0.0`)).toBe(all.digest.os);
    expect(await baseDigest(`${group}/app:3.0.0`)).toBe(all.digest.runtime);

    const tags = ['os:1.0.0', 'os:latest', 'runtime:2.0.0', 'runtime:latest', 'app:3.0.0', 'app:latest'];
    const before = await Promise.all(tags.map((t) => skopeoDigest(`${group}/${t}`)));
    const none = await build();
    expect(none.status).toEqual({ os: 'unchanged', runtime: 'unchanged', app: 'unchanged' });
    expect(none.r.log).not.toContain('docker save');
    expect(await Promise.all(tags.map((t) => skopeoDigest(`${group}/${t}`)))).toEqual(before);
  }, 600_000);

  it('stale also knows an image of a single build by the base annotations Hoist set from the base’s registry', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-single-'));
    const buildOne = (context: string, images: string) =>
      runAction({ workspace: dir, inputs: { context, images, version: '1.0.0', 'insecure-registries': plain.host } });
    for (const d of ['golden', 'service']) await mkdir(join(dir, d));
    await writeFile(join(dir, 'golden/Dockerfile'), `FROM ${plain.host}/lab/busybox:1.36\nRUN echo golden 1 > /golden\n`);
    await writeFile(join(dir, 'service/Dockerfile'), `FROM ${group}/golden:1\nRUN echo service > /service\n`);
    expect((await buildOne('golden', `${group}/golden`)).errors).toEqual([]);
    expect((await buildOne('service', `${group}/service`)).errors).toEqual([]);
    const check = () =>
      runAction({
        workspace: dir,
        actionFile: join(ROOT, 'stale/action.yml'),
        inputs: { images: `${group}/service:1.0.0`, 'insecure-registries': plain.host },
      });
    expect((await check()).outputs.stale).toBe('');
    await writeFile(join(dir, 'golden/Dockerfile'), `FROM ${plain.host}/lab/busybox:1.36\nRUN echo golden 2 > /golden\n`);
    expect(
      (await runAction({ workspace: dir, inputs: { context: 'golden', images: `${group}/golden`, version: '1.0.1', 'insecure-registries': plain.host } }))
        .errors,
    ).toEqual([]);
    const outdated = await check();
    expect(outdated.exitCode).toBe(1);
    expect(outdated.outputs.stale).toBe(`${group}/service:1.0.0`);
    expect(outdated.log).toContain(`its base ${group}/golden:1 moved`);
  }, 300_000);

  it('a failed entry skips its descendants, not its siblings; the step fails naming it (hoist build --hierarchy)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-family-fail-'));
    for (const d of ['base', 'broken', 'child', 'sibling']) await mkdir(join(dir, d));
    await writeFile(join(dir, 'base/Dockerfile'), `FROM ${plain.host}/lab/busybox:1.36\nRUN echo base > /base\n`);
    await writeFile(join(dir, 'broken/Dockerfile'), `FROM ${group}/f-base:1\nRUN exit 3\n`);
    await writeFile(join(dir, 'child/Dockerfile'), `FROM ${group}/f-broken:1\n`);
    await writeFile(join(dir, 'sibling/Dockerfile'), `FROM ${group}/f-base:1\nRUN echo sibling > /sibling\n`);
    const entry = (name: string, from?: string) =>
      `  - { name: ${name}, context: ${name}, version: 1.0.0, images: [${group}/f-${name}]${from ? `, from: ${from}` : ''} }\n`;
    await writeFile(join(dir, 'family.yml'), `images:\n${entry('base')}${entry('broken', 'base')}${entry('child', 'broken')}${entry('sibling', 'base')}`);
    const r = await hoist(['build', '--hierarchy', 'family.yml', '--insecure-registries', plain.host, '--json'], { cwd: dir });
    expect(r.code).toBe(3); // a build step failed: could not finish
    const entries = (JSON.parse(r.stdout) as { outputs: { hierarchy: Entry[] } }).outputs.hierarchy;
    expect(Object.fromEntries(entries.map((e) => [e.name, e.status]))).toEqual({ base: 'built', broken: 'failed', sibling: 'built', child: 'skipped' });
    expect(r.stderr).toMatch(/1 of 4 images of family\.yml failed \(broken\); their descendants were skipped/);
    expect(await skopeoDigest(`${group}/f-sibling:1.0.0`)).toMatch(/^sha256:/);
    expect(await skopeoDigest(`${group}/f-child:1.0.0`)).toBeUndefined();
  }, 300_000);

  it('stale lists runtime and app once the os is rebuilt elsewhere, with the chain; none after the family is rebuilt', async () => {
    const staleRun = () =>
      runAction({ workspace: ws, actionFile: join(ROOT, 'stale/action.yml'), inputs: { hierarchy: 'hierarchy.yml', 'insecure-registries': plain.host } });
    const fresh = await staleRun();
    expect(fresh.errors).toEqual([]);
    expect(fresh.outputs.stale).toBe('');
    // The platform team rebuilds the os in a pipeline of its own: its 1, 1.0 and latest move.
    await write('images/os/os.txt', 'os 3 (another fix)\n');
    const elsewhere = await runAction({
      workspace: ws,
      inputs: { context: 'images/os', images: `${group}/os`, version: '1.0.1', 'insecure-registries': plain.host },
    });
    expect(elsewhere.errors).toEqual([]);
    const outdated = await staleRun();
    expect(outdated.exitCode).toBe(1);
    expect(outdated.outputs.stale!.split('\n')).toEqual([`${group}/runtime:2.0.0`, `${group}/app:3.0.0`]);
    expect(outdated.log).toContain(`STALE  ${group}/runtime:2.0.0: its base ${group}/os:1 moved: built on`);
    expect(outdated.log).toContain(`STALE  ${group}/app:3.0.0: built on ${group}/runtime:latest, which is stale`);
    expect(outdated.summary).toContain(`${group}/app:3.0.0\` — built on`);
    expect(outdated.errors.join('\n')).toMatch(/2 of 3 images are built on an outdated base; rebuild: /);

    await write('hierarchy.yml', hierarchy('1.0.1'));
    const rebuilt = await build();
    expect(rebuilt.status).toEqual({ os: 'built', runtime: 'built', app: 'built' });
    const after = await staleRun();
    expect(after.errors).toEqual([]);
    expect(after.outputs.stale).toBe('');
  }, 600_000);
});
