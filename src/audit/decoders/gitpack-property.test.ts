// Property: over random edit histories of a file — random lines edited, added and dropped in every
// commit; the value placed at a random commit (a line of its own, or inside a URL), then maybe
// rewritten (a prefix kept, the rest changed, as a rotation does) or removed at a later one — the
// value is always found in the pack `git gc --aggressive` + `git repack -adf` leaves, however git
// chose to store its version (whole, or a delta copying part of it), and the same history with
// another value gives no finding and no limit. Seeded (fast-check's seed, then mulberry32 per case),
// so a failure replays. Nearest real-world variant: a service's .env or settings file edited for
// months, a token pasted in, rotated, then deleted, the checkout copied into an image.
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mulberry32, testSeed } from '../../../test/support/random.js';
import { Repo } from './gitpack.testing.js';
import { auditFiles, has, SECRET } from './testing.js';

const CLEAN = SECRET.replace('value', 'other');
const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'postgres', 'redis', 'https://api.example.com/v1', '8080', 'true', 'false', 'info', 'eu-west-1'];

/** The file's versions, one per commit, for `value`: the same edits whatever the value. */
function history(seed: number, value: string): string[] {
  const r = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const line = () => `${pick(['APP', 'DB', 'CACHE', 'LOG', 'FEATURE'])}_${Math.floor(r() * 1000)}=${pick(WORDS)}${r() < 0.3 ? `,${pick(WORDS)}` : ''}`;
  const commits = 3 + Math.floor(r() * 10);
  const place = Math.floor(r() * commits);
  const change = r() < 0.7 ? place + 1 + Math.floor(r() * (commits - place)) : commits; // at `commits`: never changed
  const rotate = r() < 0.5;
  const inUrl = r() < 0.3;
  const kept = Math.floor(value.length / 2) + Math.floor(r() * (value.length / 2 - 2));
  let lines = Array.from({ length: 20 + Math.floor(r() * 150) }, line);
  let at = -1;
  const versions: string[] = [];
  for (let i = 0; i < commits; i++) {
    for (let e = Math.floor(r() * 6); e > 0; e--) {
      const k = Math.floor(r() * lines.length);
      if (k === at) continue;
      const op = r();
      if (op < 0.6) lines[k] = line();
      else if (op < 0.8) [lines, at] = [[...lines.slice(0, k), line(), ...lines.slice(k)], at >= k ? at + 1 : at];
      else if (lines.length > 5 && at !== k) [lines, at] = [[...lines.slice(0, k), ...lines.slice(k + 1)], at > k ? at - 1 : at];
    }
    if (i === place) {
      at = Math.floor(r() * lines.length);
      lines = [...lines.slice(0, at), inUrl ? `UPSTREAM=https://deploy:${value}@git.example.com/app.git` : `TOKEN=${value}`, ...lines.slice(at)];
    } else if (i === change && at >= 0) {
      if (rotate) lines[at] = lines[at]!.replace(value, `${value.slice(0, kept)}${'rotated'.slice(0, 1 + Math.floor(r() * 7))}-${Math.floor(r() * 1e6)}`);
      else [lines, at] = [[...lines.slice(0, at), ...lines.slice(at + 1)], -1];
    }
    versions.push(`${lines.join('\n')}\n`);
  }
  return versions;
}

/** A blob's id, as git computes it. */
const blobId = (content: string) =>
  createHash('sha1')
    .update(`blob ${Buffer.byteLength(content)}\0${content}`)
    .digest('hex');

/** The audit's findings, and the paths that name each version of the file that held `value` (`pack-x.pack!/<blob id>`). */
async function audit(seed: number, value: string) {
  const repo = new Repo();
  try {
    const versions = history(seed, value);
    for (const [i, v] of versions.entries()) repo.commit({ 'srv/app/.env': v, 'README.md': `revision ${i}\n` }, `revision ${i}`);
    repo.repack();
    const { path } = repo.pack();
    const holding = [...new Set(versions.filter((v) => v.includes(value)).map((v) => `${path}!/${blobId(v)}`))].sort();
    return { found: await auditFiles(repo.packFiles()), holding };
  } finally {
    repo.rm();
  }
}

describe.skipIf(!has('git'))('random edit histories in a gc’d pack', () => {
  it('the value is found wherever it was placed, rewritten or removed; the clean twin gives nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        const { found, holding } = await audit(seed, SECRET);
        expect(holding.length).toBeGreaterThan(0);
        // Every version that held the value is named by its own id, whether git stored it whole or as a delta.
        expect(found.map((f) => `${f.severity} ${f.what} ${f.path}`).sort(), `seed ${seed}`).toEqual(holding.map((p) => `leak token ${p}`));
        expect((await audit(seed, CLEAN)).found, `seed ${seed} (clean twin)`).toEqual([]);
      }),
      { numRuns: 10, seed: testSeed(20261203) },
    );
  }, 180_000);
});
