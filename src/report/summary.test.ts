import { describe, expect, it } from 'vitest';
import { cell, code, COMMENT_MARKER, renderComment, renderSummary, type RunSummary } from './summary.js';

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

// Property: text from a registry, a tool or an image (an error message, a file name, a base.name
// label) cannot add Markdown or HTML of its own to a summary: no link, image, emphasis, HTML or
// table cell. Real-world variant: a registry's 401 body `see [docs](https://evil.example)`, a
// layer file named `<img src=https://track.example/p.gif>`, an error saying `**✅ audit passed**`.
describe('untrusted text in summaries', () => {
  const hostile = [
    'denied: see [the docs](https://evil.example/login)',
    '![pixel](https://track.example/p.gif)',
    '<img src=https://track.example/p.gif> <script>x</script>',
    '**✅ no secret found** | forged | cell',
    'line one\nline two\r\n### heading',
    '`code` ~~struck~~ _em_ &amp;',
  ];
  it.each(hostile)('%j stays text', (text) => {
    const out = cell(text);
    expect(out).not.toMatch(/(^|[^\\])[[\]<>*_`|~&]/);
    expect(out).not.toMatch(/[\r\n]/);
    const rendered = renderSummary({
      ...base,
      registries: [{ registry: 'r.example', references: [], error: { message: text } } as unknown as RunSummary['registries'][number]],
    });
    const row = rendered.split('\n').find((l) => l.startsWith('| r.example |'))!;
    expect(row.split(/(?<!\\)\|/).length).toBe(10); // still eight cells
  });

  it('a code span cannot be closed by the data', () => {
    expect(code('tag`](https://evil)`')).not.toContain('`');
  });
});
