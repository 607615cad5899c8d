// The audit on a second round of nearby variants (audit-variants.test.ts was the first), as an
// independent red team makes them: other languages' escape writers (PHP, Perl, Ruby, Python
// ascii(), CSS, PowerShell, cmd), encodings stacked (hex of gzip in an SQL dump, base64url of zlib in a
// Flask cookie, base64 of bzip2/xz/zip, gzip of base64, base64 in a Helm chart .tgz), containers
// (git stash/notes/tags/shallow/submodules, .gem, npm pack, wheelhouse, jar in war in tgz, zip64,
// pax/GNU long names, sparse tars, xattrs, cpio crc, ISO 9660), and placement (a file name, a
// symlink target, a file deleted by a later layer's whiteout, a value across the layer stream's
// 1 MiB offset in a 64 MiB file, config Cmd/Healthcheck/OnBuild) — each made by the real tool and
// run through the bundle that ships (`node dist/cli.js audit ./LAYOUT --audit-values-file F --json`).
// Property: every variant's value is found, the path named; every clean twin gives no finding; a
// value split across two tar entries is not a leak (the bytes are never contiguous). The image made
// and the common cases asserted by test/support/corpus/variant-round.ts.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { findingsFor, layerTar, type ImageExtras, type LayerSpec } from '../support/corpus/layout.js';
import { variant2Containers } from '../support/corpus/variant2-containers.js';
import { variant2Text } from '../support/corpus/variant2-text.js';
import { strip, variantRound, type ImageContext, type Place } from '../support/corpus/variant-round.js';

const artifacts = [...variant2Text, ...variant2Containers];
/** Where the value is beyond one artifact's directory: in the layers' structure. */
const layerPlaces: Array<Place & { where: RegExp | null }> = [
  {
    id: 'whiteout-deleted',
    kind: 'token',
    realWorld: 'RUN rm of a file an earlier layer added: still in that layer',
    where: /srv\/whiteout-deleted\/app\.env$/,
  },
  {
    id: 'chunk-boundary',
    kind: 'token',
    realWorld: 'a 64 MiB log whose one token line crosses the layer stream’s 1 MiB offset',
    where: /srv\/chunk-boundary\/huge\.log$/,
  },
  {
    id: 'split-entries',
    kind: 'token',
    realWorld: 'two files, one ending with the first half of the value, the next beginning with the rest: not a leak',
    where: null,
  },
];
/** The value in the image's config, where a Dockerfile puts it (audit-variants.test.ts has Env, Labels, a history build argument). */
const configPlaces: Array<Place & { put: (v: string, x: ImageExtras) => void }> = [
  {
    id: 'config-cmd',
    kind: 'token',
    realWorld: 'CMD ["/app/server", "--api-token=…"]',
    put: (v, x) => ((x.config ??= {}).Cmd = ['/app/server', `--api-token=${v}`]),
  },
  {
    id: 'config-healthcheck',
    kind: 'specials',
    realWorld: 'HEALTHCHECK CMD curl -fsu admin:… (Go JSON: \\u003c \\u003e \\u0026 \\")',
    put: (v, x) => ((x.config ??= {}).Healthcheck = { Test: ['CMD-SHELL', `curl -fsu 'admin:${v}' http://localhost/health`], Interval: 30_000_000_000 }),
  },
  {
    id: 'config-onbuild',
    kind: 'token',
    realWorld: 'ONBUILD RUN writing a .netrc for the child image',
    put: (v, x) => ((x.config ??= {}).OnBuild = [`RUN echo "machine git.example.com login ci password ${v}" > /root/.netrc`]),
  },
];
const HUGE = 64 << 20;
const BOUNDARY = 1 << 20;
/** Where the chunk-boundary value begins in its layer's tar stream (leaky image). */
let hugeOffset = -1;

