/**
 * One round of the variant corpus (audit-variants*.test.ts) as its test runs it: the artifacts, made
 * by the real tools with the round's values, dealt between two layers (a gzip one and a plain one,
 * under srv/<id>/), the known gaps after them, the round's own places (layers, config) after those;
 * a leaky image and its clean twin (every value drawn again), both audited through the bundle that
 * ships (`node dist/cli.js audit ./LAYOUT --audit-values-file F --json`, values looked for being the
 * leaky ones); then the cases every round asserts — both finish, each artifact found with its path,
 * each gap still missed, each clean twin silent, the exit codes, no value printed — with the
 * round's own cases in between.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeArtifact } from './artifact.js';
import { auditLayout, findingsFor, writeLayout, type AuditRun, type ImageExtras, type LayerSpec } from './layout.js';
import { SECRET_SEED } from './secrets.js';
import type { Variant } from './variant-text.js';
import { valueOf, type Kind } from './variant-values.js';

/** A value placed beyond one artifact's directory (a layer's structure, the config): the round's hook puts it. */
export interface Place {
  id: string;
  kind: Kind;
  realWorld: string;
}

/** What the round's hook is given to place its own values, for one image (`name`: leaky or clean). */
export interface ImageContext {
  work: string;
  name: string;
  /** The directories of the two artifact layers (gzip, plain). */
  gz: string;
  plain: string;
  /** The value of index i in this image. */
  value: (i: number) => string;
}

export interface RoundSpec {
  /** The temporary directory's prefix and the summary line's label, e.g. 'hoist-variants4-', 'audit variants 4'. */
  prefix: string;
  label: string;
  artifacts: Variant[];
  /** Known gaps: made and audited as the artifacts are, asserted still missed. */
  gaps?: Variant[];
  /** The name of the list a read gap moves to, for the gap case's title ('variant4'). */
  gapsList?: string;
  places?: Place[];
  /** Puts the places' values: layers after the two artifact layers, and the config and annotations. */
  build?: (c: ImageContext) => Promise<{ layers?: LayerSpec[]; extras?: ImageExtras }>;
  auditTimeoutMs: number;
  setupTimeoutMs: number;
}

export interface Round {
  /** The leaky values, one per artifact, gap and place, in that order. */
  values: string[];
  /** The index of place `id` among the values. */
  at(id: string): number;
  leaky(): AuditRun;
  clean(): AuditRun;
  /** The round's describe: the common cases, `own` registering the round's between the artifacts' and the gaps'. */
  describe(title: string, own?: () => void): void;
}

/** A finding's place without its layer: `srv/<id>/…`. */
export const strip = (where: string) => where.replace(/^layer \S+ \([^)]*\), /, '');

/** python3 of the distribution (its packages: snappy, msgpack, cbor2, bson, protobuf, yaml, jwt), the value in `s`, the output directory in `OUT`. */
export const pyValue = (body: string) => `/usr/bin/python3 - <<'EOF'
import os, sys
s = open('secret', encoding='utf-8').read()
OUT = os.environ['OUT']
${body}
EOF`;

/** A Java program run by the single-file launcher: `body` inside main, the value in `s` (UTF-8 read), $OUT in `out`. */
export const javaMain = (body: string) => `mkdir -p j && cat > j/Gen.java <<'EOF'
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
public class Gen {
  public static void main(String[] a) throws Exception {
    String s = Files.readString(Path.of("secret"), StandardCharsets.UTF_8);
    String out = System.getenv("OUT");
${body}
  }
}
EOF
java j/Gen.java`;

/** A node script (the machine's Node, as a tool), the value in `s`, $OUT in `out`; `fs`, `path` and `util` required. */
export const nodeValue = (body: string) => `node - <<'EOF'
const fs = require('fs'), path = require('path'), util = require('util');
const s = fs.readFileSync('secret', 'utf8');
const out = process.env.OUT;
${body}
EOF`;

/**
 * Python (after pyValue's prologue) writing the bytes in `data` as regedit exports a binary value: `head` (`"Name"=hex(2):`),
 * then comma-separated hex pairs cut by `\` continuations at 80 columns, under `[key]`, UTF-16LE with a BOM, to $OUT/`file`.
 */
