// Imports run one way: front doors → pipeline/ → stages in their order → the shared layers → core/.
// Property: no import in src/ — value, `import type`, `export … from` or dynamic `import()` — runs to
// a higher layer, no two folders of one layer import each other (directly or round a loop), and no
// file cycle exists at all. oxlint's `import/no-cycle` sees static cycles; this also sees layers
// and dynamic imports. Nearest real-world variant: a stage's type imported back by the module that
// feeds it (`inputs/builder.ts` ↔ `builders/plan.ts`), or a pipeline loading its caller on demand.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', 'src');

/**
 * The one layer table (docs/architecture.md, "The tree"): a path under src/ → its layer, the
 * longest prefix winning. A higher layer may import a lower one; one layer's folders may import each
 * other as long as no loop forms.
 */
export const LAYERS: readonly (readonly [prefix: string, layer: number])[] = [
  // The contracts: types every layer shares (the platform, the builder, the run's facts, …), and
  // references and errors.
  ['core/', 0],
  // What every stage stands on: the catalog and redaction, the CI adapters, the image model, the
  // registry client.
  ['secrets/', 1],
  ['platform/', 1],
  ['oci/', 1],
  ['registry/', 1],
  // The one seam the pipelines take: processes, files, clients, builders, the PR comment.
  ['effects/', 2],
  // The stages, in the order a build runs them.
  ['inputs/', 3],
  ['plan/', 4],
  ['builders/', 5],
  ['audit/', 6],
  ['push/', 7],
  ['sign/', 8],
  ['trust/', 9],
  ['maintain/', 10],
  ['report/', 11],
  ['pipeline/', 12],
  // The front doors, and the wiring of the real effects they hand the pipelines.
  ['cli/', 13],
  ['effects/real.ts', 13],
  ['', 14],
];

export function layerOf(file: string): number {
  let best: readonly [string, number] = ['', -1];
  for (const entry of LAYERS) if (file.startsWith(entry[0]) && entry[0].length >= best[0].length) best = entry;
  return best[1];
}

const folderOf = (file: string) => (file.includes('/') ? file.slice(0, file.indexOf('/') + 1) : file);

export interface Import {
  from: string;
  to: string;
  kind: 'value' | 'type' | 'dynamic';
}

/** The source with comments, template literals and regular expressions' text blanked; strings kept. */
function code(source: string): string {
  let out = '';
  for (let i = 0; i < source.length;) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      i = end < 0 ? source.length : end;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end < 0 ? source.length : end + 2;
      out += ' ';
    } else if (c === '`') {
      let j = i + 1;
      while (j < source.length && source[j] !== '`') j += source[j] === '\\' ? 2 : 1;
      out += '``';
      i = j + 1;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < source.length && source[j] !== c && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
      out += source.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

const STATIC = /(?:^|[;\n}])\s*(import|export)\s+(type\s+)?([^;'"]*?\bfrom\s+)?(['"])([^'"\n]+)\4/g;
const DYNAMIC = /\bimport\(\s*(['"])([^'"\n]+)\1\s*\)/g;

/** Every relative import of one file (`file` relative to src/), resolved to the file it names. */
export function importsOf(file: string, source: string): Import[] {
  const text = code(source);
  const found: Import[] = [];
  const resolve = (spec: string) =>
    normalize(join(dirname(file), spec))
      .split(sep)
      .join('/')
      .replace(/\.js$/, '.ts');
  for (const m of text.matchAll(STATIC)) {
    if (!m[5]!.startsWith('.')) continue;
    // `import { type A, type B }` alone is as erased as `import type`.
    const names = /\{([^}]*)\}/.exec(m[3] ?? '')?.[1];
    const allTyped =
      names !== undefined &&
      !/^\s*[\w$]+\s*,/.test(m[3]!) &&
      names
        .split(',')
        .filter((n) => n.trim())
        .every((n) => /^\s*type\s/.test(n));
    found.push({ from: file, to: resolve(m[5]!), kind: m[2] || allTyped ? 'type' : 'value' });
  }
  for (const m of text.matchAll(DYNAMIC)) if (m[2]!.startsWith('.')) found.push({ from: file, to: resolve(m[2]!), kind: 'dynamic' });
  return found.filter((i) => !i.to.startsWith('..'));
}

/** The imports that break the rule, each as one line naming it and why. */
export function offences(imports: readonly Import[]): string[] {
  const out: string[] = [];
  const line = (i: Import, why: string) => `${i.from} → ${i.to} (${i.kind}): ${why}`;
  // Folders of one layer: an import between them is sideways; it offends when it closes a loop.
  const sideways = new Map<string, Set<string>>();
  for (const i of imports) {
    const a = folderOf(i.from);
    const b = folderOf(i.to);
    if (a !== b && layerOf(i.from) === layerOf(i.to)) sideways.set(a, (sideways.get(a) ?? new Set()).add(b));
  }
  const reaches = (graph: Map<string, Set<string>>, from: string, to: string) => {
    const seen = new Set<string>();
    const todo = [from];
    while (todo.length) {
      const at = todo.pop()!;
      if (at === to) return true;
      if (seen.has(at)) continue;
      seen.add(at);
      todo.push(...(graph.get(at) ?? []));
    }
    return false;
  };
  const files = new Map<string, Set<string>>();
  for (const i of imports) files.set(i.from, (files.get(i.from) ?? new Set()).add(i.to));
  for (const i of imports) {
    const up = layerOf(i.to) > layerOf(i.from);
    const a = folderOf(i.from);
    const b = folderOf(i.to);
    if (up) out.push(line(i, `up from layer ${layerOf(i.from)} to ${layerOf(i.to)}`));
    else if (a !== b && layerOf(i.from) === layerOf(i.to) && reaches(sideways, b, a)) out.push(line(i, `sideways in a loop ${b} → … → ${a}`));
    else if (reaches(files, i.to, i.from)) out.push(line(i, 'in a file cycle'));
  }
  return out;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [relative(SRC, path).split(sep).join('/')] : [];
  });
}

