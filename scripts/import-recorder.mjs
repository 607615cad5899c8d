// Preloaded with `--import` by the tests of the shipped bundle (NODE_OPTIONS, set by
// test/integration/lab.ts when HOIST_IMPORT_LOG names a file): appends the URL of every module
// Node loads from this repository's dist/ to that file, so test/integration/dist-chunks.test.ts
// can tell which of dist/'s files a run loaded. Synchronous in-thread hooks (Node 22.15, 23.5).
// HOIST_PROCESS_LOG: appends the file of every process the run starts (never its arguments), so
// test/integration/dist-start.test.ts can tell that a run stopping at its inputs started none.
import { createRequire, registerHooks, syncBuiltinESMExports } from 'node:module';
import { appendFileSync } from 'node:fs';

const log = process.env.HOIST_IMPORT_LOG;
const dist = new URL('../dist/', import.meta.url).href;
if (log) {
  registerHooks({
    load(url, context, next) {
      if (url.startsWith(dist)) appendFileSync(log, `${url.slice(dist.length)}\n`);
      return next(url, context);
    },
  });
}

const processes = process.env.HOIST_PROCESS_LOG;
if (processes) {
  const cp = createRequire(import.meta.url)('node:child_process');
  const record = (file) => appendFileSync(processes, `${String(file)}\n`);
  // spawn, execFile, exec and fork all start their process through ChildProcess#spawn.
  const spawn = cp.ChildProcess.prototype.spawn;
  cp.ChildProcess.prototype.spawn = function (options) {
    record(options?.file);
    return spawn.call(this, options);
  };
  // The synchronous ones call the module's own spawnSync, not its export: each is wrapped.
  for (const name of ['spawnSync', 'execFileSync', 'execSync']) {
    const original = cp[name];
    cp[name] = function (file, ...rest) {
      record(file);
      return original.call(this, file, ...rest);
    };
  }
  syncBuiltinESMExports(); // `import { spawnSync } from 'node:child_process'` sees the wrapped ones
}
