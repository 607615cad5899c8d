// A V8 CPU profile (node --cpu-prof, e.g. BENCH_CPU_PROF of bench/base.ts) summed: self time by
// function and by file, the idle time apart — where a run's CPU went, without a browser; and the
// self time of native and Node-internal functions (indexOfBuffer, …) by the first caller of ours.
//   node_modules/.bin/tsx bench/profile.ts FILE.cpuprofile [TOP, default 25]
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: tsx bench/profile.ts FILE.cpuprofile [TOP]');
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

const sum = (key: (n: Node) => string) => {
  const out = new Map<string, number>();
  for (const [id, us] of self) {
    const k = key(byId.get(id)!);
    out.set(k, (out.get(k) ?? 0) + us);
  }
  return [...out].sort((a, b) => b[1] - a[1]);
};
const short = (url: string) => url.replace(/^file:\/\/.*?\/(dist|node_modules)\//, '$1/') || '(native)';
const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
const total = (profile.endTime - profile.startTime) / 1000;
console.log(`${file}: ${(total / 1000).toFixed(2)} s profiled`);
console.log('\nself time by function:');
for (const [k, us] of sum((n) => `${n.callFrame.functionName || '(anonymous)'}  ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`).slice(0, top))
  console.log(`${ms(us)}  ${k}`);
console.log('\nself time by file:');
for (const [k, us] of sum((n) => short(n.callFrame.url)).slice(0, top)) console.log(`${ms(us)}  ${k}`);

// Natives and Node's internals are charged to the nearest caller outside them (a bundle's function).
const ours = (n: Node) => n.callFrame.url !== '' && !n.callFrame.url.startsWith('node:');
console.log('\nnative and node: self time by the caller of ours:');
const byCaller = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id)!;
  if (ours(n) || /^\((garbage collector|idle|program|root)\)$/.test(n.callFrame.functionName)) continue;
  let up = parent.get(id);
  while (up !== undefined && !ours(byId.get(up)!)) up = parent.get(up);
  const caller = up === undefined ? '(none)' : `${byId.get(up)!.callFrame.functionName || '(anonymous)'}:${byId.get(up)!.callFrame.lineNumber + 1}`;
  const k = `${n.callFrame.functionName || '(anonymous)'} ← ${caller}`;
  byCaller.set(k, (byCaller.get(k) ?? 0) + us);
}
for (const [k, us] of [...byCaller].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(us)}  ${k}`);

// Inclusive time: a function's own samples and those of everything it called, each sample counted once per
// function even where the function recurses — which readers a run's time went through, not only where it ended.
console.log('\ntotal time (self and callees) by function:');
const incl = new Map<string, number>();
for (const [id, us] of self) {
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const n = byId.get(at)!;
    if (!ours(n)) continue;
    const k = `${n.callFrame.functionName || '(anonymous)'}  ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
    if (seen.has(k)) continue;
    seen.add(k);
    incl.set(k, (incl.get(k) ?? 0) + us);
  }
}
for (const [k, us] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(us)}  ${k}`);

// An unminified esbuild bundle marks each module with a `// src/…` line: self time by source module,
// natives and Node's internals charged to the nearest caller of ours.
const modules = new Map<string, string[]>();
const moduleOf = (url: string, line: number): string => {
  if (!url.startsWith('file://')) return '(other)';
  let marks = modules.get(url);
  if (!marks) {
    marks = [];
    let current = '(bundle)';
    try {
      for (const text of readFileSync(new URL(url), 'utf8').split('\n')) {
        if (/^\/\/ (src|node_modules|bench)\//.test(text)) current = text.slice(3);
        marks.push(current);
      }
    } catch {
      // not readable: one module
    }
    modules.set(url, marks);
  }
  return marks[line] ?? short(url);
};
console.log('\nself time by source module (natives with their caller):');
const byModule = new Map<string, number>();
for (const [id, us] of self) {
  let at: number | undefined = id;
  while (at !== undefined && !ours(byId.get(at)!)) at = parent.get(at);
  const n = byId.get(at ?? id)!;
  const k = at === undefined ? `(none) ${n.callFrame.functionName || '(anonymous)'}` : moduleOf(n.callFrame.url, n.callFrame.lineNumber);
  byModule.set(k, (byModule.get(k) ?? 0) + us);
}
for (const [k, us] of [...byModule].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(us)}  ${k}`);
