// The audit on nearby variants of its corpus (audit-corpus.test.ts): artifacts the corpus does not
// hold, made here by the real tools (git credential-store, bash, PyYAML, ElementTree, javac/jar,
// java's Properties.store, sqlite3, zstd, lz4 -l, brotli, openssl, xxd, rpmbuild, python's email),
// values of other shapes (spaces, & < > % " \, 8 characters, 200 characters), and the value in the
// image's config (Env, Labels, a RUN's build argument in history) and a manifest annotation — run
// through the bundle that ships (`node dist/cli.js audit ./LAYOUT --audit-values-file F --json`).
// Property: every variant's value is found, the path named; every clean twin (the same artifact with
// a value the audit is not told about) gives no leak and no limit finding.
// Nearest real-world variant beside each artifact: `realWorld` in test/support/corpus/variant-*.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeArtifact } from '../support/corpus/artifact.js';
import { auditLayout, findingsFor, writeLayout, type AuditRun, type ImageExtras } from '../support/corpus/layout.js';
import { variantBinary } from '../support/corpus/variant-binary.js';
import { variantEscapes } from '../support/corpus/variant-escapes.js';
import { variantText } from '../support/corpus/variant-text.js';
import { valueOf, type Kind } from '../support/corpus/variant-values.js';

const artifacts = [...variantText, ...variantBinary, ...variantEscapes];
/** The value in the image's config and manifest, where a build puts it. */
const configPlaces: Array<{ id: string; kind: Kind; realWorld: string; put: (v: string, x: ImageExtras) => void; where: RegExp }> = [
  {
    id: 'config-env',
    kind: 'token',
    realWorld: 'ENV API_TOKEN=… in a Dockerfile',
    put: (v, x) => ((x.config ??= {}).Env = ['PATH=/usr/bin', `API_TOKEN=${v}`]),
    where: /config/i,
  },
  {
    id: 'config-label',
    kind: 'specials',
    realWorld: 'LABEL with a connection string (Go JSON: \\u003c \\u003e \\u0026)',
    put: (v, x) => ((x.config ??= {}).Labels = { 'org.example.db': `postgres://app:${v}@db/app` }),
    where: /config/i,
  },
  {
    id: 'history-build-arg',
    kind: 'spaces',
    realWorld: 'RUN with a build argument: history created_by `RUN |1 GPG_PASSPHRASE=… /bin/sh -c …`',
    put: (v, x) => (x.history = [{ created_by: `RUN |1 GPG_PASSPHRASE=${v} /bin/sh -c ./sign.sh # buildkit`, empty_layer: true }]),
    where: /config|history/i,
  },
  {
    id: 'annotation',
    kind: 'short',
    realWorld: 'an OCI annotation set from a CI variable (--annotation)',
    put: (v, x) => (x.annotations = { 'org.example.deploy-key': v }),
    where: /annotation|manifest/i,
  },
];
const AUDIT_TIMEOUT_MS = 90_000;
const values = [...artifacts.map((a) => valueOf(a.kind)), ...configPlaces.map((c) => valueOf(c.kind))];
let work = '';
let leaky: AuditRun;
let clean: AuditRun;

/** Two layers (gzip, plain), the artifacts dealt between them under srv/<id>/; the config places filled with `value`. */
async function image(name: string, value: (i: number) => string): Promise<void> {
  const layers = [join(work, `${name}-gz`), join(work, `${name}-tar`)];
  for (const [i, a] of artifacts.entries())
    await makeArtifact({ ...a, shape: 'token' }, value(i), join(layers[i % 2]!, 'srv', a.id), join(work, 'scratch', `${name}-${a.id}`));
  const extras: ImageExtras = {};
  configPlaces.forEach((c, j) => c.put(value(artifacts.length + j), extras));
  await writeLayout(
    join(work, name),
    [
      { dir: layers[0]!, gzip: true },
      { dir: layers[1]!, gzip: false },
    ],
    extras,
  );
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'hoist-variants-'));
  await image('leaky', (i) => values[i]!);
  await image('clean', (i) => valueOf(i < artifacts.length ? artifacts[i]!.kind : configPlaces[i - artifacts.length]!.kind));
  leaky = await auditLayout(work, 'leaky', values, AUDIT_TIMEOUT_MS);
  clean = await auditLayout(work, 'clean', values, AUDIT_TIMEOUT_MS);
}, 300_000);

afterAll(async () => {
  if (leaky && clean)
    console.log(
      `audit variants: ${artifacts.length} artifacts + ${configPlaces.length} config places; audit ${Math.round(leaky.ms)} ms (leaky), ${Math.round(clean.ms)} ms (clean)`,
    );
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the shipped audit on variants of its corpus', () => {
  it('finishes on both images', () => {
    expect({ leaky: leaky.timedOut, clean: clean.timedOut }).toEqual({ leaky: false, clean: false });
  });

  it.each(artifacts.map((a, i) => ({ ...a, i })))('$id — $name: found, the path named', ({ i, id, where }) => {
    const found = findingsFor(leaky, i);
    expect(found.length, `no leak finding; the audit said: ${JSON.stringify(leaky.findings.filter((f) => f.where.includes(`/srv/${id}/`)))}`).toBeGreaterThan(
      0,
    );
    expect(found.map((f) => f.where.replace(/^layer \S+ \([^)]*\), /, ''))).toContainEqual(expect.stringMatching(where));
  });

  it.each(configPlaces.map((c, j) => ({ ...c, i: artifacts.length + j })))('$id — $realWorld: found', ({ i, where }) => {
    expect(findingsFor(leaky, i).map((f) => f.where)).toContainEqual(expect.stringMatching(where));
  });

  it.each(artifacts)('$id: the clean twin gives no leak and no limit finding', ({ id }) => {
    expect(clean.findings.filter((f) => f.where.includes(`/srv/${id}/`)).map((f) => `${f.severity}: ${f.what}`)).toEqual([]);
  });

  it('the clean image passes (exit 0, no finding anywhere) and the leaky one fails (exit 1)', () => {
    expect(clean.findings.map((f) => `${f.severity}: ${f.what} @ ${f.where}`)).toEqual([]);
    expect({ leaky: leaky.code, clean: clean.code }).toEqual({ leaky: 1, clean: 0 });
  });

  it('never prints a value', () => {
    const printed = JSON.stringify(leaky.findings) + leaky.stderr + JSON.stringify(clean.findings) + clean.stderr;
    expect(values.filter((s) => printed.includes(s))).toEqual([]);
  });
});
