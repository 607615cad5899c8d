// A git object larger than the reader inflates in one piece (1 MiB) streams, and is still a delta base when it is no
// larger than 8 MiB — as it was when such objects were inflated whole: a token rotated in a 3 MiB settings file is
// found in the old version, which git stores as a delta copying most of the value from the new one; the clean twin
// gives nothing. Past 8 MiB an object is no base (as before): the delta's inserted bytes are scanned, quietly.
import { describe, expect, it } from 'vitest';
import { Repo, storedData } from './gitpack.testing.js';
import { auditFiles, has, SECRET } from './testing.js';

const ROTATED = `${SECRET.slice(0, 28)}rotated-2026`;
const lines = (n: number) => Array.from({ length: n }, (_, i) => `SETTING_${i}=value number ${(i * 7919) % 100_003} of settings\n`).join('');

/** A large .env whose token is rotated by a later commit that also grows it (git keeps the new version whole). */
function history(value: string, settings: number): { repo: Repo; id: string; offset: number } {
  const repo = new Repo();
  const big = lines(settings);
  repo.commit({ '.env': `${big}TOKEN=${value}\n` }, 'init');
  repo.commit({ '.env': `${big}TOKEN=${ROTATED}\n${lines(5)}` }, 'rotate the token');
  repo.repack();
  const id = repo.id('HEAD~1:.env');
  return { repo, id, offset: repo.stored(id).offset };
}

describe.skipIf(!has('git'))('large git objects stream and stay bases', () => {
  it('a 3 MiB base that streamed resolves its delta: the rotated value found in the old version, named by its id', async () => {
    const { repo, id, offset } = history(SECRET, 80_000);
    try {
      const { path, bytes } = repo.pack();
      expect(bytes.length).toBeGreaterThan((1024 * 1024) / 8); // the pack holds the new version's stream, the old as a delta
      expect(storedData(bytes, offset).includes(SECRET)).toBe(false); // the delta alone does not hold the value
      expect(await auditFiles(repo.packFiles())).toEqual([{ severity: 'leak', what: 'token', path: `${path}!/${id}` }]);
    } finally {
      repo.rm();
    }
    const twin = history(SECRET.replace('value', 'other'), 80_000);
    try {
      expect(await auditFiles(twin.repo.packFiles())).toEqual([]);
    } finally {
      twin.repo.rm();
    }
  }, 120_000);
});