describe('import layers', () => {
  it('finds value, type, re-export and dynamic imports, and not those in comments or templates', () => {
    const source = [
      "import { a } from './a.js';",
      "import type { B } from '../core/b.js';",
      "import { type C, type D } from './c.js';",
      "import e, { type E } from './e.js';",
      "export { f } from './f.js';",
      "import './side.js';",
      '// import { g } from "./g.js";',
      "const t = `import('./h.js')`;",
      "const m = await import('../audit/m.js');",
    ].join('\n');
    expect(importsOf('push/x.ts', source).map((i) => `${i.kind} ${i.to}`)).toEqual([
      'value push/a.ts',
      'type core/b.ts',
      'type push/c.ts',
      'value push/e.ts',
      'value push/f.ts',
      'value push/side.ts',
      'dynamic audit/m.ts',
    ]);
  });

  it('names an import up a layer, a sideways loop and a file cycle, and passes a downward import', () => {
    const found = offences([
      { from: 'inputs/builder.ts', to: 'builders/plan.ts', kind: 'value' },
      { from: 'builders/plan.ts', to: 'inputs/builder.ts', kind: 'type' },
      { from: 'secrets/hide.ts', to: 'platform/platform.ts', kind: 'type' },
      { from: 'platform/cli.ts', to: 'secrets/redact.ts', kind: 'type' },
      { from: 'pipeline/build.ts', to: 'pipeline/hierarchy.ts', kind: 'dynamic' },
      { from: 'pipeline/hierarchy.ts', to: 'pipeline/build.ts', kind: 'value' },
      { from: 'push/stage.ts', to: 'core/reference.ts', kind: 'value' },
    ]);
    expect(found).toEqual([
      'inputs/builder.ts → builders/plan.ts (value): up from layer 3 to 5',
      'builders/plan.ts → inputs/builder.ts (type): in a file cycle',
      'secrets/hide.ts → platform/platform.ts (type): sideways in a loop platform/ → … → secrets/',
      'platform/cli.ts → secrets/redact.ts (type): sideways in a loop secrets/ → … → platform/',
      'pipeline/build.ts → pipeline/hierarchy.ts (dynamic): in a file cycle',
      'pipeline/hierarchy.ts → pipeline/build.ts (value): in a file cycle',
    ]);
  });

  it('holds for every file of src/', () => {
    const files = sources(SRC);
    expect(files.length).toBeGreaterThan(100);
    const imports = files.flatMap((f) => importsOf(f, readFileSync(join(SRC, f), 'utf8')));
    expect(imports.length).toBeGreaterThan(500);
    expect(offences(imports)).toEqual([]);
  });
});