export const regExport = (head: string, key: string, file: string) => `head = '${head}'
items = ['%02x' % b for b in data]
lines, cur = [], head
for i, it in enumerate(items):
    piece = it + (',' if i < len(items) - 1 else '')
    if len(cur) + len(piece) > 78 and cur.strip():
        lines.append(cur + '\\\\'); cur = '  '
    cur += piece
lines.append(cur)
text = 'Windows Registry Editor Version 5.00\\r\\n\\r\\n[${key}]\\r\\n' + '\\r\\n'.join(lines) + '\\r\\n\\r\\n'
open(os.path.join(OUT, '${file}'), 'wb').write(b'\\xff\\xfe' + text.encode('utf-16-le'))`;

/** A Go program built by the distribution's Go, offline; `src` is main.go, `run` builds and runs it. */
export const goMain = (src: string, run: string) => `mkdir -p gp && cd gp
cat > main.go <<'EOF'
${src}
EOF
export GOPATH="$PWD/.gopath" GOCACHE="$PWD/.gocache" GOTOOLCHAIN=local CGO_ENABLED=0 GO111MODULE=off
${run}`;

/** Registers the round's beforeAll (both images made and audited) and afterAll; returns its runs and cases. */
/** root/etc/app/app.env holding the value, then 3,000 numbered lines (compressible, more than one 32 KiB chunk). */
export const appEnv = `mkdir -p root/etc/app && printf 'API_TOKEN=%s\\n' "$S" > root/etc/app/app.env && seq 1 3000 | sed 's/^/LINE_/' >> root/etc/app/app.env`;

/** A 7z archive of root/etc (appEnv) made by `7zz a FLAGS`, the value not readable in its bytes; found in ID/etc.7z. */
export const sevenZip = (v: { id: string; flags: string; name: string; realWorld: string }): Variant => ({
  id: v.id,
  name: v.name,
  realWorld: v.realWorld,
  kind: 'token',
  script: `${appEnv} && 7zz a ${v.flags} "$OUT/etc.7z" root/etc > /dev/null && ! grep -F "$S" "$OUT/etc.7z" > /dev/null`,
  where: new RegExp(`${v.id}/etc\\.7z`),
});

export function variantRound(spec: RoundSpec): Round {
  const gaps = spec.gaps ?? [];
  const places = spec.places ?? [];
  const inDirs = [...spec.artifacts, ...gaps];
  const draws = [...inDirs.map((a) => () => valueOf(a.kind, a.avoid)), ...places.map((p) => () => valueOf(p.kind))];
  const values = draws.map((draw) => draw());
  const runs: { leaky?: AuditRun; clean?: AuditRun } = {};
  let work = '';

  async function image(name: string, value: (i: number) => string): Promise<void> {
    const [gz, plain] = ['gz', 'tar'].map((l) => join(work, `${name}-${l}`)) as [string, string];
    for (const [i, a] of inDirs.entries())
      await makeArtifact({ ...a, shape: 'token' }, value(i), join(i % 2 ? plain : gz, 'srv', a.id), join(work, 'scratch', `${name}-${a.id}`));
    const own = spec.build ? await spec.build({ work, name, gz, plain, value }) : {};
    const layers: LayerSpec[] = [{ dir: gz, gzip: true }, { dir: plain, gzip: false }, ...(own.layers ?? [])];
    await writeLayout(join(work, name), layers, own.extras ?? {});
  }

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), spec.prefix));
    await image('leaky', (i) => values[i]!);
    await image('clean', (i) => draws[i]!());
    runs.leaky = await auditLayout(work, 'leaky', values, spec.auditTimeoutMs);
    runs.clean = await auditLayout(work, 'clean', values, spec.auditTimeoutMs);
  }, spec.setupTimeoutMs);

  afterAll(async () => {
    if (runs.leaky && runs.clean)
      console.log(
        `${spec.label}: ${spec.artifacts.length} artifacts + ${gaps.length} gaps + ${places.length} places (values drawn from seed ${SECRET_SEED}); audit ${Math.round(runs.leaky.ms)} ms (leaky), ${Math.round(runs.clean.ms)} ms (clean)`,
      );
    if (work) await rm(work, { recursive: true, force: true });
  });

  const leaky = () => runs.leaky!;
  const clean = () => runs.clean!;
  const at = (id: string) => {
    const j = places.findIndex((p) => p.id === id);
    if (j < 0) throw new Error(`variant round: no place '${id}'`);
    return inDirs.length + j;
  };
  const describeRound = (title: string, own?: () => void) => {
    describe(`${title}`, () => {
      commonCases(spec, { values, leaky, clean }, own);
    });
  };
  return { values, at, leaky, clean, describe: describeRound };
}

