import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { layoutGraph } from '../oci/graph.js';
import { readLayoutRoot } from '../oci/layout.js';
import { seeded, testSeed } from '../../test/support/random.js';
import { auditLayout, compile, encodings, MAX_PATTERN } from './audit.js';
import { layoutOf } from './decoders/testing.js';

// Property: a value of any size is looked for — one longer than MAX_PATTERN in some form by that
// form's first MAX_PATTERN bytes, said as a warning — and compiling it takes memory in proportion
// to MAX_PATTERN, not to the value: a 2 MiB value (its hex 4 MiB) once threw "a pattern of 4 MiB or
// more" after its trie took ~1.5 GB, so the audit failed with exit 3 and nothing said which value.
// Nearest real-world variant: a secret file of megabytes handed to the build (a keystore bundle, a
// service account's credentials with a certificate chain), copied whole into a layer and gzip'd there.

const SEED = testSeed(2048);

it('a 2 MiB value compiles within bounds, is said to be cut, and its copies are found, plain and gzip’d', async () => {
  const value = seeded(SEED)
    .bytes(1536 * 1024)
    .toString('base64'); // 2 MiB of base64 text: hex 4 MiB
  const compiled = compile([{ name: 'bundle', value }]);
  expect(compiled.cut).toEqual([expect.stringContaining(`bundle is longer than ${MAX_PATTERN >> 10} KiB`)]);
  expect(compiled.skipped).toEqual([]);
  expect(compiled.span).toBeLessThanOrEqual(MAX_PATTERN);
  // Every form's prefix, both automata: well under 20 forms × MAX_PATTERN × 24 bytes a pattern byte (matcher-size.test).
  expect(compiled.automaton.stateBytes + compiled.wrapped.stateBytes).toBeLessThan(20 * MAX_PATTERN * 24);

  const dir = mkdtempSync(join(tmpdir(), 'hoist-compile-large-'));
  try {
    await layoutOf(dir, { 'etc/bundle.pem': `# copied\n${value}\n`, 'var/backup/bundle.gz': gzipSync(value), 'etc/clean.txt': 'nothing\n' });
    const graph = await layoutGraph(dir, await readLayoutRoot(dir));
    const result = await auditLayout(dir, graph, { secrets: [{ name: 'bundle', value }], handedKeys: new Map(), redact: (t) => t });
    const where = result.findings.filter((f) => f.severity === 'leak').map((f) => f.where.replace(/^layer sha256:[0-9a-f]+ \([^)]*\), /, ''));
    expect(where.sort()).toEqual(['etc/bundle.pem', 'var/backup/bundle.gz!']);
    expect(result.cut).toHaveLength(1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

it('a value within MAX_PATTERN in every form is looked for whole, with no warning', () => {
  const value = seeded(SEED + 1)
    .bytes(MAX_PATTERN >> 3)
    .toString('base64'); // MAX_PATTERN / 8 bytes: its longest form under MAX_PATTERN
  const compiled = compile([{ name: 'token', value }]);
  expect(compiled.cut).toEqual([]);
  const longest = Math.max(...encodings(value).map(([form]) => Buffer.byteLength(form)));
  expect(longest).toBeLessThanOrEqual(MAX_PATTERN);
  expect(compiled.span).toBe(longest); // the longest form, whole
});
