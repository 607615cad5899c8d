// Layers holding archives, streamed through the audit as docker save gives them: each archive made
// with the real tool, a leaky twin and a clean one. Before the tap in oci/docker-save.ts told its
// own end from an early one, a reader still busy with a layer's last chunk (an archive decoding on
// zlib's threads) when the layer's stream completed got 'the layer stream ended early'.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tarOf } from '../../test/support/tar.js';
import type { LayerAudit } from '../core/builder.js';
import { convertDockerSave } from '../oci/docker-save.js';
import { AUDIT_AHEAD } from '../oci/layer-stream.js';
import { both, dockerSave, pieces, SECRET } from './streamed.testing.js';

const exec = promisify(execFile);

/** Files written under a fresh directory (the secret goes in a file, never in a tool's argv), then `tool args…` run there; the output file's bytes. */
async function made(files: Record<string, string | Buffer>, out: string, command: string[]): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-archive-'));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  await exec(command[0]!, command.slice(1), { cwd: dir });
  return readFile(join(dir, out));
}

/** Text that compresses (a deflate stream of several blocks' worth), with `line` inside it. */
const logWith = (line: string) => Array.from({ length: 400 }, (_, i) => (i === 200 ? line : `${i} GET /health 200 ${(i * 7919) % 1000} ms\n`)).join('');
const npmrc = (token: string) => `registry=https://r.example/\n//r.example/:_authToken=${token}\n`;
const CLEAN = 'not-a-secret-just-a-placeholder-value-0';

const archives = {
  'a .tar.gz': async (token: string) => ({
    path: 'app/bundle.tar.gz',
    bytes: await made({ 'pkg/.npmrc': npmrc(token), 'pkg/log.txt': logWith('x\n') }, 'b.tgz', ['tar', '-czf', 'b.tgz', 'pkg']),
    at: 'app/bundle.tar.gz!/pkg/.npmrc',
  }),
  "a gzip'd log": async (token: string) => ({
    path: 'var/log/app.log.gz',
    bytes: await made({ 'app.log': logWith(`token=${token}\n`) }, 'app.log.gz', ['gzip', '-9', 'app.log']),
    at: 'var/log/app.log.gz!',
  }),
  'a jar of deflated entries': async (token: string) => ({
    path: 'app/lib/app.jar',
    bytes: await made(
      // The last member inflates past what the zip walker inflates at once (16 MiB): it streams through zlib's threads.
      {
        'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\n',
        'config/app.properties': `${logWith('a=b\n')}npm.token=${token}\n`,
        'x/Log.class': logWith('').repeat(1700),
      },
      'app.jar',
      ['zip', '-q', '-X', '-r', '-Z', 'deflate', 'app.jar', 'META-INF', 'config', 'x'],
    ),
    at: 'app/lib/app.jar!/config/app.properties',
  }),
  'a bzip2 file inside a .tar': async (token: string) => {
    const dump = await made({ 'dump.sql': logWith(`INSERT INTO t VALUES ('${token}');\n`) }, 'dump.sql.bz2', ['bzip2', '-9', 'dump.sql']);
    return {
      path: 'srv/backup.tar',
      bytes: await made({ 'dump.sql.bz2': dump }, 'backup.tar', ['tar', '-cf', 'backup.tar', 'dump.sql.bz2']),
      at: 'srv/backup.tar!/dump.sql.bz2!',
    };
  },
};

/** The own layer: the archive between other files, as a COPY of an application leaves it. */
const layerWith = (path: string, bytes: Buffer, after: Record<string, string> = { 'app/README': 'readme\n', 'etc/hostname': 'box\n' }) =>
  tarOf({ 'app/start.sh': '#!/bin/sh\nexec node app.js\n', [path]: bytes, ...after });

/** Streams the layer through the conversion with the streamed audit; its findings, which must be the full audit's. */
async function streamedFindings(own: Buffer) {
  const run = await both(await tarOf({ 'bin/sh': 'base' }), own);
  const result = await run.streamed.finish(run.graph, run.adopted);
  // The same findings as the full audit's (in an order of their own: a damaged stream is told when its reader meets it).
  const sorted = (fs: typeof result.findings) => fs.map((f) => JSON.stringify(f)).sort();
  expect(sorted(result.findings)).toEqual(sorted(run.full.findings));
  return result.findings.map((f) => `${f.severity}: ${f.what} @ ${f.where.replace(/^layer sha256:[a-f0-9]{64} \(echo own > \/own\.txt\), /, '')}`).sort();
}