function commonCases(spec: RoundSpec, r: { values: string[]; leaky: () => AuditRun; clean: () => AuditRun }, own?: () => void): void {
  const gaps = spec.gaps ?? [];
  const inDirs = [...spec.artifacts, ...gaps];
  it('finishes on both images', () => {
    expect({ leaky: r.leaky().timedOut, clean: r.clean().timedOut }).toEqual({ leaky: false, clean: false });
  });

  it.each(spec.artifacts.map((a, i) => ({ ...a, i })))('$id — $name: found, the path named', ({ i, id, where }) => {
    const found = findingsFor(r.leaky(), i);
    const said = JSON.stringify(r.leaky().findings.filter((f) => f.where.includes(`/srv/${id}/`)));
    expect(found.length, `no leak finding (values drawn from seed ${SECRET_SEED}); the audit said: ${said}`).toBeGreaterThan(0);
    expect(found.map((f) => strip(f.where))).toContainEqual(expect.stringMatching(where));
  });

  own?.();

  it.each(gaps.map((a, i) => ({ ...a, i: spec.artifacts.length + i })))(
    `known gap $id — $name: still missed (move it to ${spec.gapsList ?? 'the variants'} once read)`,
    ({ i }) => {
      expect(findingsFor(r.leaky(), i)).toEqual([]);
    },
  );

  it.each(inDirs)('$id: the clean twin gives no leak and no limit finding', ({ id }) => {
    expect(
      r
        .clean()
        .findings.filter((f) => f.where.includes(`/srv/${id}/`))
        .map((f) => `${f.severity}: ${f.what}`),
    ).toEqual([]);
  });

  it('the clean image passes (exit 0, no finding anywhere) and the leaky one fails (exit 1)', () => {
    expect(r.clean().findings.map((f) => `${f.severity}: ${f.what} @ ${f.where}`)).toEqual([]);
    expect({ leaky: r.leaky().code, clean: r.clean().code }).toEqual({ leaky: 1, clean: 0 });
  });

  it('never prints a value', () => {
    const printed = JSON.stringify(r.leaky().findings) + r.leaky().stderr + JSON.stringify(r.clean().findings) + r.clean().stderr;
    expect(r.values.filter((s) => printed.includes(s))).toEqual([]);
  });
}

/**
 * The cases of a round's streams no image alone can read (`named`: made as the artifacts are, in one gzip layer, a
 * leaky and a clean image): each is found or named as not fully audited, leaky or clean — never a silent pass; no
 * value printed. `prefix` names the temporary directory (`hoist-variants8b-` → `hoist-variants8b-n-`).
 */
export function describeNamed(prefix: string, named: Variant[]): void {
  describe('streams the image alone cannot read: named, leaky or clean', () => {
    const values = named.map((a) => valueOf(a.kind, a.avoid));
    const runs: Record<string, AuditRun> = {};
    let work = '';
    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), `${prefix}n-`));
      for (const [name, value] of [
        ['leaky', (i: number) => values[i]!],
        ['clean', (i: number) => valueOf(named[i]!.kind, named[i]!.avoid)],
      ] as const) {
        const dir = join(work, `${name}-tar`);
        for (const [i, a] of named.entries())
          await makeArtifact({ ...a, shape: 'token' }, value(i), join(dir, 'srv', a.id), join(work, 'scratch', `${name}-${a.id}`));
        await writeLayout(join(work, name), [{ dir, gzip: true }]);
        runs[name] = await auditLayout(work, name, values, 180_000);
      }
    }, 600_000);
    afterAll(async () => {
      if (work) await rm(work, { recursive: true, force: true });
    });

    it.each(named.flatMap((a, i) => ['leaky', 'clean'].map((image) => ({ ...a, i, image }))))(
      '$id ($image) — $name: found or named as not fully audited',
      ({ i, id, image, where }) => {
        const run = runs[image]!;
        const said = run.findings.filter((f) => f.where.includes(`/srv/${id}/`));
        const named = said.filter((f) => f.severity === 'limit').map((f) => strip(f.where));
        const found = image === 'leaky' ? findingsFor(run, i) : [];
        const outcome = found.length > 0 ? 'found' : named.some((w) => where.test(w)) ? 'named' : 'silent';
        expect(outcome, `the audit said: ${JSON.stringify(said)}`).not.toBe('silent');
      },
    );

    it('never prints a value', () => {
      const printed = Object.values(runs)
        .map((r) => JSON.stringify(r.findings) + r.stderr)
        .join('');
      expect(values.filter((s) => printed.includes(s))).toEqual([]);
    });
  });
}
