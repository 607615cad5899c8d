// Secret inputs written on Windows: CRLF line ends in a private key pasted into a CI secret or a
// File-type variable, and in a docker/login-action style YAML list read with "$(cat auth.yml)"
// (the shell cuts the final LF, leaving the last line's CR). Both are the same secrets: ssh-add
// refused the key ("error in libcrypto", and the message asked for a complete key), and the last
// password kept its CR, so the registry refused the login. Through the shipped bundle (HOIST_TEST_CLI
// for a private one), against the lab's SSH git server, docker and TLS registry.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hoist, lab, leaks, password, run, uniqueRepo } from './lab.js';

const crlf = (text: string) => text.replace(/\r?\n/g, '\r\n');

describe('secret inputs with CRLF line ends', () => {
  /**
   * Property: a private key with CRLF line ends loads and clones as the same key with LF ones.
   * Nearest real-world variant: the key as ssh-keygen wrote it (LF), which secrets.test.ts clones
   * with; here `git clone` over the lab's SSH server in a RUN --mount=type=ssh.
   */
  it('hoist build clones over SSH with a CRLF private key, and prints none of it', async () => {
    const { plain } = lab().registries;
    const dir = await mkdtemp(join(tmpdir(), 'hoist-crlf-'));
    await writeFile(
      join(dir, 'Dockerfile'),
      `FROM ${plain.host}/lab/git:1
RUN echo ${Math.random().toString(36).slice(2)} > /build-nonce
RUN --mount=type=secret,id=known_hosts,target=/root/.ssh/known_hosts --mount=type=ssh git clone -q ${lab().ssh.repoUrl} /src/private-lib
CMD ["cat", "/src/private-lib/index.js"]
`,
    );
    const key = await readFile(lab().ssh.privateKeyFile, 'utf8');
    await writeFile(join(dir, 'deploy_key'), crlf(key), { mode: 0o600 });
    await writeFile(join(dir, 'known_hosts'), crlf(await readFile(lab().ssh.knownHostsFile, 'utf8')));
    const repo = `${plain.host}/${uniqueRepo('crlf/app')}`;
    const r = await hoist(
      [
        'build',
        '--images',
        repo,
        '--tags',
        'x',
        '--network',
        'host',
        '--insecure-registries',
        plain.host,
        '--ssh-key-file',
        join(dir, 'deploy_key'),
        '--ssh-known-hosts',
        await readFile(join(dir, 'known_hosts'), 'utf8'),
        '--json',
      ],
      { cwd: dir },
    );
    expect(r.stderr).not.toMatch(/could not be loaded into ssh-agent/);
    expect(r.code).toBe(0);
    const digest = (JSON.parse(r.stdout) as { outputs: { digest: string } }).outputs.digest;
    expect(await run(lab().docker.cli, ['run', '--rm', `${repo}@${digest}`])).toContain('private-lib: the secret sauce');
    for (const line of key.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))) expect(leaks(r.stdout + r.stderr, line)).toBe(false);
  }, 180_000);

  /**
   * Property: a YAML list of logins with CRLF line ends logs in whatever its final line break.
   * Nearest real-world variant: the same list with LF line ends, and with its final CRLF kept.
   */
  it('HOIST_REGISTRY_AUTH as a CRLF YAML list logs in to the TLS registry, its final line break cut or not', async () => {
    const { tls } = lab().registries;
    const dir = await mkdtemp(join(tmpdir(), 'hoist-crlf-'));
    const pw = password(tls.passwordFile);
    const list = `- registry: ${tls.host}\n  username: ${tls.username}\n  password: ${pw}\n`;
    const args = ['tags', 'list', `${tls.host}/${uniqueRepo('crlf/none')}`, '--registry-ca', `${tls.host}=${tls.ca}`];
    const given = { lf: list.trimEnd(), crlfKept: crlf(list), crlfCut: crlf(list).replace(/\r\n$/, '\r') };
    const codes: Record<string, number> = {};
    for (const [name, value] of Object.entries(given)) {
      const r = await hoist(args, { cwd: dir, env: { HOIST_REGISTRY_AUTH: value } });
      codes[name] = r.code;
      expect(leaks(r.stdout + r.stderr, pw)).toBe(false);
    }
    expect(codes).toEqual({ lf: 0, crlfKept: 0, crlfCut: 0 });
  }, 60_000);
});
