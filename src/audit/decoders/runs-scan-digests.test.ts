// Property: a digest its writer labels by its algorithm — Subresource Integrity's `sha512-` + base64 (package-lock.json,
// yarn.lock, pnpm-lock.yaml, an HTML integrity=), `sha256:` + hex (an OCI digest, pip's --hash) — of exactly the
// digest's length is no encoded value: it is not decoded nor routed (each was content of its own, ~0.3 ms, and a
// 32 MiB package-lock.json passed the per-file time bound). Any run that is not exactly such a digest is read as before:
// another length, no label, a label of no digest, a value after a digest. Nearest real-world variant: this repository's
// own package-lock.json, written by npm, and an OCI image index written by Hoist. The package managers' own files, the
// label before the digest: Debian's package lists (`SHA256: `, `MD5sum: `, `SHA1: `, `SHA512: `, `Description-md5: `; the
// real /var/lib/apt/lists of this machine, which every image that ran `apt-get update` holds: 3,630 runs opened in
// bookworm-security's 2.5 MB list before, 557 after, the rest build ids), Go's go.sum (`h1:` + base64; 381 → 1 in
// prometheus' real go.sum), a wheel's RECORD (`sha256=` + base64url, or hex as Debian writes it; 4,147 → 284 over this
// machine's RECORD files).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runsOf } from './runs.testing.js';
import { labelledDigest } from './runs-scan.js';
import { seededPerTest } from '../../../test/support/random.js';

const rand = seededPerTest(28);

/** Base64's family only: the base85 families' runs have other ends (ASCII85's take in the quotes and `:`), read as before. */
const base64Runs = async (text: string, size?: number) => (await runsOf(text, size)).filter((r) => BASE64_FAMILY.has(r.alphabet));
const BASE64_FAMILY = new Set(['base64', 'hex', 'base32', 'base32hex', 'base2', 'base2lsbf']);

const digest = (algorithm: string, data: Buffer) => createHash(algorithm).update(data).digest();
const sri = (algorithm: string, data: Buffer) => `${algorithm}-${digest(algorithm, data).toString('base64')}`;