/** `huge.log` in `dir`: 64 MiB of log lines, `line` placed so that it begins `before` bytes ahead of BOUNDARY in the layer's tar of `dir`. */
async function hugeLog(dir: string, line: string, before: number): Promise<number> {
  const file = join(dir, 'srv', 'chunk-boundary', 'huge.log');
  await mkdir(join(dir, 'srv', 'chunk-boundary'), { recursive: true });
  const body = Buffer.alloc(HUGE, '2026-01-01T00:00:00Z INFO request served in 3 ms\n');
  const marker = Buffer.alloc(line.length, 'Q');
  marker.copy(body, BOUNDARY);
  await writeFile(file, body);
  const dataStart = layerTar(dir).indexOf(marker) - BOUNDARY;
  body.fill('2026-01-01T00:00:00Z INFO request served in 3 ms\n', BOUNDARY, BOUNDARY + line.length);
  Buffer.from(line).copy(body, BOUNDARY - before - dataStart);
  await writeFile(file, body);
  return dataStart;
}

/** Beyond the two artifact layers: the whiteout'd file in the gzip one, the split halves in the plain one, the 64 MiB file alone, a later gzip one with the whiteout; the config places. */
async function places({ work, name, gz, plain, value }: ImageContext): Promise<{ layers: LayerSpec[]; extras: ImageExtras }> {
  const [huge, later] = ['huge', 'later'].map((l) => join(work, `${name}-${l}`)) as [string, string];
  const wh = value(at('whiteout-deleted'));
  await mkdir(join(gz, 'srv', 'whiteout-deleted'), { recursive: true });
  await writeFile(join(gz, 'srv', 'whiteout-deleted', 'app.env'), `NODE_ENV=production\nAPI_TOKEN=${wh}\n`);
  await mkdir(join(later, 'srv', 'whiteout-deleted'), { recursive: true });
  await writeFile(join(later, 'srv', 'whiteout-deleted', '.wh.app.env'), '');
  // The token line's value begins 7 bytes before the 1 MiB offset of the layer stream (`TOKEN=` first).
  await hugeLog(huge, `2026-01-01T00:00:01Z DEBUG auth TOKEN=${value(at('chunk-boundary'))}\n`, 7 + '2026-01-01T00:00:01Z DEBUG auth TOKEN='.length);
  const split = value(at('split-entries'));
  const half = split.length >> 1;
  await mkdir(join(plain, 'srv', 'split-entries'), { recursive: true });
  // a.part is 1024 bytes, so its last byte is right before b.part's header: the halves are one header apart.
  await writeFile(join(plain, 'srv', 'split-entries', 'a.part'), 'x'.repeat(1024 - half) + split.slice(0, half));
  await writeFile(join(plain, 'srv', 'split-entries', 'b.part'), split.slice(half) + '\n');
  const extras: ImageExtras = {};
  configPlaces.forEach((c) => c.put(value(at(c.id)), extras));
  if (name === 'leaky') hugeOffset = layerTar(huge).indexOf(value(at('chunk-boundary')));
  return {
    layers: [
      { dir: huge, gzip: false },
      { dir: later, gzip: true },
    ],
    extras,
  };
}

const round = variantRound({
  prefix: 'hoist-variants2-',
  label: 'audit variants 2',
  artifacts,
  places: [...layerPlaces, ...configPlaces],
  build: places,
  auditTimeoutMs: 120_000,
  setupTimeoutMs: 600_000,
});
const at = (id: string) => round.at(id);

round.describe('the shipped audit on a second round of variants', () => {
  it.each(layerPlaces.filter((p) => p.where).map((p) => ({ ...p, i: at(p.id) })))('$id — $realWorld: found', ({ i, where }) => {
    expect(findingsFor(round.leaky(), i).map((f) => strip(f.where))).toContainEqual(expect.stringMatching(where!));
  });

  it('the chunk-boundary value does cross the 1 MiB offset of its layer stream', () => {
    expect(hugeOffset).toBe(BOUNDARY - 7);
  });

  it('split-entries: a value split across two tar entries (a header between its halves) is not a leak', () => {
    expect(findingsFor(round.leaky(), at('split-entries'))).toEqual([]);
  });

  it.each(configPlaces.map((c) => ({ ...c, i: at(c.id) })))('$id — $realWorld: found in the config', ({ i }) => {
    expect(findingsFor(round.leaky(), i).map((f) => f.where)).toContainEqual(expect.stringMatching(/config/i));
  });
});
