// Property (review s59, bad input): HOIST_AUDIT_CACHE set to something the cache of audited layers cannot use — a
// relative path — is said (a warning naming HOIST_AUDIT_CACHE and the fix), never dropped in silence: the run goes on
// without the cache, as it does for a directory that is not this user's alone. Fails before the fix:
// `openAuditedCache` threw auditCacheDir's error outside its try, and StreamedAudit's `cache.catch(() => undefined)`
// swallowed it — no cache and no word (0 warnings). Nearest real-world variant: a runner's job setting
// `HOIST_AUDIT_CACHE: .cache/hoist` (relative to the checkout, as actions/cache paths are written) and wondering why
// every build reads the base again.
import { describe, expect, it } from 'vitest';
import { streamedAudits } from './streamed.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('HOIST_AUDIT_CACHE that cannot be used', () => {
  it.each(['.cache/hoist', 'hoist-cache', '~/hoist'])('%s (relative): a warning naming HOIST_AUDIT_CACHE, the run goes on without the cache', async (dir) => {
    const warnings: string[] = [];
    const platform = { context: { env: { HOIST_AUDIT_CACHE: dir } }, warning: (m: string) => void warnings.push(m) };
    const make = streamedAudits(
      { redactor: { redact: (t: string) => t }, platform } as never,
      'fail',
      [{ name: 'token', value: 'tok-h7-cache-3f9a1c' }] as never,
      false,
    );
    const audit = make!('/nonexistent-layout');
    // The cache is opened once the audit asks it anything: here, whether a blob was read clean before.
    expect(await audit.cachedBlob(DIGEST, DIGEST)).toBe(false);
    expect(warnings).toEqual([expect.stringMatching(/HOIST_AUDIT_CACHE.*absolute/)]);
  });
});
