// Property: a digest its writer labels by its algorithm — Subresource Integrity's `sha512-` + base64 (package-lock.json,
// yarn.lock, pnpm-lock.yaml, an HTML integrity=), `sha256:` + hex (an OCI digest, pip's --hash) — of exactly the
// digest's length is no encoded value: it is not decoded nor routed (each was content of its own, ~0.3 ms, and a
// 32 MiB package-lock.json passed the per-file time bound). Any run that is not exactly such a digest is read as before:
// another length, no label, a label of no digest, a value after a digest. Nearest real-world variant: this repository's
// own package-lock.json, written by npm, and an OCI image index written by Hoist.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
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

  it('a digest cut by a chunk boundary is read as before (the next chunk may go on with it)', async () => {
    const text = `"integrity":"${sri('sha512', rand.bytes(30))}",`;
    expect(labelledDigest(Buffer.from(text), text.indexOf('sha512'), text.indexOf('=='))).toBe(true);
    expect((await base64Runs(text, text.indexOf('==') - 3)).length).toBeGreaterThan(0);
  });
});