describe('the streamed audit of layers holding archives', () => {
  for (const [name, make] of Object.entries(archives)) {
    it(`${name}: the secret inside is found as the layer streams; the clean twin passes`, async () => {
      const leaky = await make(SECRET);
      expect(leaky.bytes.includes(SECRET)).toBe(false); // compressed: only a decoder can find it
      expect(await streamedFindings(await layerWith(leaky.path, leaky.bytes))).toEqual([`leak: build-arg 'NPM_TOKEN' @ ${leaky.at}`]);
      const clean = await make(CLEAN);
      expect(await streamedFindings(await layerWith(clean.path, clean.bytes))).toEqual([]);
    });
  }

  it('a truncated .tar.gz is said not fully audited, and the layer is read on to its end (a secret after it found)', async () => {
    const whole = await archives['a .tar.gz'](CLEAN);
    const cut = whole.bytes.subarray(0, Math.floor(whole.bytes.length / 2));
    const damaged = [`limit: not fully audited: a damaged deflate stream (unexpected end of file): the rest is not audited @ app/bundle.tar.gz`];
    expect(await streamedFindings(await layerWith(whole.path, cut, { 'etc/after.env': `TOKEN=${SECRET}\n` }))).toEqual([
      `leak: build-arg 'NPM_TOKEN' @ etc/after.env`,
      ...damaged,
    ]);
    expect(await streamedFindings(await layerWith(whole.path, cut, { 'etc/after.env': `TOKEN=${CLEAN}\n` }))).toEqual(damaged);
  });

  it('a jar whose deflated entry is corrupt is said not fully audited, and the layer is read on to its end', async () => {
    const jar = await archives['a jar of deflated entries'](CLEAN);
    const bad = Buffer.from(jar.bytes);
    const entry = bad.indexOf('config/app.properties') + 'config/app.properties'.length + 40;
    bad.fill(0xff, entry, entry + 64); // inside the entry's deflate stream
    const leaky = await streamedFindings(await layerWith(jar.path, bad, { 'etc/after.env': `TOKEN=${SECRET}\n` }));
    expect(leaky.filter((f) => f.startsWith('limit: not fully audited:')).length).toBeGreaterThan(0);
    expect(leaky).toContain(`leak: build-arg 'NPM_TOKEN' @ etc/after.env`);
    const clean = await streamedFindings(await layerWith(jar.path, bad, { 'etc/after.env': `TOKEN=${CLEAN}\n` }));
    expect(clean.filter((f) => f.startsWith('leak:'))).toEqual([]);
    expect(clean.length).toBeGreaterThan(0);
  });

  it('an archive that ends long before the layer: the 300 files after it are read, the last one holding the secret', async () => {
    const archive = await archives['a .tar.gz'](CLEAN);
    const after = (last: string) =>
      Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`srv/f${i}.txt`, i === 299 ? last : logWith(`${i}\n`).slice(0, 1024)]));
    expect(await streamedFindings(await layerWith(archive.path, archive.bytes, after(`TOKEN=${SECRET}\n`)))).toEqual([
      `leak: build-arg 'NPM_TOKEN' @ srv/f299.txt`,
    ]);
    expect(await streamedFindings(await layerWith(archive.path, archive.bytes, after(`TOKEN=${CLEAN}\n`)))).toEqual([]);
  });
});

describe("the tap between docker save's layer and the audit", () => {
  it("a reader still busy with the layer's last chunk when the layer has streamed gets its end, not an error", async () => {
    const seen: number[] = [];
    const slow: LayerAudit = {
      async layer(stream) {
        let n = 0;
        for await (const c of stream) {
          n += c.length;
          await sleep(20); // as an archive decoding on zlib's threads takes
        }
        seen.push(n);
      },
    };
    const layer = await tarOf({ 'a.txt': 'a', 'b.bin': Buffer.alloc(100_000, 7) });
    const dir = await mkdtemp(join(tmpdir(), 'hoist-unit-'));
    await convertDockerSave(pieces(await dockerSave([layer], ['x'])), dir, { audit: slow });
    expect(seen).toEqual([layer.length]);
  });

  it('an audit that fails before it reads a chunk fails the conversion with its own error, nothing left waiting', async () => {
    const refusing: LayerAudit = { layer: () => Promise.reject(new Error('no scanner for this layer')) };
    const archive = await dockerSave([await tarOf({ big: Buffer.alloc(1024 * 1024, 1) })], ['x']);
    const dir = await mkdtemp(join(tmpdir(), 'hoist-unit-'));
    await expect(convertDockerSave(pieces(archive), dir, { audit: refusing })).rejects.toThrow(/no scanner for this layer/);
  });

  it('keeps back-pressure: the archive is read no further ahead of the audit than its bounded read-ahead and the buffers between them', async () => {
    const layer = await tarOf({ big: Buffer.alloc(16 * 1024 * 1024, 3) });
    const archive = await dockerSave([layer], ['x']);
    let pulled = 0;
    let lead = 0;
    const source = Readable.from(
      (function* () {
        for (let i = 0; i < archive.length; i += 65536) {
          pulled += Math.min(65536, archive.length - i);
          yield archive.subarray(i, i + 65536);
        }
      })(),
    );
    const audited: LayerAudit = {
      async layer(stream) {
        let n = 0;
        for await (const c of stream) {
          n += c.length;
          lead = Math.max(lead, pulled - n);
          await new Promise((r) => setImmediate(r));
        }
      },
    };
    const dir = await mkdtemp(join(tmpdir(), 'hoist-unit-'));
    await convertDockerSave(source, dir, { audit: audited });
    // The archive runs ahead of a slower audit by AUDIT_AHEAD (oci/layer-stream.ts: docker save is not
    // blocked on its pipe while the audit decodes), plus tar-stream's buffer and a chunk: ~2.2 MiB of the 16.
    expect(lead).toBeLessThan(AUDIT_AHEAD + 512 * 1024);
  });
});
