import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDirs } from './make-dirs.js';

const root = await mkdtemp(join(tmpdir(), 'hoist-mkdirs-'));
afterAll(() => rm(root, { recursive: true, force: true }));

describe('makeDirs', () => {
  it('makes every missing level, and is content with what exists', async () => {
    const deep = join(root, 'a', 'b', 'c');
    await makeDirs(deep);
    expect((await stat(deep)).isDirectory()).toBe(true);
    await makeDirs(deep);
    await makeDirs(root);
  });

  // Node's recursive mkdir spins at full CPU here (a parent that answers ENOENT for a child): the
  // test's own timeout is what fails before.
  it('refuses a place that cannot hold directories, at once: /proc/nope/x', async () => {
    await expect(makeDirs('/proc/nope/x')).rejects.toMatchObject({ code: 'ENOENT' });
  }, 3000);

  it('refuses a path through a file, naming it', async () => {
    const file = join(root, 'file');
    await writeFile(file, 'x');
    await expect(makeDirs(join(file, 'sub'))).rejects.toMatchObject({ code: 'ENOTDIR', message: `${file} is not a directory` });
  });
});
