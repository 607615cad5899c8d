// The masking rule on the shipped dist/cli.js (docs/secrets.md, "What the logs hide"): a secret of
// 4-7 characters is hidden where it stands alone — in the builder's own output too — while words
// that merely contain it (`shorter`, an image named after it) stay readable; a long secret is
// hidden inside words as well.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hoist, lab, uniqueRepo } from './lab.js';

const dirs: string[] = [];
afterEach(async () => {
  while (dirs.length) await rm(dirs.pop()!, { recursive: true, force: true });
});

describe('hoist build: what the log hides', () => {
  it('a short secret alone is ***, inside a word it is left; a long one is hidden inside words too', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hoist-mask-'));
    dirs.push(dir);
    const { plain } = lab().registries;
    const long = `L0ngSecret${Math.random().toString(36).slice(2, 8)}`;
    // Each run's own step text, so the builder prints it (no cache hit hides the RUN line's output).
    const nonce = Math.random().toString(36).slice(2);
    await writeFile(join(dir, 'Dockerfile'), `FROM ${plain.host}/lab/busybox:1.36\nRUN echo "[short] shorter x${long}x ${nonce}"\n`);
    const repo = `${plain.host}/${uniqueRepo('shorter/app')}`;
    const r = await hoist(['build', '--images', repo, '--version', '1.0.0', '--push=false', '--audit', 'off', '--insecure-registries', plain.host], {
      cwd: dir,
      env: { HOIST_SECRETS: `tok=short\nlong=${long}` },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`[***] shorter x***x ${nonce}`);
    expect(r.stderr).toContain(`${repo}: 1.0.0`);
    expect(r.stderr).not.toContain('[short]');
    expect(r.stderr + r.stdout).not.toContain(long);
  }, 120_000);
});
