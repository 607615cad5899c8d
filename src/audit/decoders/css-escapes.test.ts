// Property: a value written into a stylesheet as cssesc writes a CSS string — `\"` and `\\` for
// quote and backslash, beyond ASCII as hex and a space (`\E9 `, `\1F600 `) — is found whatever the
// order of its escapes (the first may be punctuation, the later ones hex: one CSS reading must read
// both). Before, a value whose first escape was `\\` or `\"` was missed about a third of the time.
// Nearest real-world variant: a theme stylesheet with an API key in a custom property
// (test/integration/audit-variants-2.test.ts, css-escaped, through dist).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { auditLayout } from '../audit.js';
import { layoutGraph } from '../../oci/graph.js';
import { readLayoutRoot } from '../../oci/layout.js';
import { layoutOf } from './testing.js';
import { secretOf } from '../../../test/support/corpus/secrets.js';

const esc = (s: string) =>
  [...s]
    .map((c) => ('"\\'.includes(c) ? '\\' + c : c.codePointAt(0)! >= 32 && c.codePointAt(0)! < 127 ? c : `\\${c.codePointAt(0)!.toString(16).toUpperCase()} `))
    .join('');
it('60 random values beyond ASCII with a quote and a backslash, written by a CSS escaper: each found', async () => {
  const missed: string[] = [];
  for (let n = 0; n < 60; n++) {
    const v = secretOf('unicode');
    const dir = mkdtempSync(join(tmpdir(), 'css-'));
    await layoutOf(dir, { 'srv/theme.css': `:root {\n  --maps-api-key: "${esc(v)}";\n}\n` });
    const graph = await layoutGraph(dir, await readLayoutRoot(dir));
    const r = await auditLayout(dir, graph, { secrets: [{ name: 'token', value: v }], handedKeys: new Map(), redact: (t) => t });
    rmSync(dir, { recursive: true });
    if (!r.findings.some((f) => f.severity === 'leak')) missed.push(esc(v));
  }
  expect(missed).toEqual([]);
}, 120000);
