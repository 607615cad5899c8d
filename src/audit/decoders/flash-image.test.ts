// Property: the nodes of a flash image are walked at every aligned magic and no other, whatever the
// chunks the image comes in (a magic cut between two chunks too), holding past the last node only
// the bytes where a magic cut by the chunk's end may begin; an inode's consecutive pieces are joined into one content named by the inode; a piece of
// another inode, or one that does not follow the last, starts a content named by where it starts;
// every content is ended once; an empty piece still counts as the inode's next place.
import { describe, expect, it } from 'vitest';
import { AlignedNodes, InodeJoin } from './flash-image.js';
import type { DecodeEnv } from './types.js';
import { seededPerTest } from '../../../test/support/random.js';

const rand = seededPerTest(48);

/** An env whose contents are kept by name, with the names of those ended. */
function envOf() {
  const contents: Record<string, string> = {};
  const ended: string[] = [];
  const env: DecodeEnv = {
    path: 'x',
    open: (name = '') => {
      contents[name] = '';
      return { write: (b: Uint8Array) => void (contents[name] += Buffer.from(b).toString()), end: () => void ended.push(name) };
    },
    openAt: () => {
      throw new Error('not used');
    },
    allow: () => true,
    limit: () => undefined,
    ratio: 200,
    stopped: false,
  };
  return { env, contents, ended };
}

describe('InodeJoin', () => {
  it('joins consecutive byte ranges of an inode; another inode or a jump starts a content named by its offset', async () => {
    const { env, contents, ended } = envOf();
    const join = new InodeJoin(env, 'at');
    const piece = (inode: number, at: number, s: string) => join.write(inode, at, at + s.length, Buffer.from(s));
    await piece(3, 0, 'ab');
    await piece(3, 2, 'cd');
    await piece(4, 0, 'x');
    await piece(3, 8, 'ef');
    await piece(3, 10, 'g');
    await join.close();
    await join.close();
    expect(contents).toEqual({ 'inode-3': 'abcd', 'inode-4': 'x', 'inode-3+at-8': 'efg' });
    expect(ended).toEqual(['inode-3', 'inode-4', 'inode-3+at-8']);
  });

  it('numbered blocks: an empty block still follows its predecessor', async () => {
    const { env, contents } = envOf();
    const join = new InodeJoin(env, 'block');
    const block = (inode: number, n: number, s: string) => join.write(inode, n, n + 1, Buffer.from(s));
    await block(69, 0, 'a');
    await block(69, 1, '');
    await block(69, 2, 'b');
    await block(69, 5, 'c');
    await join.close();
    expect(contents).toEqual({ 'inode-69': 'ab', 'inode-69+block-5': 'c' });
  });
});

describe(`AlignedNodes (seed ${rand.seed})`, () => {
  it.each([
    [4, [0x85, 0x19]],
    [8, [0x31, 0x18, 0x10, 0x06]],
  ])('align %i: every aligned magic walked once, in order, an unaligned one never, in any chunks', async (align, bytes) => {
    const magic = Buffer.from(bytes);
    for (let k = 0; k < 200; k++) {
      const image = Buffer.from(rand.bytes(rand.int(64, 4096)).map((b) => (b === magic[0] ? 0 : b)));
      const planted = new Set<number>();
      for (let n = rand.int(12); n > 0; n--) {
        const at = rand.int(image.length - magic.length + 1);
        if ([...planted].some((p) => Math.abs(p - at) < magic.length)) continue;
        planted.add(at);
        magic.copy(image, at);
      }
      const nodes = new AlignedNodes(align);
      const met: number[] = [];
      for (let i = 0; i < image.length;) {
        const end = Math.min(image.length, i + rand.int(1, 300));
        nodes.hold(image.subarray(i, end));
        i = end;
        await nodes.walk(
          magic,
          async (at) => (met.push(nodes.base + at), 1),
          () => false,
        );
        expect(nodes.buf.length).toBeLessThan(align + magic.length);
      }
      expect(met).toEqual([...planted].filter((p) => p % align === 0).sort((a, b) => a - b));
    }
  });
});
