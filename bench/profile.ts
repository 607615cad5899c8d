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
