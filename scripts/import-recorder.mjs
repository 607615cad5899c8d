// Preloaded with `--import` by the tests of the shipped bundle (NODE_OPTIONS, set by
// test/integration/lab.ts when HOIST_IMPORT_LOG names a file): appends the URL of every module
// Node loads from this repository's dist/ to that file, so test/integration/dist-chunks.test.ts
// can tell which of dist/'s files a run loaded. Synchronous in-thread hooks (Node 22.15, 23.5).
import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

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
