// Property: Python's shelve over dbm.ndbm (a Berkeley DB hash on this machine) keeping a pickle whose bytes an app
// compressed with a magicless stream (brotli, raw deflate, raw LZMA2), large enough for an overflow page of its own, has
// the pickle read as a content at its offset (bdb.ts) and its value decoded; the clean twin gives no finding. Fails
// before: an item on one overflow page was read as plain only (round 21's `shelve-brotli` gap). Nearest real-world
// variant: a Python tool caching its settings with shelve, compressed.
import { describe, expect, it } from 'vitest';
import { auditFiles, SECRET } from './testing.js';
import { pyHas, pyMade, STREAMS } from './values-onward.testing.js';

const made = (expr: string) =>
  pyMade(
    `import shelve, shutil
d = shelve.open('cache')
for i in range(20): d['row%d' % i] = os.urandom(30)
d['settings'] = ${expr}
d.close()
shutil.move('cache.db', 'c')`,
    'c',
  );

describe.runIf(pyHas('brotli') && pyHas('dbm.ndbm'))('a shelve (Berkeley DB hash) of a pickle holding a magicless stream', { timeout: 60_000 }, () => {
  it.each(STREAMS)('%s: found at the pickle on its overflow page (or joined chain); the clean twin: nothing', async (expr) => {
    const file = made(expr);
    expect(file.includes(SECRET)).toBe(false);
    const found = await auditFiles({ 'srv/cache.db': file });
    expect(found.map((f) => f.path)).toEqual([expect.stringMatching(/^\/?srv\/cache\.db(@\d+!|!\(overflow\))/)]);
    expect(await auditFiles({ 'srv/cache.db': made('os.urandom(3000)') })).toEqual([]);
  });
});
