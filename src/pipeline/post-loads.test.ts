import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/** The sources a module pulls in statically (its `import()`s left out, as the bundle's chunks load them on demand). */
async function staticInputs(entry: string): Promise<string[]> {
  const root = join(import.meta.dirname, '../..');
  const r = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    metafile: true,
    splitting: true,
    outdir: 'out',
    logLevel: 'silent',
  });
  const main = Object.values(r.metafile.outputs).find((o) => o.entryPoint === entry)!;
  const seen = new Set<string>();
  const visit = (out: string) => {
    const o = r.metafile.outputs[out]!;
    for (const i of Object.keys(o.inputs)) seen.add(i);
    for (const imp of o.imports) if (imp.kind === 'import-statement' && r.metafile.outputs[imp.path]) visit(imp.path);
  };
  visit(Object.keys(r.metafile.outputs).find((k) => r.metafile.outputs[k] === main)!);
  return [...seen];
}

describe('the post step loads what it uses (issue 36: every Action job runs it)', () => {
  // Property: the post step (stop an ssh-agent, remove the step's own workdir) loads no builder, registry client or tar
  // stream; before, one constant imported from builders/stage.ts brought all of them (251 KiB, 40 files of dist/).
  // Nearest real case: the post step of every job that ran Hoist, cancelled or not.
  it('imports neither the builders, the registry client nor a tar stream', async () => {
    const inputs = await staticInputs('src/pipeline/post.ts');
    expect(inputs).toContain('src/builders/ssh-agent.ts');
    expect(inputs.filter((i) => /^src\/(builders\/(stage|docker|buildkit|buildah)|registry\/)|node_modules\/(tar-stream|streamx)\//.test(i))).toEqual([]);
  });
});