describe(`labelled digests (seed ${rand.seed})`, () => {
  it('passes over SRI and OCI digests in a lock file and an index, opening nothing for them', async () => {
    const entries = Array.from({ length: 40 }, (_, i) => {
      const data = rand.bytes(100);
      const algorithm = ['sha256', 'sha384', 'sha512'][i % 3]!;
      return `"node_modules/p${i}":{"version":"1.0.${i}","integrity":"${sri(algorithm, data)}","dev":true},`;
    });
    const oci = Array.from({ length: 10 }, () => `{"digest":"sha256:${digest('sha256', rand.bytes(50)).toString('hex')}","size":1234}`);
    const pip = `requests==2.31.0 --hash=sha256:${digest('sha256', rand.bytes(9)).toString('hex')} --hash=sha512:${digest('sha512', rand.bytes(9)).toString('hex')}\n`;
    expect(await base64Runs(`{"packages":{${entries.join('')}},"manifests":[${oci.join(',')}]}\n${pip}`)).toEqual([]);
  });

  it("passes over every integrity value of this repository's package-lock.json (written by npm)", async () => {
    const lock = readFileSync(new URL('../../../package-lock.json', import.meta.url), 'latin1');
    const integrity = [...lock.matchAll(/"integrity": "(sha512-[A-Za-z0-9+/]+=*)"/g)].map((m) => m[1]!);
    expect(integrity.length).toBeGreaterThan(100);
    expect(await base64Runs(integrity.map((v) => `"integrity": "${v}",\n`).join(''))).toEqual([]);
  });

  it('still reads a run that is no labelled digest: another length, no label, a label of no digest, a value after one', async () => {
    const value = rand.bytes(64);
    const b64 = value.toString('base64');
    const hex = value.toString('hex');
    const cases = [
      `sha512-${b64.slice(0, 80)}`, // a label, but 80 characters: not sha512's 86
      digest('sha512', value).toString('base64'), // no label
      `sha999-${b64.slice(0, 86)}`, // no such algorithm
      `md5:${hex.slice(0, 64)}`, // hex after a label of no digest here
      `sha256:${hex.slice(0, 66)}`, // sha256's label, 66 hex digits
      `${sri('sha512', value)} ${b64}`, // a value after a digest
    ];
    const text = cases.map((c, i) => `"${'abcdef'[i]}":"${c}",\n`).join('');
    const opened = await base64Runs(text);
    const starts = cases.map((c, i) => text.indexOf(c) + [0, 0, 0, 4, 7, c.indexOf(' ') + 1][i]!);
    expect(starts.map((at) => opened.some((r) => r.at === at))).toEqual([true, true, true, true, true, true]);
    expect(opened.find((r) => r.at === starts[5])!.bytes.equals(value)).toBe(true);
  });

  it("passes over the package managers' labelled digests (Debian lists, go.sum, RECORD), still reading a value beside them", async () => {
    const sha256 = () => digest('sha256', rand.bytes(40));
    const deb = Array.from(
      { length: 20 },
      (_, i) =>
        `Package: p${i}\nVersion: 1.${i}\nDescription-md5: ${digest('md5', rand.bytes(9)).toString('hex')}\nMD5sum: ${digest('md5', rand.bytes(9)).toString('hex')}\nSHA1: ${digest('sha1', rand.bytes(9)).toString('hex')}\nSHA256: ${sha256().toString('hex')}\nSHA512: ${digest('sha512', rand.bytes(9)).toString('hex')}\n\n`,
    ).join('');
    const gosum = Array.from({ length: 20 }, (_, i) => `example.com/m${i} v1.${i}.0 h1:${sha256().toString('base64')}\n`).join('');
    const record = Array.from(
      { length: 20 },
      (_, i) => `pkg/m${i}.py,sha256=${i % 2 ? sha256().toString('base64url') : sha256().toString('hex')},${100 + i}\n`,
    ).join('');
    expect(await base64Runs(deb + gosum + record)).toEqual([]);
    // A value beside them, hex and base64, after the same labels but not a digest's length, is read.
    const value = Buffer.from(`tok_${rand.bytes(15).toString('hex')}`);
    const text = `${deb}SHA256: ${value.toString('hex')}\nexample.com/x v1 h1:${value.toString('base64')}\n${record}`;
    const opened = await base64Runs(text);
    expect(opened.filter((r) => r.bytes.equals(value)).length).toBe(2);
  });

  const lists = existsSync('/var/lib/apt/lists') ? readdirSync('/var/lib/apt/lists').filter((f) => /_Packages(\.lz4)?$/.test(f)) : [];
  it.skipIf(!lists.length)(
    "this machine's apt package lists (written by apt, as an image that ran apt-get update holds them): their digests opened for none",
    async () => {
      const file = `/var/lib/apt/lists/${lists.sort((a, b) => a.length - b.length)[0]}`;
      const text = (file.endsWith('.lz4') ? execFileSync('lz4', ['-dc', file], { maxBuffer: 1 << 28 }) : readFileSync(file)).toString('latin1');
      const labelled = /^(SHA256|MD5sum|SHA1|SHA512|Description-md5): /m;
      expect(text).toMatch(labelled);
      const lines = text
        .split('\n')
        .filter((l) => labelled.test(l))
        .slice(0, 4000);
      expect(lines.length).toBeGreaterThan(20);
      const joined = `${lines.join('\n')}\n`;
      expect(await base64Runs(joined, joined.length)).toEqual([]);
    },
  );

  it('a digest cut by a chunk boundary is read as before (the next chunk may go on with it)', async () => {
    const text = `"integrity":"${sri('sha512', rand.bytes(30))}",`;
    expect(labelledDigest(Buffer.from(text), text.indexOf('sha512'), text.indexOf('=='))).toBe(true);
    expect((await base64Runs(text, text.indexOf('==') - 3)).length).toBeGreaterThan(0);
  });
});
