// Property: an entry's context digest changes exactly when what BuildKit would send changes —
// `.dockerignore` honoured (the context's, or the Dockerfile's own), files of any size streamed,
// the total capped. Real-world variants: node_modules/ and *.log ignored with a `!keep.log`
// exception, a Dockerfile-specific `app.Dockerfile.dockerignore`, a 2 GiB build artefact in the
// context (which made `readFile` throw ERR_FS_FILE_TOO_LARGE), a FIFO left in the tree.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DockerIgnore } from '../plan/dockerignore.js';
import { contextDigest } from './context-digest.js';

describe('.dockerignore patterns (moby/patternmatcher semantics)', () => {
  it.each([
    ['node_modules', 'node_modules/a/b.js', true],
    ['*.log', 'x.log', true],
    ['*.log', 'sub/x.log', false],
    ['**/*.log', 'sub/deep/x.log', true],
    ['/build', 'build/out.o', true],
    ['./build/', 'build', true],
    ['te?t', 'test', true],
    ['[a-c]at', 'bat', true],
    ['[^a-c]at', 'bat', false],
    ['docs/**', 'docs/a/b.md', true],
    ['*.md\n!README.md', 'README.md', false],
    ['*.md\n!README.md', 'CHANGES.md', true],
    ['!keep\n*', 'keep', true], // the last match decides
    ['# comment\n\n  secret.txt  ', 'secret.txt', true],
    ['a/../b', 'b', true],
  ])('%j on %s: ignored=%s', (patterns, path, ignored) => {
    expect(new DockerIgnore(patterns).ignored(path)).toBe(ignored);
  });
});

function context(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-ctx-'));
  mkdirSync(join(dir, 'src'));
  mkdirSync(join(dir, 'node_modules/pkg'), { recursive: true });
  writeFileSync(join(dir, 'src/main.c'), 'int main(){}\n');
  writeFileSync(join(dir, 'node_modules/pkg/index.js'), '1');
  writeFileSync(join(dir, 'build.log'), 'a');
  writeFileSync(join(dir, 'keep.log'), 'k');
  writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
  writeFileSync(join(dir, '.dockerignore'), 'node_modules\n*.log\n!keep.log\n');
  return dir;
}

const digestOf = async (dir: string, file?: string, cap?: number) => {
  const d = await contextDigest(dir, file, cap);
  return 'digest' in d ? d.digest : `too large: ${d.tooLarge}`;
};

describe('contextDigest', () => {
  it('ignores what .dockerignore leaves out, and sees what it keeps', async () => {
    const dir = context();
    const before = await digestOf(dir);
    writeFileSync(join(dir, 'node_modules/pkg/index.js'), '2');
    writeFileSync(join(dir, 'build.log'), 'b');
    expect(await digestOf(dir)).toBe(before);
    writeFileSync(join(dir, 'keep.log'), 'changed');
    expect(await digestOf(dir)).not.toBe(before);
    const kept = await digestOf(dir);
    writeFileSync(join(dir, 'src/main.c'), 'int main(){return 1;}\n');
    expect(await digestOf(dir)).not.toBe(kept);
  });

  it("prefers the Dockerfile's own <name>.dockerignore", async () => {
    const dir = context();
    writeFileSync(join(dir, 'app.Dockerfile'), 'FROM scratch\n');
    writeFileSync(join(dir, 'app.Dockerfile.dockerignore'), 'src\n');
    const before = await digestOf(dir, join(dir, 'app.Dockerfile'));
    writeFileSync(join(dir, 'src/main.c'), 'changed\n');
    expect(await digestOf(dir, join(dir, 'app.Dockerfile'))).toBe(before);
    writeFileSync(join(dir, 'build.log'), 'now seen');
    expect(await digestOf(dir, join(dir, 'app.Dockerfile'))).not.toBe(before);
  });

  it('streams a file over 2 GiB, caps the total, and never opens a FIFO', async () => {
    const dir = context();
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    expect(await digestOf(dir)).toMatch(/^[0-9a-f]{64}$/);
    writeFileSync(join(dir, 'artefact.bin'), '');
    truncateSync(join(dir, 'artefact.bin'), 2 * 1024 ** 3 + 1); // sparse: no disk used
    expect(await digestOf(dir)).toMatch(/^[0-9a-f]{64}$/);
    expect(await digestOf(dir, undefined, 1024 ** 3)).toMatch(/^too large: 21474836\d\d$/);
  }, 60_000);

  it('reads a .dockerignore only as a regular file: a link to /dev/zero or a FIFO is refused, not read', async () => {
    for (const make of [(p: string) => symlinkSync('/dev/zero', p), (p: string) => execFileSync('mkfifo', [p])]) {
      const dir = context();
      rmSync(join(dir, '.dockerignore'));
      make(join(dir, '.dockerignore'));
      await expect(contextDigest(dir)).rejects.toThrow(/\.dockerignore is not a regular file .*make it one/);
    }
  });
});
