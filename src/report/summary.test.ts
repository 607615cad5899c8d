import { describe, expect, it } from 'vitest';
import { COMMENT_MARKER, renderComment, renderSummary, type RunSummary } from './summary.js';

const base: RunSummary = {
  digest: 'sha256:abc',
  version: '1.9.5',
  registries: [],
  decisions: new Map(),
  audit: { mode: 'fail', leaks: 0, findings: [], skipped: [], layers: 3, bytes: 3 * 1024 * 1024 },
};

describe('renderSummary', () => {
  it('lists the floating tag decisions with their reasons, and the audit', () => {
    const text = renderSummary({
      ...base,
      decisions: new Map([
        [
          'ghcr.io/acme/app',
          [
            { tag: '1.9.5', rule: 'version', push: true },
            { tag: 'latest', rule: 'latest', push: false, reason: '2.1.0 is there, higher than 1.9.5: latest stays on it' },
          ],
        ],
      ]),
    });
    expect(text.split('\n')).toEqual([
      '### Hoist: `sha256:abc` (version 1.9.5)',
      '',
      '**Floating tags**',
      '',
      '| repository | tag | moved | why |',
      '| --- | --- | --- | --- |',
      '| ghcr.io/acme/app | `latest` | no | 2.1.0 is there, higher than 1.9.5: latest stays on it |',
      '',
      '**Audit** (fail): 3 layers, 3.0 MiB decompressed — ✅ no secret found',
      '',
    ]);
  });

  it('keeps table cells on one line and pipes escaped, and lists findings without values', () => {
    const text = renderSummary({
      ...base,
      audit: {
        ...base.audit,
        leaks: 1,
        findings: [{ severity: 'leak', what: "secret 'npm' (secrets)", fingerprint: '0123456789ab', where: 'layer x | y\nz' }],
      },
    });
    expect(text).toContain("| secret 'npm' (secrets) (sha256 0123456789ab…) | layer x \\| y z |");
    expect(text).toContain('❌ 1 secret found');
  });
});

describe('renderComment', () => {
  it('starts with the marker that finds it again', () => {
    expect(renderComment(base).startsWith(COMMENT_MARKER)).toBe(true);
    expect(renderComment(base)).toContain('_Nothing was pushed._');
  });
});
