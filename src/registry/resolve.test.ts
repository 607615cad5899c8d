/**
 * The one credential precedence, as a table: for each registry asked about (ghcr.io, Docker Hub by
 * each of its names, a host with a port), which of registry-auth, the machine's Docker config and
 * the step's github-token logs in. Inputs go through the real input parser, the machine's config
 * through the real Docker config reader (a config.json on disk), so aliases are matched as they are
 * at run time. The builders' github-token login is asked the same question (`githubTokenLogin`).
 * Nearest real-world variant: docker/login-action logged in to ghcr.io with a PAT that can write
 * packages of another organisation, and the job's GITHUB_TOKEN cannot: the push used the PAT, the
 * builders (before this table) the GITHUB_TOKEN, so a base pulled from that organisation was denied.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { githubTokenLogin } from '../builders/registry-access.js';
import { nodeFiles } from '../effects/files.js';
import { parseConfig, ctx, reader } from '../../test/support/inputs.js';
import { noProcesses, recordingPlatform } from '../../test/support/pipeline.js';
import { fetchDockerCredentials } from './credentials.js';
import { resolveCredentials, type CredentialSource } from './resolve.js';

interface Row {
  /** What the old code paths chose, where they disagreed (push: registry/connect.ts; builders: builders/stage.ts). */
  was?: string;
  ask: string;
  registryAuth?: string;
  /** `auths` keys of the machine's Docker config, each with the user `machine`. */
  machine?: string[];
  token?: boolean;
  wins: CredentialSource | undefined;
  user?: string;
}

const TABLE: Row[] = [
  { ask: 'ghcr.io', registryAuth: 'ghcr.io=bot:pw', machine: ['ghcr.io'], token: true, wins: 'registry-auth', user: 'bot' },
  { was: 'push: machine; builders: github-token', ask: 'ghcr.io', machine: ['ghcr.io'], token: true, wins: 'machine', user: 'machine' },
  { was: 'push: machine; builders: github-token', ask: 'ghcr.io', machine: ['https://ghcr.io/v1/'], token: true, wins: 'machine', user: 'machine' },
  { ask: 'ghcr.io', machine: ['docker.io'], token: true, wins: 'github-token', user: 'octo' },
  { ask: 'ghcr.io', wins: undefined },
  { ask: 'docker.io', registryAuth: 'index.docker.io=hub:pw', machine: ['https://index.docker.io/v1/'], wins: 'registry-auth', user: 'hub' },
  { ask: 'registry-1.docker.io', registryAuth: 'docker.io=hub:pw', wins: 'registry-auth', user: 'hub' },
  { ask: 'index.docker.io', machine: ['https://index.docker.io/v1/'], token: true, wins: 'machine', user: 'machine' },
  { ask: 'docker.io', machine: ['registry-1.docker.io'], wins: 'machine', user: 'machine' },
  { ask: 'docker.io', token: true, wins: undefined },
  { ask: 'ghcr.io:443', registryAuth: 'ghcr.io=bot:pw', machine: ['ghcr.io'], token: true, wins: undefined },
  { ask: '127.0.0.1:5000', registryAuth: '127.0.0.1:5000=u:p', machine: ['127.0.0.1:5000'], wins: 'registry-auth', user: 'u' },
  { ask: '127.0.0.1:5000', registryAuth: '127.0.0.1=u:p', machine: ['127.0.0.1:5000'], wins: 'machine', user: 'machine' },
  { ask: '127.0.0.1:5000', registryAuth: '127.0.0.1=u:p', machine: ['127.0.0.1'], token: true, wins: undefined },
];

const TOKEN = 'ghs_the-steps-token';

async function machineConfig(keys: readonly string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-resolve-'));
  const auths = Object.fromEntries(keys.map((k) => [k, { auth: Buffer.from('machine:machine-pw').toString('base64') }]));
  await writeFile(join(dir, 'config.json'), JSON.stringify({ auths }));
  return dir;
}

const label = (r: Row) =>
  `${r.ask} with ${[r.registryAuth && `registry-auth ${r.registryAuth}`, r.machine && `machine ${r.machine.join(',')}`, r.token && 'github-token'].filter(Boolean).join(', ') || 'nothing'}: ${r.wins ?? 'anonymous'}${r.was ? ` (was ${r.was})` : ''}`;

describe('the credential precedence (registry/resolve.ts)', () => {
  it.each(TABLE.map((r) => [label(r), r] as const))('%s', async (_, row) => {
    const transfer = (await parseConfig(reader({ images: 'ghcr.io/acme/app', 'registry-auth': row.registryAuth ?? '' }), ctx)).transfer;
    const env = { DOCKER_CONFIG: await machineConfig(row.machine ?? []) };
    const machine = (registry: string) =>
      fetchDockerCredentials(registry, { env, readFile: nodeFiles.readTextIfExists, runHelper: async () => Promise.reject(new Error('no helper')) });
    const chosen = await resolveCredentials(row.ask, { transfer, machine, githubToken: row.token ? TOKEN : undefined, actor: 'octo' });
    // The source that wins, and (where the row names one) whose user name it carries.
    expect({ source: chosen?.source, ...(row.user ? { user: chosen?.credentials.username } : {}) }).toEqual({
      source: row.wins,
      ...(row.user ? { user: row.user } : {}),
    });
  });

  it('property: the builders log in to ghcr.io with the github-token exactly when the table says the push does', async () => {
    const rows = TABLE.filter((r) => r.ask === 'ghcr.io' && r.token);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const row of rows) {
      const transfer = (await parseConfig(reader({ images: 'ghcr.io/acme/app', 'registry-auth': row.registryAuth ?? '' }), ctx)).transfer;
      const tempDir = await mkdtemp(join(tmpdir(), 'hoist-resolve-'));
      const platform = recordingPlatform(
        {},
        { workspace: tempDir, tempDir, env: { DOCKER_CONFIG: await machineConfig(row.machine ?? []), GITHUB_ACTOR: 'octo' } },
      );
      const logins = await githubTokenLogin({ platform, files: nodeFiles, exec: noProcesses() }, transfer, TOKEN);
      expect(logins, label(row)).toEqual(row.wins === 'github-token' ? [{ host: 'ghcr.io', username: 'octo', password: TOKEN }] : []);
    }
  });

  it("a machine config the builders cannot read keeps the github-token login and says why, without the config's contents", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-resolve-'));
    await writeFile(join(dir, 'config.json'), '{"auths": {"ghcr.io": {"auth": "c2VjcmV0LXZhbHVl"');
    const platform = recordingPlatform({}, { workspace: dir, tempDir: dir, env: { DOCKER_CONFIG: dir } });
    const transfer = (await parseConfig(reader({ images: 'ghcr.io/acme/app' }), ctx)).transfer;
    expect(await githubTokenLogin({ platform, files: nodeFiles, exec: noProcesses() }, transfer, TOKEN)).toEqual([
      { host: 'ghcr.io', username: 'x-access-token', password: TOKEN },
    ]);
    expect(platform.log()).toMatch(/ghcr\.io: the builders log in with the step's github-token \(.*config\.json is not valid JSON/);
    expect(platform.log()).not.toContain('c2VjcmV0LXZhbHVl');
  });
});
