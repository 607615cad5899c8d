// Property: nothing a build prints can steer the GitHub runner — no command of its own is
// processed, and Hoist's own later `::add-mask::` still hides a credential. Real-world variant: a
// RUN step (or a package's install script) printing `::stop-commands::`, legacy `##[cmd]` lines,
// a `::` line behind U+0085 or a carriage return, and GitLab section markers, before Hoist masks
// the registry password it found in the machine's Docker config for a hierarchy's next entry.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runnerCommands } from '../support/runner-commands.js';
import { lab, password, ROOT, runAction, skopeoDigest, toolEnv, uniqueRepo } from './lab.js';

/** Lines a RUN step prints: printf's octal escapes give U+0085 (\302\205), U+00A0, CR and ESC. */
const HOSTILE = [
  '::stop-commands::pwned',
  '##[add-mask]build-output',
  '\\302\\205::warning title=Audit::audit passed, no secret found',
  'progress\\r::error::fake failure',
  '  ##[set-output name=digest]sha256:0000',
  '\\302\\240::add-mask::nbsp',
  '\\033[0Ksection_start:1:fake[collapsed=true]\\r\\033[0Kfolded',
  '::pwned::',
];

describe('workflow commands in build output', () => {
  it('are not processed, and the password Hoist masks after the build stays hidden', async () => {
    const { plain, tls } = lab().registries;
    const ws = await mkdtemp(join(tmpdir(), 'hoist-ws-'));
    for (const d of ['os', 'app']) await mkdir(join(ws, d));
    // The first entry's RUN step prints the hostile lines; the second pushes to the TLS registry,
    // whose password (the machine's Docker login) Hoist learns, and masks, only then.
    const run = `RUN printf '${HOSTILE.join('\\n')}\\n' && echo ${Math.random().toString(36).slice(2)} > /n`;
    await writeFile(join(ws, 'os/Dockerfile'), `FROM ${plain.host}/lab/busybox:1.36\n${run}\n`);
    const os = `${plain.host}/${uniqueRepo('inject/os')}`;
    const app = `${tls.host}/${uniqueRepo('inject/app')}`;
    await writeFile(join(ws, 'app/Dockerfile'), `FROM ${os}\nRUN echo app > /app\n`);
    await writeFile(
      join(ws, 'hierarchy.yml'),
      `images:\n  - name: os\n    context: os\n    images: [${os}]\n  - name: app\n    context: app\n    from: os\n    images: [${app}]\n`,
    );
    const dockerConfig = await mkdtemp(join(tmpdir(), 'hoist-dc-'));
    const pw = password(tls.passwordFile);
    await writeFile(
      join(dockerConfig, 'config.json'),
      JSON.stringify({ auths: { [tls.host]: { auth: Buffer.from(`${tls.username}:${pw}`).toString('base64') } } }),
    );
    const result = await runAction({
      workspace: ws,
      env: { DOCKER_CONFIG: dockerConfig },
      inputs: { hierarchy: 'hierarchy.yml', 'registry-ca': `${tls.host}=${tls.ca}`, 'insecure-registries': plain.host, 'no-cache': 'true' },
    });
    expect(result.exitCode, result.log).toBe(0);
    // The step's output did carry the hostile lines (the build ran them) …
    const hostileAt = result.raw.indexOf('audit passed');
    expect(hostileAt).toBeGreaterThan(0);
    expect(result.raw).toContain('::stop-commands::pwned');
    // … the runner processes only Hoist's fences and Hoist's own masks, the password's after the build among them …
    const commands = runnerCommands(result.raw);
    const foreign = commands.filter((c) => !['add-mask', 'stop-commands', 'group', 'endgroup'].includes(c.command) && !/^[0-9a-f]{32}$/.test(c.command));
    expect(foreign).toEqual([]);
    const masks = commands.filter((c) => c.command === 'add-mask').map((c) => c.data);
    expect(masks).not.toContain('build-output');
    expect(masks).not.toContain('nbsp');
    expect(result.raw.indexOf(`::add-mask::${pw}`)).toBeGreaterThan(hostileAt);
    expect(masks).toContain(pw);
    // … GitLab's section marker reached no line intact, and both images were pushed.
    expect(result.raw).not.toMatch(/section_start:1:fake/);
    const entries = JSON.parse(result.outputs.hierarchy!) as { name: string; digest: string }[];
    expect(
      await skopeoDigest(`${app}@${entries.find((e) => e.name === 'app')!.digest}`, {
        certDir: tls.certDir,
        username: tls.username,
        passwordFile: tls.passwordFile,
      }),
    ).toBe(entries.find((e) => e.name === 'app')!.digest);
  });

  it('on GitLab, reach the job log with no escape, carriage return or section marker of their own', async () => {
    const { plain } = lab().registries;
    const ws = await mkdtemp(join(tmpdir(), 'hoist-ws-'));
    await writeFile(join(ws, 'Dockerfile'), `FROM ${plain.host}/lab/busybox:1.36\nRUN printf '${HOSTILE.join('\\n')}\\n' && echo ${Math.random()} > /n\n`);
    const image = `${plain.host}/${uniqueRepo('inject/gitlab')}`;
    const out = await new Promise<{ code: number; text: string }>((done, fail) => {
      const child = spawn(process.execPath, [join(ROOT, 'dist/index.js')], {
        cwd: ws,
        env: {
          ...toolEnv(),
          GITLAB_CI: 'true',
          CI_JOB_ID: `inj-${Date.now()}`,
          INPUT_IMAGES: image,
          INPUT_INSECURE_REGISTRIES: plain.host,
          INPUT_NO_CACHE: 'true',
          INPUT_TAGS: 'v1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      child.stdout.on('data', (c: Buffer) => (text += c.toString()));
      child.stderr.on('data', (c: Buffer) => (text += c.toString()));
      child.on('error', fail);
      child.on('close', (code) => done({ code: code ?? 1, text }));
    });
    expect(out.code, out.text).toBe(0);
    expect(out.text).toContain('audit passed');
    // Hoist's own markers and colours are the only escapes and carriage returns left.
    // eslint-disable-next-line no-control-regex -- Hoist's own section markers
    const sections = /\u001b\[0Ksection_(start|end):\d+:hoist_\d+(\[collapsed=true\])?\r\u001b\[0K/g;
    // eslint-disable-next-line no-control-regex -- Hoist's own colours
    const colours = /\u001b\[(3[13]|0)m/g;
    const own = out.text.replace(sections, '').replace(colours, '');
    // eslint-disable-next-line no-control-regex -- the controls are what the test looks for
    expect(own).not.toMatch(/[\u001b\r\u0085]/);
    expect(own).not.toMatch(/section_(start|end):/);
  });
});
