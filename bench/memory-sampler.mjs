// Where a process's memory is at its peak: loaded with `node --import ./bench/memory-sampler.mjs`
// (or NODE_OPTIONS), it samples process.memoryUsage() and V8's heap spaces every
// HOIST_MEMORY_SAMPLE_MS (default 20) and, at exit, writes the sample with the highest RSS, the
// highest of each figure and the number of samples to HOIST_MEMORY_REPORT as JSON. Not shipped.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

const out = process.env.HOIST_MEMORY_REPORT;
if (out) {
  const MiB = 1024 * 1024;
  const mib = (n) => Math.round((n / MiB) * 10) / 10;
  const sample = () => {
    const m = process.memoryUsage();
    const spaces = {};
    for (const s of getHeapSpaceStatistics()) if (s.space_size > 0) spaces[s.space_name] = { size: mib(s.space_size), used: mib(s.space_used_size) };
    // The kernel's split of the RSS: anonymous memory (heap, malloc, buffers) and mapped files (the node binary, ICU data).
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
    return {
      ms: Math.round(performance.now()),
      rss: mib(m.rss),
      heapTotal: mib(m.heapTotal),
      heapUsed: mib(m.heapUsed),
      external: mib(m.external),
      arrayBuffers: mib(m.arrayBuffers),
      anon: mib(kb('RssAnon')),
      file: mib(kb('RssFile')),
      spaces,
    };
  };
  // HOIST_MEMORY_SERIES=1: every sample's [ms, rss, anon, heap, external] too, and at each new peak the resident
  // anonymous mappings of 1 MiB or more (glibc's main heap '[heap]'; a thread's arena, a 64 MiB-aligned mapping; V8's
  // pages; WebAssembly memory; a large malloc'd buffer) and the process's threads by name. Reading smaps costs a few ms.
  const series = process.env.HOIST_MEMORY_SERIES ? [] : undefined;
  const mappings = () => {
    const found = [];
    let head = '';
    for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
      if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) head = line;
      else if (line.startsWith('Rss:')) {
        const kb = Number(line.split(/\s+/)[1]);
        const [range, , , , , name] = head.split(/\s+/);
        const [a, b] = range.split('-').map((x) => parseInt(x, 16));
        if (kb >= 1024 && !name?.startsWith('/')) found.push({ at: range.split('-')[0], size: mib(b - a), rss: mib(kb * 1024), name: name ?? '' });
      }
    }
    return found.sort((x, y) => y.rss - x.rss);
  };
  let peak = sample();
  const first = peak;
  const max = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0, newSpace: 0 };
  let count = 0;
  const take = () => {
    const s = sample();
    count++;
    for (const k of ['rss', 'heapTotal', 'heapUsed', 'external', 'arrayBuffers']) max[k] = Math.max(max[k], s[k]);
    max.newSpace = Math.max(max.newSpace, s.spaces.new_space?.size ?? 0);
    if (series) series.push([s.ms, s.rss, s.anon, s.heapTotal, s.external]);
    if (s.rss > peak.rss) {
      peak = s;
      if (series) {
        peak.maps = mappings();
        peak.threads = readdirSync('/proc/self/task').map((t) => readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim());
      }
    }
  };
  setInterval(take, Number(process.env.HOIST_MEMORY_SAMPLE_MS ?? 20)).unref();
  process.on('exit', () => {
    take();
    writeFileSync(out, JSON.stringify({ first, peak, max, samples: count, series }, null, 1));
  });
}
