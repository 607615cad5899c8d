// The Dockerfile read as BuildKit reads it, through the shipped action (dist/index.js) on the lab:
// the daemon's BuildKit builds the layouts Hoist reads — a FROM continued over lines and joined
// without a space, a comment and a blank line inside the continuation, Docker's per-architecture
// stage pattern (`FROM base-$TARGETARCH`) — so a build that succeeds shows BuildKit read the image
// Hoist's policy allowed. The layouts that named another image than the policy saw before (an
// escaped backslash ending a line, `${TARGETARCH:+…}`, `# syntax=` after a byte-order mark) are
// refused before anything is built, naming the line; so is a Dockerfile BuildKit itself refuses.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lab, runAction, skopeoDigest, uniqueRepo } from './lab.js';

async function workspace(dockerfile: string): Promise<string> {
  const ws = await mkdtemp(join(tmpdir(), 'hoist-df-'));
  await writeFile(join(ws, 'Dockerfile'), dockerfile);
  await writeFile(join(ws, 'app.txt'), 'the application\n');
  return ws;
}

describe('the Dockerfile as BuildKit reads it (dist, the daemon’s BuildKit)', () => {
  const { plain } = lab().registries;
  const base = `${plain.host}/lab/busybox:1.36`;
  const policy = { 'allowed-base-images': `${plain.host}/lab/*`, 'insecure-registries': plain.host };

  it.each([
    ['continued lines joined without a space', `FROM ${plain.host}/lab/busy\\\nbox:1.36\nCOPY app.txt /app.txt\n`],
    ['a comment and a blank line inside the continuation', `FROM \\\n# the base\n\n  ${base}\nCOPY app.txt /app.txt\n`],
  ])(
    '%s: the policy allows the image and BuildKit builds on it',
    async (_name, dockerfile) => {
      const image = `${plain.host}/${uniqueRepo('df-reader/layout')}`;
      const r = await runAction({ workspace: await workspace(dockerfile), inputs: { images: image, version: '1.0.0', ...policy } });
      expect(r.errors).toEqual([]);
      expect(JSON.parse(r.outputs.metadata ?? '{}').labels).toMatchObject({ 'org.opencontainers.image.base.name': base });
      expect(await skopeoDigest(`${image}:1.0.0`)).toBe(r.outputs.digest);
    },
    120_000,
  );

  it('FROM base-$TARGETARCH (stages per architecture) builds both platforms on the multi-platform base', async () => {
    const multi = lab().multiImage.reference;
    const image = `${plain.host}/${uniqueRepo('df-reader/per-arch')}`;
    const dockerfile = `FROM ${multi} AS base-amd64\nFROM ${multi} AS base-arm64\nFROM base-$TARGETARCH\nCOPY app.txt /app.txt\n`;
    const r = await runAction({
      workspace: await workspace(dockerfile),
      inputs: { images: image, version: '1.0.0', platforms: 'linux/amd64,linux/arm64', builder: 'docker', ...policy },
    });
    expect(r.errors).toEqual([]);
    expect(r.outputs.platforms).toBe('linux/amd64,linux/arm64');
  }, 180_000);

  it.each([
    [
      '${TARGETARCH:+…} names another registry',
      'FROM ${TARGETARCH:+evil.example/}lab/busybox:1.36\n',
      /Dockerfile:1: FROM evil\.example\/lab\/busybox:1\.36 is not an allowed base image/,
    ],
    [
      'an escaped backslash ends the RUN line; the next FROM is read',
      `FROM ${base}\nRUN echo \\\\\nFROM evil.example/base:1\n`,
      /Dockerfile:3: FROM evil\.example\/base:1 is not an allowed base image/,
    ],
    [
      '# syntax= after a byte-order mark is the frontend image',
      `\ufeff# syntax=evil.example/frontend:1\nFROM ${base}\n`,
      /Dockerfile:1: # syntax= evil\.example\/frontend:1 is not an allowed base image/,
    ],
  ])(
    '%s: refused by the policy before anything is built',
    async (_name, dockerfile, message) => {
      const r = await runAction({
        workspace: await workspace(dockerfile),
        inputs: { images: `${plain.host}/${uniqueRepo('df-reader/refused')}`, version: '1.0.0', ...policy },
      });
      expect(r.exitCode).toBe(1);
      expect(r.errors.join('\n')).toMatch(message);
      expect(r.log).not.toContain('Builder:');
    },
    60_000,
  );

  it('a BUILDKIT_SYNTAX build argument names the frontend BuildKit runs: under the policy too', async () => {
    const r = await runAction({
      workspace: await workspace(`FROM ${base}\n`),
      inputs: {
        images: `${plain.host}/${uniqueRepo('df-reader/syntax-arg')}`,
        version: '1.0.0',
        'build-args': 'BUILDKIT_SYNTAX=evil.example/frontend:1',
        ...policy,
      },
    });
    expect(r.exitCode).toBe(1);
    expect(r.errors.join('\n')).toMatch(/BUILDKIT_SYNTAX evil\.example\/frontend:1 is not an allowed base image/);
    expect(r.log).not.toContain('Builder:');
  }, 60_000);

  it('a Dockerfile BuildKit refuses is refused by name and line, with no policy set, before any builder runs', async () => {
    const r = await runAction({
      workspace: await workspace(`FROM ${base} AS 1st\nCOPY app.txt /app.txt\n`),
      inputs: { images: `${plain.host}/${uniqueRepo('df-reader/invalid')}`, version: '1.0.0', 'insecure-registries': plain.host },
    });
    expect(r.exitCode).toBe(1);
    expect(r.errors.join('\n')).toMatch(/Dockerfile:1: invalid name for build stage: "1st".*BuildKit refuses this Dockerfile; nothing was built/);
    expect(r.log).toMatch(/::error (?=[^\n]*file=Dockerfile)(?=[^\n]*line=1)[^\n]*::BuildKit would refuse this Dockerfile/);
    expect(r.log).not.toContain('Builder:');
  }, 60_000);
});
