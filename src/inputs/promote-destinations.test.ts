// Property: a promote destination written with a tag (skopeo copy's DEST:TAG) is refused naming
// the tags input, which every destination gets — not "--version/--tags": promote has no version.
// Nearest real variant: `destinations: registry.acme/prod/app:1.4.2` in a promotion job.
import { describe, expect, it } from 'vitest';
import type { CiContext } from '../core/platform.js';
import { SecretCatalog } from '../secrets/catalog.js';
import { readPromoteInputs } from './promote.js';

describe('promote destinations', () => {
  it('DEST:TAG names the tags input', async () => {
    const inputs: Record<string, string> = { source: 'registry.acme/stage/app:1.4.2', destinations: 'registry.acme/prod/app:1.4.2' };
    const ctx = { workspace: '/w', tempDir: '/tmp', env: {}, now: () => new Date(0), facts: {} } as unknown as CiContext;
    const thrown = await readPromoteInputs((n) => inputs[n] ?? '', ctx, new SecretCatalog(() => {})).then(
      () => 'accepted',
      (e: Error) => e.message,
    );
    expect(thrown).toContain(
      "'registry.acme/prod/app:1.4.2' names a tag; give the repository only (every destination gets the tags in tags, else the source tag)",
    );
  });
});
