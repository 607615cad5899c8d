// Bundles src/index.ts (the Action and the GitLab component) and src/cli/index.ts (the `hoist`
// command) as minified ESM into dist/chunks/{index,cli}.js, with what only some runs need —
// Octokit for a pull request comment, yaml for a YAML registry-auth — in chunks loaded on demand,
// and writes dist/licenses.txt for every package inside. @actions/http-client, which @actions/core
// imports only for getIDToken (never called), is replaced by a stub that throws (it would bring
// tunnel and undici); so is cacache, make-fetch-happen's HTTP cache, which the Sigstore client
// (sign: keyless) never uses. dist/index.js and dist/cli.js are Node version guards (guard.mjs):
// on a Node outside package.json's engines they print one line and exit 2, loading nothing else,
// and otherwise import their bundle. Deterministic: same sources, same bytes.
//   node scripts/build.mjs          write dist/
//   node scripts/build.mjs --check  build in memory and fail if dist/ differs (used by npm test)
//   --metafile FILE                 also write esbuild's metafile (which sources each dist/ file holds)
//   --outdir DIR                    write the bundle to DIR instead of dist/ (a private build of a tree being
//                                   worked on, for its tests through `HOIST_TEST_CLI=DIR/cli.js`); dist/ untouched
//   --help                          this usage; any other argument is refused before anything is built
import { build } from 'esbuild';
import { chmod, readFile, writeFile, mkdir, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { guard, parseEngines } from './guard.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE =
  "usage: node scripts/build.mjs [--check] [--metafile FILE] [--outdir DIR]\n  (no flag) write dist/   --check  fail if dist/ differs from a fresh build   --metafile FILE  also write esbuild's metafile\n  --outdir DIR  write the bundle to DIR, not dist/ (dist/ untouched)";
/** The flags, checked before anything is built: an unknown one (`--help` too) must not write dist/ as if it were none. */
{
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--check') continue;
    if ((args[i] === '--metafile' || args[i] === '--outdir') && args[i + 1] && !args[i + 1].startsWith('--')) {
      i++;
      continue;
    }
    if (args[i] === '--help' || args[i] === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    const needs = { '--metafile': '--metafile needs a FILE', '--outdir': '--outdir needs a DIR' }[args[i]];
    console.error(`build.mjs: ${needs ?? `unknown argument '${args[i]}'`}: nothing built\n${USAGE}`);
    process.exit(2);
  }
}
const check = process.argv.includes('--check');
const outdirAt = process.argv.indexOf('--outdir');
/** Where the bundle is written: dist/, or a private directory (`--outdir`). */
const outdir = outdirAt > 0 ? process.argv[outdirAt + 1] : undefined;
if (check && outdir) {
  console.error(`build.mjs: --check compares dist/ and --outdir writes elsewhere: give one\n${USAGE}`);
  process.exit(2);
}
/** The Nodes that run the bundle: package.json's engines (zlib's zstd: 22.15, 23.8), which the guards enforce. */
const engines = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')).engines.node;
const oldest = parseEngines(engines)
  .map((r) => r.min)
  .sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2])[0];

const result = await build({
  absWorkingDir: root,
  entryPoints: { 'chunks/index': 'src/index.ts', 'chunks/cli': 'src/cli/index.ts' },
  bundle: true,
  splitting: true,
  minify: true,
  platform: 'node',
  target: `node${oldest.join('.')}`,
  format: 'esm',
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  alias: {
    cacache: './scripts/stubs/cacache.cjs',
    '@actions/http-client/lib/auth': './scripts/stubs/actions-http-client.mjs',
    '@actions/http-client': './scripts/stubs/actions-http-client.mjs',
  },
  write: false,
  metafile: true,
  legalComments: 'none',
  sourcemap: false,
  logLevel: 'warning',
  // Some bundled CommonJS packages call require() for Node built-ins.
  banner: { js: "import { createRequire as __hoistCreateRequire } from 'node:module';\nconst require = __hoistCreateRequire(import.meta.url);" },
});

