// registry-ca naming a file that is not there (a path mistyped, a CA file the job did not check out).
// Every command that reaches the registry printed a bare "ENOENT: no such file or directory, open
// '…'" and exit 3 (could not finish), where a missing file is an input error: exit 2, naming the
// flag and the line to fix. Through the shipped bundle (HOIST_TEST_CLI for a private one), against
// the lab's TLS registry.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hoist, lab, password, uniqueRepo } from './lab.js';

describe('registry-ca naming no file', () => {
  /**
   * Property: a registry-ca file that cannot be read is an input error (exit 2) naming --registry-ca,
   * the registry and the path, for the registry verbs as for push. Nearest real-world variant: the
   * lab CA's own path, with which the same commands reach the TLS registry (exit 0).
   */
  it('tags list and inspect exit 2 naming --registry-ca and the path; the real CA path works', async () => {
    const { tls } = lab().registries;
    const dir = await mkdtemp(join(tmpdir(), 'hoist-ca-'));
    const missing = join(dir, 'certs/acme-root-ca.pem');
    const env = { HOIST_REGISTRY_AUTH: `${tls.host}=${tls.username}:${password(tls.passwordFile)}` };
    const repo = `${tls.host}/${uniqueRepo('ca/none')}`;
    const results: Record<string, { code: number; named: boolean }> = {};
    for (const [name, args] of Object.entries({
      list: ['tags', 'list', repo],
      inspect: ['inspect', `${repo}:1`],
    })) {
      const good = await hoist([...args, '--registry-ca', `${tls.host}=${tls.ca}`], { cwd: dir, env });
      expect(good.stderr).not.toMatch(/ENOENT|registry-ca/);
      const r = await hoist([...args, '--registry-ca', `${tls.host}=${missing}`], { cwd: dir, env });
      results[name] = { code: r.code, named: r.stderr.includes(`--registry-ca: ${tls.host}: cannot read ${missing} (ENOENT)`) };
    }
    expect(results).toEqual({ list: { code: 2, named: true }, inspect: { code: 2, named: true } });
  }, 60_000);
});
