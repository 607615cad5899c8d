// Property: in the text files big images hold most — a package-lock.json, a JSON API dump (GitHub's REST API: signed
// commits, node ids, issues), a mysqldump with --hex-blob — a secret value is found wherever it is put: plain in a
// string, base64'd in a column or a field, in a hex blob (zlib'd); and their clean
// twins give no finding and nothing named "not fully audited" (the readings that made the 32 MiB files pass the 20 s
// per-file bound — ASCII85 across `\n`-joined signature lines and base64 columns — are not what finds these). Nearest
// real-world variants: the lock of this repository as npm wrote it, `gh api` output, mysqldump rows of sessions.
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { seededPerTest } from '../../../test/support/random.js';
import { auditFiles, SECRET } from './testing.js';

const rand = seededPerTest(6028);
const b64 = (n: number) => rand.bytes(n).toString('base64');
const hex = (n: number) => rand.bytes(n).toString('hex');

/** This repository's package-lock.json, its entries repeated under workspaces (another digest each), to `size` bytes. */
function lock(size: number, plant?: string): string {
  const packages = (JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, object> }).packages;
  const out: Record<string, object> = {};
  for (let k = 0; JSON.stringify(out).length < size; k++)
    for (const [name, entry] of Object.entries(packages)) out[`packages/app-${k}/${name}`] = { ...entry, integrity: `sha512-${b64(64)}` };
  if (plant) out['packages/app-0/node_modules/private-config'] = { version: '1.0.0', resolved: `https://npm.example.com/private/-/p.tgz?token=${plant}` };
  return JSON.stringify({ name: 'monorepo', lockfileVersion: 3, requires: true, packages: out }, null, 2);
}

/** Signed commits and issues as GitHub's REST API gives them, `plant` in one commit's message. */
function api(n: number, plant?: string): string {
  const signature = () =>
    `-----BEGIN PGP SIGNATURE-----\n\n${b64(566)
      .match(/.{1,64}/g)!
      .join('\n')}\n=${b64(3)}\n-----END PGP SIGNATURE-----\n`;
  const user = (id: number) => ({
    login: `dev${id}`,
    id,
    node_id: Buffer.from(`04:User${id}`).toString('base64'),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
  });
  const items = Array.from({ length: n }, (_, i) => ({
    sha: hex(20),
    node_id: `C_kwDO${rand.bytes(24).toString('base64url')}`,
    commit: {
      message: i === n >> 1 && plant ? plant : `fix: release ${i}`,
      tree: { sha: hex(20) },
      verification: { verified: true, reason: 'valid', signature: signature() },
    },
    author: user(1000 + i),
    parents: [{ sha: hex(20), url: `https://api.github.com/repos/acme/app/commits/${hex(20)}` }],
  }));
  return JSON.stringify(items, null, 2);
}

/** A mysqldump --hex-blob of sessions (base64 payloads) and files (blobs), `cell` in one row's payload or blob. */
function sql(rows: number, cell?: { payload?: string; blob?: Buffer }): string {
  const sessions = Array.from({ length: rows }, (_, i) => {
    const payload = i === rows >> 1 && cell?.payload !== undefined ? cell.payload : b64(rand.int(60, 200));
    return `('${b64(30)}',${i},'${b64(40)}','${payload}',${1_700_000_000 + i})`;
  });
  const files = Array.from({ length: rows >> 2 }, (_, i) => {
    const blob = i === rows >> 3 && cell?.blob ? cell.blob : rand.bytes(rand.int(100, 600));
    return `(${i},'f${i}.bin','${hex(32)}',0x${blob.toString('hex').toUpperCase()})`;
  });
  return `-- MySQL dump 10.19\nINSERT INTO \`sessions\` VALUES ${sessions.join(',')};\nINSERT INTO \`files\` VALUES ${files.join(',')};\n`;
}

const leaks = async (files: Record<string, string>) =>
  (await auditFiles(files)).map((f) => `${f.severity} ${f.path}${f.what.includes('not fully') ? ` ${f.what}` : ''}`);

describe(`secrets planted in a lock file, an API dump and a SQL dump (seed ${rand.seed})`, { timeout: 120_000 }, () => {
  it('the clean twins give nothing, not even a part not fully audited', async () => {
    expect(await leaks({ 'app/package-lock.json': lock(256 << 10), 'data/commits.json': api(150), 'backup/app.sql': sql(600) })).toEqual([]);
  });

  it.each([
    ['in a lock file entry', () => ({ 'app/package-lock.json': lock(256 << 10, SECRET) }), 'app/package-lock.json'],
    ['plain in a commit message of an API dump', () => ({ 'data/commits.json': api(150, SECRET) }), 'data/commits.json'],
    ['base64 in a commit message', () => ({ 'data/commits.json': api(150, Buffer.from(`{"token":"${SECRET}"}`).toString('base64')) }), 'data/commits.json'],
    [
      'base64 in a SQL payload column',
      () => ({ 'backup/app.sql': sql(600, { payload: Buffer.from(`a:1:{s:5:"token";s:33:"${SECRET}";}`).toString('base64') }) }),
      'backup/app.sql',
    ],
    ['zlib in a SQL hex blob', () => ({ 'backup/app.sql': sql(600, { blob: deflateSync(Buffer.from(`token=${SECRET}\n`)) }) }), 'backup/app.sql'],
  ])('a secret %s is found', async (_name, files, path) => {
    const found = await leaks(files());
    expect(found.filter((f) => f.startsWith(`leak ${path}`))).not.toEqual([]);
    expect(found.filter((f) => f.includes('not fully'))).toEqual([]);
  });
});