/** The package directory (inside node_modules) of every bundled input. */
function packagesOf(metafile) {
  const dirs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const parts = input.split(/[\\/]/);
    const i = parts.lastIndexOf('node_modules');
    if (i < 0) continue;
    const name = parts[i + 1]?.startsWith('@') ? parts.slice(i + 1, i + 3) : parts.slice(i + 1, i + 2);
    dirs.add([...parts.slice(0, i + 1), ...name].join(sep));
  }
  return [...dirs].sort();
}

async function licenseText(dir) {
  const files = (await readdir(join(root, dir))).filter((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f)).sort();
  return files.length ? readFile(join(root, dir, files[0]), 'utf8') : undefined;
}

let licenses = 'Third-party software bundled in dist/\n';
const seen = new Set();
for (const dir of packagesOf(result.metafile)) {
  const pkg = JSON.parse(await readFile(join(root, dir, 'package.json'), 'utf8'));
  const id = `${pkg.name}@${pkg.version}`;
  if (seen.has(id)) continue;
  seen.add(id);
  const text = await licenseText(dir);
  licenses += `\n${'='.repeat(78)}\n${id} — ${pkg.license ?? 'UNKNOWN'}\n${'='.repeat(78)}\n${text ? text.trim() + '\n' : `(no license file shipped; package.json says ${pkg.license ?? 'nothing'})\n`}`;
}

const metafileAt = process.argv.indexOf('--metafile');
if (metafileAt > 0) await writeFile(process.argv[metafileAt + 1], JSON.stringify(result.metafile));

const outputs = new Map(result.outputFiles.map((f) => [f.path, f.contents]));
outputs.set(join(root, 'dist/licenses.txt'), Buffer.from(licenses));
outputs.set(join(root, 'dist/index.js'), Buffer.from(guard(engines, './chunks/index.js', 'Hoist', 'run it with runs.using: node24 (action.yml)')));
outputs.set(
  join(root, 'dist/cli.js'),
  Buffer.from(guard(engines, './chunks/cli.js', 'hoist', `install Node.js 24 (https://nodejs.org/), or run npx -p node@24 -p hoist-cli hoist`)),
);
const listDist = async (dir = join(root, 'dist')) =>
  (await readdir(dir, { withFileTypes: true }).catch(() => []))
    .flatMap((e) => (e.isDirectory() ? [] : [join(dir, e.name)]))
    .concat(
      ...(await Promise.all(
        (await readdir(dir, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory()).map((e) => listDist(join(dir, e.name))),
      )),
    );
if (check) {
  const stale = [];
  for (const [path, bytes] of outputs) {
    const current = existsSync(path) ? await readFile(path) : undefined;
    if (!current || !Buffer.from(bytes).equals(current)) stale.push(relative(root, path));
  }
  for (const path of await listDist()) if (!outputs.has(path)) stale.push(`${relative(root, path)} (not built from the sources)`);
  if (stale.length) {
    console.error(`dist/ does not match the sources (${stale.join(', ')}): run 'npm run build' and commit dist/`);
    process.exit(1);
  }
  console.log('dist/ matches a fresh build');
} else if (outdir) {
  await rm(outdir, { recursive: true, force: true });
  for (const [path, bytes] of outputs) {
    const to = join(outdir, relative(join(root, 'dist'), path));
    await mkdir(dirname(to), { recursive: true });
    await writeFile(to, bytes, { mode: path === join(root, 'dist/cli.js') ? 0o755 : 0o644 });
  }
  console.log(`built the bundle into ${outdir} (dist/ untouched)`);
} else {
  for (const path of await listDist()) if (!outputs.has(path)) await rm(path);
  for (const [path, bytes] of outputs) {
    await mkdir(dirname(path), { recursive: true });
    const bin = path === join(root, 'dist/cli.js'); // the package's bin, `hoist`
    await writeFile(path, bytes, { mode: bin ? 0o755 : 0o644 });
    if (bin) await chmod(path, 0o755);
  }
  const size = (name) => outputs.get(join(root, 'dist', name)).length;
  console.log(
    `built dist/chunks/index.js (${size('chunks/index.js')} bytes), dist/chunks/cli.js (${size('chunks/cli.js')} bytes), their Node guards (${engines}) dist/index.js and dist/cli.js, and ${outputs.size - 5} chunks from ${seen.size} packages`,
  );
}
