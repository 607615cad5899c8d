// The audit on leaks as they really ship, built for real with BuildKit (the Docker daemon's) from
// busybox: a secret in a gzip-compressed log, in a .tar.gz, in base64 wrapped at 76 columns (what
// busybox's base64 writes), in a .jar (deflated, made beside the Dockerfile and COPYed in). Each
// fails naming the path through the container, pushes nothing and never prints the value; an
// image full of clean archives passes.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { lab, leaks, runAction, skopeoDigest, uniqueRepo } from './lab.js';

// Long enough that its base64 wraps at 76 columns.
const TOKEN = `corpus-${Math.random().toString(36).slice(2)}-${'q'.repeat(60)}-end`;

const cases: Array<{ name: string; dockerfile: (base: string) => string; files?: Record<string, Uint8Array>; path: RegExp }> = [
  {
    name: 'a gzip-compressed log',
    dockerfile: (b) =>
      `FROM ${b}\nRUN --mount=type=secret,id=token mkdir -p /var/log && (echo "login ok"; cat /run/secrets/token) | gzip > /var/log/app.log.1.gz\n`,
    path: /var\/log\/app\.log\.1\.gz!/,
  },
  {
    name: 'a file in a .tar.gz',
    dockerfile: (b) =>
      `FROM ${b}\nRUN --mount=type=secret,id=token mkdir -p /p /opt && cp /run/secrets/token /p/.npmrc && tar czf /opt/pkg.tar.gz -C / p && rm -rf /p\n`,
    path: /opt\/pkg\.tar\.gz!\/p\/\.npmrc/,
  },
  {
    name: 'a bzip2-compressed backup inside a .tar.gz',
    dockerfile: (b) =>
      `FROM ${b}\nRUN --mount=type=secret,id=token mkdir -p /b /var/backups && (echo "-- dump"; cat /run/secrets/token) | bzip2 > /b/db.sql.bz2 && tar czf /var/backups/db.tar.gz -C / b && rm -rf /b\n`,
    path: /var\/backups\/db\.tar\.gz!\/b\/db\.sql\.bz2!/,
  },
  {
    name: 'a hex dump (busybox hexdump -C) left by a debugging step',
    dockerfile: (b) => `FROM ${b}\nRUN --mount=type=secret,id=token mkdir -p /var/debug && hexdump -C /run/secrets/token > /var/debug/token.dump\n`,
    path: /var\/debug\/token\.dump \(as a hex dump\)/,
  },
  {
    name: 'base64 wrapped at 76 columns',
    dockerfile: (b) => `FROM ${b}\nRUN --mount=type=secret,id=token base64 /run/secrets/token > /etc/app.b64\n`,
    path: /etc\/app\.b64/,
  },
  {
    name: 'a deflated .jar',
    dockerfile: (b) => `FROM ${b}\nCOPY app.jar /app/lib/app.jar\n`,
    files: { 'app.jar': zipSync({ 'BOOT-INF/classes/application.properties': strToU8(`spring.datasource.password=${TOKEN}\n`) }, { level: 6 }) },
    path: /app\/lib\/app\.jar!\/BOOT-INF\/classes\/application\.properties/,
  },
];

async function workspace(dockerfile: string, files: Record<string, Uint8Array> = {}): Promise<string> {
  const ws = await mkdtemp(join(tmpdir(), 'hoist-ws-'));
  await writeFile(join(ws, 'Dockerfile'), dockerfile);
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(ws, name), bytes);
  return ws;
}

describe('the audit opens archives and wrapped encodings in real images', () => {
  it.each(cases)(
    '$name: fails, names the path, pushes nothing',
    async (c) => {
      const { plain } = lab().registries;
      const image = `${plain.host}/${uniqueRepo('audit/archive')}`;
      // A nonce of its own: a cached secret step would hold an earlier run's token (secret-cache).
      const ws = await workspace(c.dockerfile(`${plain.host}/lab/busybox:1.36`).replace('\n', `\nRUN echo ${Math.random()} > /nonce\n`), c.files);
      const r = await runAction({
        workspace: ws,
        inputs: { images: image, version: '1.0.0', 'insecure-registries': plain.host, secrets: `token=${TOKEN}`, builder: 'docker' },
      });
      expect(r.exitCode).toBe(1);
      expect(r.errors.join('\n')).toMatch(/the audit found/);
      expect(r.errors.join('\n')).toMatch(c.path);
      expect(leaks(r.log, TOKEN)).toBe(false);
      expect(await skopeoDigest(`${image}:1.0.0`)).toBeUndefined();
    },
    120_000,
  );

  it('passes an image full of clean archives', async () => {
    const { plain } = lab().registries;
    const image = `${plain.host}/${uniqueRepo('audit/clean-archives')}`;
    const ws = await workspace(
      `FROM ${plain.host}/lab/busybox:1.36\nCOPY lib.jar /app/lib.jar\nRUN mkdir -p /d && echo hello > /d/a && tar czf /opt.tar.gz -C / d && gzip -c /etc/passwd > /passwd.gz && base64 /bin/busybox > /busybox.b64\n`,
      { 'lib.jar': zipSync({ 'META-INF/MANIFEST.MF': strToU8('Manifest-Version: 1.0\n'), 'a/B.class': new Uint8Array(20_000).fill(3) }) },
    );
    const r = await runAction({
      workspace: ws,
      inputs: { images: image, version: '1.0.0', 'insecure-registries': plain.host, secrets: `token=${TOKEN}`, builder: 'docker' },
    });
    expect(r.errors).toEqual([]);
    expect(await skopeoDigest(`${image}:1.0.0`)).toBe(r.outputs.digest);
  }, 120_000);
});
