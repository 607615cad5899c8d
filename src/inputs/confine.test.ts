// Property: nothing a build reads resolves outside the tree it was given — the workspace (or a
// cloned repository) — links followed, unless the workflow widens it. Real-world variants: a
// hierarchy entry `context: /etc`, a committed symlink `app -> /etc` as the plain context input, a
// Dockerfile `file: ../../home/runner/.ssh/id_rsa`, a named context linking out, a hierarchy file
// that is itself a symlink.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { nodeFiles } from '../effects/files.js';
import { readHierarchy } from '../inputs/hierarchy.js';
import type { SourceSettings } from '../inputs/source.js';
import { confineSource, workspaceConfinement } from './confine.js';

function tree() {
  const outside = mkdtempSync(join(tmpdir(), 'hoist-outside-'));
  writeFileSync(join(outside, 'Dockerfile'), 'FROM scratch\n');
  writeFileSync(join(outside, 'id_rsa'), 'key\n');
  const ws = mkdtempSync(join(tmpdir(), 'hoist-ws-'));
  mkdirSync(join(ws, 'app'));
  writeFileSync(join(ws, 'app/Dockerfile'), 'FROM scratch\n');
  symlinkSync(outside, join(ws, 'linked'));
  symlinkSync(join(outside, 'Dockerfile'), join(ws, 'app/Linked.Dockerfile'));
  mkdirSync(join(ws, 'nested/deep'), { recursive: true });
  symlinkSync('../../linked', join(ws, 'nested/deep/up'));
  symlinkSync(join(ws, 'app'), join(ws, 'inner-link')); // a link that stays inside
  return { ws, outside };
}

const source = (s: Partial<SourceSettings>): SourceSettings => ({
  context: '',
  file: '',
  target: undefined,
  buildArgs: [],
  buildContexts: [],
  allowOutsideWorkspace: false,
  ...s,
});

const refusal = async (s: SourceSettings, ws: string, input?: string) => {
  try {
    await confineSource(nodeFiles, s, workspaceConfinement(ws, input, input && 'app'));
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues;
  }
};

describe('paths a build reads are confined to the workspace', () => {
  it('refuses every way out: an absolute path, .., a symlinked directory, a symlinked Dockerfile, a link two levels down, a named context', async () => {
    const { ws, outside } = tree();
    const members: Array<[string, Partial<SourceSettings>]> = [
      ['absolute context', { context: outside, file: join(outside, 'Dockerfile') }],
      ['.. in the path', { context: join(ws, 'app/../..', basename(outside)), file: join(ws, 'app/Dockerfile') }],
      ['symlinked context dir', { context: join(ws, 'linked'), file: join(ws, 'linked/Dockerfile') }],
      ['symlinked Dockerfile', { context: join(ws, 'app'), file: join(ws, 'app/Linked.Dockerfile') }],
      ['Dockerfile outside', { context: join(ws, 'app'), file: join(outside, 'id_rsa') }],
      ['link deep down', { context: join(ws, 'nested/deep/up'), file: join(ws, 'app/Dockerfile') }],
      ['named context', { context: join(ws, 'app'), file: join(ws, 'app/Dockerfile'), buildContexts: [['keys', join(ws, 'linked')]] }],
    ];
    for (const [name, s] of members) {
      const issues = await refusal(source(s), ws);
      expect(issues, name).toBeDefined();
      expect(issues![0]!.message, name).toMatch(/resolves to .* outside the workspace .*allow-outside-workspace: true/);
    }
    // As a hierarchy entry: reported under hierarchy, naming the entry.
    const issues = await refusal(source({ context: '/etc', file: '/etc/hostname' }), ws, 'hierarchy');
    expect(issues!.map((i) => [i.input, i.message.split(':')[0]])).toEqual([
      ['hierarchy', 'app'],
      ['hierarchy', 'app'],
    ]);
  });

  it('lets through what stays inside (links too), what does not exist yet, URLs, and anything when the workflow widens it', async () => {
    const { ws, outside } = tree();
    await expect(refusal(source({ context: join(ws, 'app'), file: join(ws, 'app/Dockerfile') }), ws)).resolves.toBeUndefined();
    await expect(refusal(source({ context: join(ws, 'inner-link'), file: join(ws, 'inner-link/Dockerfile') }), ws)).resolves.toBeUndefined();
    await expect(refusal(source({ context: join(ws, 'missing'), file: join(ws, 'missing/Dockerfile') }), ws)).resolves.toBeUndefined();
    await expect(
      refusal(source({ context: ws, file: join(ws, 'app/Dockerfile'), buildContexts: [['b', 'docker-image://alpine']] }), ws),
    ).resolves.toBeUndefined();
    await expect(refusal(source({ context: outside, file: join(outside, 'Dockerfile'), allowOutsideWorkspace: true }), ws)).resolves.toBeUndefined();
  });

  it('refuses a hierarchy file that links out, before parsing it', async () => {
    const { ws, outside } = tree();
    writeFileSync(join(outside, 'h.yml'), 'images:\n  - name: x\n    context: .\n    images: [r.example/x]\n');
    symlinkSync(join(outside, 'h.yml'), join(ws, 'hierarchy.yml'));
    await expect(readHierarchy(nodeFiles, ws, 'hierarchy.yml')).rejects.toThrow(ConfigError);
    await expect(readHierarchy(nodeFiles, ws, join(outside, 'h.yml'))).rejects.toThrow(ConfigError);
    await expect(readHierarchy(nodeFiles, ws, 'hierarchy.yml', true)).resolves.toHaveLength(1);
  });
});
