// The audit on nearby variants of its corpus (audit-corpus.test.ts): artifacts the corpus does not
// hold, made here by the real tools (git credential-store, bash, PyYAML, ElementTree, javac/jar,
// java's Properties.store, sqlite3, zstd, lz4 -l, brotli, openssl, xxd, rpmbuild, python's email),
// values of other shapes (spaces, & < > % " \, 8 characters, 200 characters), and the value in the
// image's config (Env, Labels, a RUN's build argument in history) and a manifest annotation — run
// through the bundle that ships (`node dist/cli.js audit ./LAYOUT --audit-values-file F --json`).
// Property: every variant's value is found, the path named; every clean twin (the same artifact with
// a value the audit is not told about) gives no leak and no limit finding.
// Nearest real-world variant beside each artifact: `realWorld` in test/support/corpus/variant-*.ts.
// The image made and the common cases asserted by test/support/corpus/variant-round.ts.
import { expect, it } from 'vitest';
import { findingsFor, type ImageExtras } from '../support/corpus/layout.js';
import { variantBinary } from '../support/corpus/variant-binary.js';
import { variantEscapes } from '../support/corpus/variant-escapes.js';
import { variantRound, type Place } from '../support/corpus/variant-round.js';
import { variantText } from '../support/corpus/variant-text.js';

const artifacts = [...variantText, ...variantBinary, ...variantEscapes];
/** The value in the image's config and manifest, where a build puts it. */
const configPlaces: Array<Place & { put: (v: string, x: ImageExtras) => void; where: RegExp }> = [
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
const round = variantRound({
  prefix: 'hoist-variants-',
  label: 'audit variants',
  artifacts,
  places: configPlaces,
  build: async ({ value }) => {
    const extras: ImageExtras = {};
    configPlaces.forEach((c, j) => c.put(value(artifacts.length + j), extras));
    return { extras };
  },
  auditTimeoutMs: 90_000,
  setupTimeoutMs: 300_000,
});

round.describe('the shipped audit on variants of its corpus', () => {
  it.each(configPlaces.map((c, j) => ({ ...c, i: artifacts.length + j })))('$id — $realWorld: found', ({ i, where }) => {
    expect(findingsFor(round.leaky(), i).map((f) => f.where)).toContainEqual(expect.stringMatching(where));
  });
});
