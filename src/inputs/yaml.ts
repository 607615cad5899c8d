/**
 * The yaml package's parser, loaded on first use (a chunk of its own). The package is CommonJS
 * for Node: bundled, its functions sit on the module's default export, not as named exports — so
 * they are looked up on both, or the YAML forms would fail only in the shipped bundle.
 */
import type { parse as yamlParse } from 'yaml';

type Yaml = { parse: typeof yamlParse };

export async function loadYaml(): Promise<(text: string) => unknown> {
  const mod = (await import('yaml')) as Yaml & { default?: Yaml };
  const parse = typeof mod.parse === 'function' ? mod.parse : mod.default!.parse;
  return (text) => parse(text, { logLevel: 'error' }) as unknown;
}
